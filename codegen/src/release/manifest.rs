//! The crate's version in `generated-client/Cargo.toml`, `Cargo.lock` and the requirements
//! the crate's README tells users to write, read and replaced in place: only the version
//! changes, comments and layout stay as written.

use super::version::Version;

/// The name of the released crate.
pub const CRATE: &str = "stream-chat-client";

/// The `version = "..."` line of the manifest's `[package]` table: its byte range in the text
/// and the quoted value.
fn package_version(manifest: &str) -> Result<(std::ops::Range<usize>, &str), String> {
    let mut in_package = false;
    let mut offset = 0;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        } else if in_package {
            if let Some(value) = trimmed
                .strip_prefix("version")
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::trim)
            {
                let value = value
                    .strip_prefix('"')
                    .and_then(|v| v.split_once('"'))
                    .map(|(v, _)| v)
                    .ok_or("the `version` of `[package]` is not a quoted string (is it inherited from the workspace?)")?;
                return Ok((
                    offset..offset + line.trim_end_matches(['\n', '\r']).len(),
                    value,
                ));
            }
        }
        offset += line.len();
    }
    Err("there is no `version = \"...\"` line in `[package]`".to_owned())
}

/// The version the manifest states.
///
/// # Errors
///
/// When there is no plain `version` in `[package]`, or it is not a semver version.
pub fn version(manifest: &str) -> Result<Version, String> {
    let (_, value) = package_version(manifest)?;
    Version::parse(value).map_err(|error| format!("`version = \"{value}\"`: {error}"))
}

/// The manifest with its package version set to `version`.
///
/// # Errors
///
/// As [`version`].
pub fn set_version(manifest: &str, version: &Version) -> Result<String, String> {
    let (line, _) = package_version(manifest)?;
    Ok(format!(
        "{}version = \"{version}\"{}",
        &manifest[..line.start],
        &manifest[line.end..]
    ))
}

/// The lock file with the version of the crate's `[[package]]` entry set to `version`.
///
/// # Errors
///
/// When the lock file has no entry for the crate at `current`.
pub fn set_lock_version(
    lock: &str,
    current: &Version,
    version: &Version,
) -> Result<String, String> {
    let entry = format!("name = \"{CRATE}\"\nversion = \"{current}\"\n");
    let start = lock.find(&entry).ok_or_else(|| {
        format!("Cargo.lock has no `{CRATE}` {current}: run `cargo update -p {CRATE}` first")
    })?;
    Ok(format!(
        "{}name = \"{CRATE}\"\nversion = \"{version}\"\n{}",
        &lock[..start],
        &lock[start + entry.len()..]
    ))
}

/// The requirement a user writes for `version` (Cargo's caret rules: `0.3` for 0.3.1, `1` for
/// 1.2.0, `0.0.4` for 0.0.4): every release that requirement accepts is compatible.
pub fn requirement(version: &Version) -> String {
    match (version.major, version.minor) {
        (0, 0) => format!("0.0.{}", version.patch),
        (0, minor) => format!("0.{minor}"),
        (major, _) => major.to_string(),
    }
}

/// A README with every dependency line on the crate (`stream-chat-client = "0.1"` or
/// `stream-chat-client = { version = "0.1", ... }`) requiring `version`.
pub fn set_readme_requirements(readme: &str, version: &Version) -> String {
    let wanted = requirement(version);
    let prefix = format!("{CRATE} = ");
    readme
        .split_inclusive('\n')
        .map(|line| {
            let Some(rest) = line.strip_prefix(&prefix) else {
                return line.to_owned();
            };
            let quoted = match rest.strip_prefix("{ version = ") {
                Some(table) => table,
                None => rest,
            };
            match quoted.strip_prefix('"').and_then(|v| v.split_once('"')) {
                Some((_, after)) => {
                    let head = &line[..line.len() - quoted.len()];
                    format!("{head}\"{wanted}\"{after}")
                }
                None => line.to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "[package]\nname = \"stream-chat-client\"\n# the crate's version\nversion = \"0.1.0\" \ndescription = \"x\"\n\n[dependencies]\nversion = \"9\"\n";

    #[test]
    fn the_package_version_is_read_and_replaced_in_place() {
        assert_eq!(version(MANIFEST).unwrap(), Version::new(0, 1, 0));
        let updated = set_version(MANIFEST, &Version::new(0, 2, 0)).unwrap();
        assert_eq!(
            updated,
            MANIFEST.replace("version = \"0.1.0\" ", "version = \"0.2.0\"")
        );
        assert!(version("[package]\nversion.workspace = true\n").is_err());
        assert!(version("[dependencies]\nversion = \"1.0.0\"\n").is_err());
    }

    #[test]
    fn readme_requirements_follow_the_release() {
        let readme = "```toml\n[dependencies]\nstream-chat-client = \"0.1\"\nserde = \"1\"\nstream-chat-client = { version = \"0.1\", features = [\"ws\"] }\n```\nstream-chat-client = is not a line to touch\n";
        assert_eq!(
            set_readme_requirements(readme, &Version::new(0, 3, 0)),
            readme.replace("\"0.1\"", "\"0.3\"")
        );
        assert_eq!(requirement(&Version::new(1, 2, 0)), "1");
        assert_eq!(requirement(&Version::new(0, 0, 4)), "0.0.4");
    }

    #[test]
    fn the_lock_entry_of_the_crate_is_replaced() {
        let lock = "[[package]]\nname = \"semver\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"stream-chat-client\"\nversion = \"0.1.0\"\ndependencies = []\n";
        let updated =
            set_lock_version(lock, &Version::new(0, 1, 0), &Version::new(0, 2, 0)).unwrap();
        assert!(updated.contains("name = \"semver\"\nversion = \"0.1.0\""));
        assert!(
            updated.contains("name = \"stream-chat-client\"\nversion = \"0.2.0\"\ndependencies")
        );
        assert!(set_lock_version(lock, &Version::new(0, 3, 0), &Version::new(0, 4, 0)).is_err());
    }
}
