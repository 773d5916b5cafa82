//! `cargo xtask release`: the I/O around `stream_chat_codegen::release`. It reads the crate's
//! version from `generated-client/Cargo.toml`, the base (the newest `stream-chat-client-v*`
//! tag, or `--base`), `spec/` and `generated-client/CHANGELOG.md`; prints what the release
//! does; and, unless `--dry-run`, writes the changelog, the manifest's version,
//! `Cargo.lock` and the requirements in the crate's README. It never commits, tags or publishes: it prints those commands.

use crate::base::{self, ReadSpec};
use lexopt::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stream_chat_codegen::release::{self, manifest, version, Base, Request};

/// The command's options.
#[derive(Default)]
pub struct Options {
    base: Option<String>,
    dry_run: bool,
    date: Option<String>,
    version: Option<version::Version>,
    root: Option<PathBuf>,
}

/// Parses the options; `Ok(None)` when help was asked for.
pub fn parse(parser: &mut lexopt::Parser) -> Result<Option<Options>, String> {
    let mut options = Options::default();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("base") => options.base = Some(crate::value(parser)?),
            Long("dry-run") => options.dry_run = true,
            Long("date") => {
                let date = crate::value(parser)?;
                chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map_err(|e| format!("--date {date}: {e}; write it as YYYY-MM-DD"))?;
                options.date = Some(date);
            }
            Long("version") => {
                let text = crate::value(parser)?;
                let parsed =
                    version::Version::parse(&text).map_err(|e| format!("--version {text}: {e}"))?;
                options.version = Some(parsed);
            }
            Long("root") => options.root = Some(PathBuf::from(crate::value(parser)?)),
            Long("help") | Short('h') => return Ok(None),
            other => return Err(other.unexpected().to_string()),
        }
    }
    Ok(Some(options))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The base: `--base`, else the newest release tag, which must be the manifest's version;
/// `None` when there is no release tag yet (the first release).
fn base(
    options: &Options,
    root: &Path,
    current: &version::Version,
) -> Result<Option<ReadSpec>, String> {
    if let Some(arg) = &options.base {
        return base::read_base(Some(arg), root)
            .map(Some)
            .map_err(|e| crate::read_error("base", e));
    }
    let pattern = format!("{}*", version::TAG_PREFIX);
    let tags = base::tags(&pattern, root).map_err(|e| crate::read_error("base", e))?;
    let Some((tag, tagged)) = version::latest_tag(tags.iter().map(String::as_str)) else {
        eprintln!(
            "note: no release tag `{pattern}`: this is the first release, and there is no API \
             diff (pass --base to compare with a revision)"
        );
        return Ok(None);
    };
    if &tagged != current {
        return Err(format!(
            "generated-client/Cargo.toml says {current}, but the newest release tag is {tag}: \
             tag the commit that released {current} (`git tag {}`), or pass --base",
            version::tag(current)
        ));
    }
    base::read_git(&tag, root)
        .map(Some)
        .map_err(|e| crate::read_error("base", e))
}

/// Runs the command.
pub fn run(options: Options, workspace: &Path) -> Result<ExitCode, String> {
    let root = options.root.clone().unwrap_or_else(|| workspace.to_owned());
    let manifest_path = root.join("generated-client/Cargo.toml");
    let changelog_path = root.join("generated-client/CHANGELOG.md");
    let lock_path = root.join("Cargo.lock");
    let manifest_text = read(&manifest_path)?;
    let current = manifest::version(&manifest_text)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let base = base(&options, &root, &current)?;
    let head = base::read_dir(&root.join("spec"), "working tree".to_owned())
        .map_err(|e| crate::read_error("head", e))?;
    let changelog = read(&changelog_path)?;
    let date = options.date.clone().unwrap_or_else(|| {
        chrono::Utc::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string()
    });
    let plan = release::prepare(Request {
        base: base.as_ref().map(|base| Base {
            label: base.label.clone(),
            files: &base.files,
        }),
        head: &head.files,
        current: current.clone(),
        changelog: &changelog,
        date,
        version: options.version.clone(),
    })?;

    let mut writes = vec![(
        changelog_path.clone(),
        plan.changelog.clone(),
        format!("the [{}] section below", plan.next),
    )];
    if plan.next != current {
        let manifest_text = manifest::set_version(&manifest_text, &plan.next)
            .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
        writes.push((
            manifest_path,
            manifest_text,
            format!("version {current} -> {}", plan.next),
        ));
        if lock_path.exists() {
            let lock = manifest::set_lock_version(&read(&lock_path)?, &current, &plan.next)?;
            writes.push((
                lock_path,
                lock,
                format!("{} {current} -> {}", manifest::CRATE, plan.next),
            ));
        }
        let readme_path = root.join("generated-client/README.md");
        if readme_path.exists() {
            let readme = read(&readme_path)?;
            let updated = manifest::set_readme_requirements(&readme, &plan.next);
            if updated != readme {
                writes.push((
                    readme_path,
                    updated,
                    format!(
                        "dependency lines require \"{}\"",
                        manifest::requirement(&plan.next)
                    ),
                ));
            }
        }
    }
    println!("{}\n", plan.summary());
    let verb = if options.dry_run {
        "would write (dry run: nothing written)"
    } else {
        "writes"
    };
    println!("{verb}:");
    for (path, _, what) in &writes {
        let shown = path.strip_prefix(&root).unwrap_or(path);
        println!("  {}: {what}", shown.display());
    }
    println!("\n{}", plan.section);
    if options.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    for (path, text, _) in &writes {
        write(path, text)?;
    }
    println!(
        "next: review the changes, commit them, tag the commit and publish:\n  \
         git commit -am \"Release {crate} {next}\"\n  git tag {tag}\n  \
         cargo publish -p {crate}",
        crate = manifest::CRATE,
        next = plan.next,
        tag = version::tag(&plan.next),
    );
    Ok(ExitCode::SUCCESS)
}
