//! Reading a spec to compare: a folder, or the `spec/` folder of a git revision.

use std::path::{Path, PathBuf};
use std::process::Command;
use stream_chat_codegen::source::{self, SourceFile};
use stream_chat_codegen::Diagnostics;

/// Why a spec could not be read.
pub enum ReadError {
    /// git is missing, the revision does not exist, or a file cannot be read from it.
    Git(String),
    /// The files were read but do not load (YAML syntax, unknown keys).
    Spec(Diagnostics),
}

/// A spec read for comparison, and how output names it.
pub struct ReadSpec {
    pub label: String,
    pub files: Vec<SourceFile>,
}

/// Reads the base: `arg` names a folder or a git revision; without it, `origin/main`, or
/// `HEAD` when there is no `origin/main`.
pub fn read_base(arg: Option<&str>, root: &Path) -> Result<ReadSpec, ReadError> {
    match arg {
        Some(arg) if Path::new(arg).is_dir() => read_dir(Path::new(arg), arg.to_owned()),
        Some(revision) => read_git(revision, root),
        None => {
            let revision = if revision_exists("origin/main", root)? {
                "origin/main"
            } else {
                eprintln!("note: there is no origin/main; comparing with HEAD");
                "HEAD"
            };
            read_git(revision, root)
        }
    }
}

/// Reads every `*.yaml` file of a folder.
pub fn read_dir(dir: &Path, label: String) -> Result<ReadSpec, ReadError> {
    let files = source::load_dir(dir).map_err(ReadError::Spec)?;
    Ok(ReadSpec { label, files })
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output, ReadError> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|error| {
            ReadError::Git(format!(
                "cannot run git ({error}); install git, or pass --base with a folder"
            ))
        })
}

fn revision_exists(revision: &str, root: &Path) -> Result<bool, ReadError> {
    let commit = format!("{revision}^{{commit}}");
    let output = git(root, &["rev-parse", "--verify", "--quiet", &commit])?;
    Ok(output.status.success())
}

/// The `spec/` folder of `root`, relative to the top of its git work tree.
fn spec_in_repository(root: &Path) -> Result<String, ReadError> {
    let output = git(root, &["rev-parse", "--show-toplevel"])?;
    if !output.status.success() {
        return Err(ReadError::Git(format!(
            "{} is not in a git work tree: {}",
            root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let top = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let top = top.canonicalize().unwrap_or(top);
    let spec = root.join("spec");
    let spec = spec.canonicalize().unwrap_or(spec);
    let relative = spec.strip_prefix(&top).unwrap_or(Path::new("spec"));
    Ok(relative.to_string_lossy().replace('\\', "/"))
}

/// Reads `spec/*.yaml` as it is in a git revision, with `git ls-tree` and `git cat-file`.
pub fn read_git(revision: &str, root: &Path) -> Result<ReadSpec, ReadError> {
    if !revision_exists(revision, root)? {
        return Err(ReadError::Git(format!(
            "`{revision}` is neither a folder nor a git revision of {} (for a pull request's \
             base branch, fetch it first, e.g. `git fetch origin main`)",
            root.display()
        )));
    }
    let spec = spec_in_repository(root)?;
    let tree = format!("{revision}:{spec}");
    let listing = git(root, &["ls-tree", &tree])?;
    if !listing.status.success() {
        return Err(ReadError::Git(format!(
            "{revision} has no `{spec}` folder: {}",
            String::from_utf8_lossy(&listing.stderr).trim()
        )));
    }
    let mut texts = Vec::new();
    for line in String::from_utf8_lossy(&listing.stdout).lines() {
        // "<mode> <type> <object>\t<name>"
        let Some((meta, name)) = line.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split_whitespace();
        let (kind, object) = (meta.nth(1), meta.next());
        let (Some("blob"), Some(object)) = (kind, object) else {
            continue;
        };
        if !name.ends_with(".yaml") {
            continue;
        }
        let blob = git(root, &["cat-file", "blob", object])?;
        if !blob.status.success() {
            return Err(ReadError::Git(format!(
                "cannot read {tree}/{name}: {}",
                String::from_utf8_lossy(&blob.stderr).trim()
            )));
        }
        let text = String::from_utf8(blob.stdout)
            .map_err(|_| ReadError::Git(format!("{tree}/{name} is not UTF-8")))?;
        texts.push((format!("{revision}:{spec}/{name}"), text));
    }
    texts.sort();
    let files = source::load_texts(texts).map_err(ReadError::Spec)?;
    Ok(ReadSpec {
        label: revision.to_owned(),
        files,
    })
}

/// The tags of the repository that match a `git tag --list` pattern.
pub fn tags(pattern: &str, root: &Path) -> Result<Vec<String>, ReadError> {
    let output = git(root, &["tag", "--list", pattern])?;
    if !output.status.success() {
        return Err(ReadError::Git(format!(
            "cannot list the tags of {}: {}",
            root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect())
}
