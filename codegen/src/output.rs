//! Writing the generated files, and checking that committed ones are fresh.

use std::fmt::Write as _;
use std::path::Path;

/// One generated file: its path relative to the output folder, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Replaces the lines from `begin` to `end` (both included, with the newline after `end`) in
/// a hand-written file with `region`, which holds the markers itself: how `cargo xtask
/// codegen` writes generated parts of hand-written files (the client's cargo features, the
/// numbers in the READMEs).
///
/// # Errors
///
/// Fails with a readable message when a marker is missing or they are out of order.
pub fn splice_region(text: &str, begin: &str, end: &str, region: &str) -> Result<String, String> {
    let start = text
        .find(begin)
        .ok_or_else(|| format!("the file has no line `{begin}`"))?;
    let stop = text[start..]
        .find(end)
        .map(|offset| start + offset + end.len())
        .ok_or_else(|| format!("the file has no line `{end}` after `{begin}`"))?;
    let stop = text[stop..].strip_prefix('\n').map_or(stop, |_| stop + 1);
    Ok(format!("{}{region}{}", &text[..start], &text[stop..]))
}

/// Writes the files into `out_dir` and removes `.rs` files there that are no longer generated.
/// Files whose contents did not change are not touched, so incremental builds stay incremental.
pub fn write(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    for file in files {
        let path = out_dir.join(&file.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &file.contents)?;
        }
    }
    for stale in stale_files(out_dir, files)? {
        std::fs::remove_file(out_dir.join(stale))?;
    }
    Ok(())
}

/// Compares the files with what is in `out_dir`. Returns `None` when everything is fresh,
/// otherwise a readable report: a unified diff per changed file, and added or removed files.
pub fn check(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Option<String>> {
    let mut report = String::new();
    for file in files {
        let path = out_dir.join(&file.path);
        match std::fs::read_to_string(&path) {
            Ok(current) if current == file.contents => {}
            Ok(current) => {
                let diff = similar::TextDiff::from_lines(&current, &file.contents);
                let _ = write!(
                    report,
                    "{}",
                    diff.unified_diff().context_radius(3).header(
                        &format!("{} (committed)", path.display()),
                        &format!("{} (from spec)", path.display())
                    )
                );
            }
            Err(_) => {
                let _ = writeln!(
                    report,
                    "missing: {} (the spec generates it)",
                    path.display()
                );
            }
        }
    }
    for stale in stale_files(out_dir, files)? {
        let _ = writeln!(
            report,
            "stale: {} (the spec no longer generates it)",
            out_dir.join(stale).display()
        );
    }
    Ok((!report.is_empty()).then_some(report))
}

/// `.rs` files under `out_dir` (relative, `/`-separated) that are not among `files`.
fn stale_files(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<String>> {
    let mut stale = Vec::new();
    let mut folders = vec![(out_dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = folders.pop() {
        if !folder.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                folders.push((entry.path(), format!("{name}/")));
            } else if name.ends_with(".rs") && !files.iter().any(|f| f.path == name) {
                stale.push(name);
            }
        }
    }
    stale.sort();
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.to_owned(),
            contents: contents.to_owned(),
        }
    }

    #[test]
    fn write_then_check_reports_changes_and_stale_files() {
        let dir = std::env::temp_dir().join(format!("codegen-output-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = vec![
            file("mod.rs", "mod a;\n"),
            file("api/a.rs", "pub struct A;\n"),
        ];
        write(&dir, &files).unwrap();
        assert_eq!(check(&dir, &files).unwrap(), None);

        std::fs::write(dir.join("api/old.rs"), "// left over\n").unwrap();
        let changed = vec![
            file("mod.rs", "mod a;\n"),
            file("api/a.rs", "pub struct B;\n"),
        ];
        let report = check(&dir, &changed).unwrap().expect("stale");
        assert!(report.contains("-pub struct A;"), "{report}");
        assert!(report.contains("+pub struct B;"), "{report}");
        assert!(
            report.contains("stale: ") && report.contains("old.rs"),
            "{report}"
        );

        write(&dir, &changed).unwrap();
        assert_eq!(check(&dir, &changed).unwrap(), None);
        assert!(!dir.join("api/old.rs").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
