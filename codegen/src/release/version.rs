//! The next version of the crate, by Cargo's semver rules, and the release tags.
//!
//! Cargo treats the left-most non-zero number as the major one: at `0.y.z` a breaking change
//! bumps `y` and anything else bumps `z`; at `0.0.z` every release is breaking and bumps `z`;
//! from `1.0.0` on, breaking changes bump the major, additions the minor, the rest the patch.

use crate::diff::Release;
pub use semver::Version;

/// Release tags are `stream-chat-client-v<version>`: the workspace holds several crates, and
/// this is the convention of `cargo release` and `release-plz` for a crate of a workspace.
pub const TAG_PREFIX: &str = "stream-chat-client-v";

/// The tag of a released version.
pub fn tag(version: &Version) -> String {
    format!("{TAG_PREFIX}{version}")
}

/// The newest release among tag names (others are ignored), with its version.
pub fn latest_tag<'t>(tags: impl IntoIterator<Item = &'t str>) -> Option<(String, Version)> {
    tags.into_iter()
        .filter_map(|tag| {
            let version = Version::parse(tag.trim().strip_prefix(TAG_PREFIX)?).ok()?;
            Some((tag.trim().to_owned(), version))
        })
        .max_by(|a, b| a.1.cmp(&b.1))
}

/// The version after `current` for changes that need `needed`, by Cargo's rules.
///
/// # Errors
///
/// A pre-release `current` (`0.2.0-rc.1`) has no rule: its next version is a choice, given
/// with `--version`.
pub fn next(current: &Version, needed: Release) -> Result<Version, String> {
    if !current.pre.is_empty() {
        return Err(format!(
            "{current} is a pre-release: give the next version with --version"
        ));
    }
    let (major, minor, patch) = (current.major, current.minor, current.patch);
    Ok(match (major, minor, needed) {
        (0, 0, _) => Version::new(0, 0, patch + 1),
        (0, _, Release::Major) => Version::new(0, minor + 1, 0),
        (0, _, _) => Version::new(0, minor, patch + 1),
        (_, _, Release::Major) => Version::new(major + 1, 0, 0),
        (_, _, Release::Minor) => Version::new(major, minor + 1, 0),
        (_, _, Release::None) => Version::new(major, minor, patch + 1),
    })
}

/// The biggest change that a step from `current` to `next` may carry under Cargo's rules:
/// `Major` when `next` is not semver-compatible with `current` (callers' `^current`
/// requirements do not pick it up); `Minor` for a compatible step that may add (a new minor
/// from 1.0 on, any compatible step at 0.x); `None` for a patch from 1.0 on.
pub fn allows(current: &Version, next: &Version) -> Release {
    let first_non_zero = |v: &Version| match (v.major, v.minor) {
        (0, 0) => (0, 0, v.patch),
        (0, minor) => (0, minor, 0),
        (major, _) => (major, 0, 0),
    };
    if first_non_zero(current) != first_non_zero(next) {
        Release::Major
    } else if current.major == 0 || next.minor != current.minor {
        Release::Minor
    } else {
        Release::None
    }
}

/// Checks a version given by hand: newer than `current`, and a step at least as big as the
/// changes need (a breaking change released as compatible would break `^` requirements).
///
/// # Errors
///
/// Says why the version does not fit.
pub fn check_chosen(current: &Version, chosen: &Version, needed: Release) -> Result<(), String> {
    if chosen <= current {
        return Err(format!("--version {chosen} is not newer than {current}"));
    }
    if allows(current, chosen) >= needed {
        return Ok(());
    }
    let release = Version::new(current.major, current.minor, current.patch);
    let at_least = next(&release, needed).unwrap_or(release);
    Err(match needed {
        Release::Major => format!(
            "--version {chosen} is semver-compatible with {current}, but the changes break the \
             Rust API: choose {at_least} or later"
        ),
        _ => format!(
            "--version {chosen} is a patch release after {current}, but the changes add to the \
             Rust API: choose {at_least} or later"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn bump(current: &str, needed: Release) -> String {
        next(&v(current), needed).unwrap().to_string()
    }

    #[test]
    fn zero_x_breaking_bumps_the_minor_and_the_rest_the_patch() {
        assert_eq!(bump("0.1.0", Release::Major), "0.2.0");
        assert_eq!(bump("0.1.7", Release::Major), "0.2.0");
        assert_eq!(bump("0.1.7", Release::Minor), "0.1.8");
        assert_eq!(bump("0.1.7", Release::None), "0.1.8");
        assert_eq!(bump("0.9.3", Release::Major), "0.10.0");
    }

    #[test]
    fn zero_zero_x_always_bumps_the_patch() {
        for needed in [Release::Major, Release::Minor, Release::None] {
            assert_eq!(bump("0.0.4", needed), "0.0.5");
        }
    }

    #[test]
    fn from_one_on_major_minor_patch() {
        assert_eq!(bump("1.4.2", Release::Major), "2.0.0");
        assert_eq!(bump("1.4.2", Release::Minor), "1.5.0");
        assert_eq!(bump("1.4.2", Release::None), "1.4.3");
    }

    #[test]
    fn a_pre_release_needs_a_chosen_version() {
        assert!(next(&v("0.2.0-rc.1"), Release::None)
            .unwrap_err()
            .contains("--version"));
    }

    #[test]
    fn every_bump_allows_what_it_was_asked_for() {
        for current in ["0.0.4", "0.1.7", "1.4.2", "3.0.0"] {
            for needed in [Release::Major, Release::Minor, Release::None] {
                let next = next(&v(current), needed).unwrap();
                assert!(allows(&v(current), &next) >= needed, "{current} {needed:?}");
                assert!(check_chosen(&v(current), &next, needed).is_ok());
            }
        }
        assert_eq!(allows(&v("0.1.7"), &v("0.1.8")), Release::Minor);
        assert_eq!(allows(&v("1.4.2"), &v("1.4.3")), Release::None);
        assert_eq!(allows(&v("0.0.4"), &v("0.0.5")), Release::Major);
    }

    #[test]
    fn a_chosen_version_must_be_big_enough() {
        assert!(check_chosen(&v("0.1.7"), &v("0.1.9"), Release::Major)
            .unwrap_err()
            .contains("choose 0.2.0 or later"));
        assert!(check_chosen(&v("0.1.7"), &v("1.0.0"), Release::Major).is_ok());
        assert!(check_chosen(&v("1.4.2"), &v("1.4.3"), Release::Minor).is_err());
        assert!(check_chosen(&v("1.4.2"), &v("1.4.2"), Release::None).is_err());
        assert!(check_chosen(&v("0.1.7"), &v("0.2.0-rc.1"), Release::Major).is_ok());
    }

    #[test]
    fn the_latest_tag_is_the_highest_version() {
        let tags = [
            "v9.9.9",
            "stream-chat-client-v0.2.0",
            "stream-chat-client-v0.10.0",
            "stream-chat-client-v0.9.1",
            "stream-chat-client-vnext",
        ];
        let (tag, version) = latest_tag(tags).unwrap();
        assert_eq!(
            (tag.as_str(), version),
            ("stream-chat-client-v0.10.0", v("0.10.0"))
        );
        assert_eq!(latest_tag(["v1.0.0"]), None);
        assert_eq!(super::tag(&v("0.3.1")), "stream-chat-client-v0.3.1");
    }
}
