//! Compiles generated code for real: crates made of the hand-written runtime of
//! `generated-client` and the code generated from some spec, checked with
//! `cargo clippy -D warnings` (and rustdoc) as one cargo workspace.
//!
//! The test `codegen::fixture_compile` builds one crate per fixture spec, `codegen::adversarial`
//! one per batch of generated specs. All workspaces share one target folder,
//! `target/generated-check/target` (never the build running the tests, so they never wait on
//! its lock), where the runtime's dependencies are checked once and reused.

use std::path::{Path, PathBuf};
use std::process::Command;

use stream_chat_codegen::model::Api;
use stream_chat_codegen::GeneratedFile;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

/// A `[table]` of a manifest, verbatim (up to the next table).
fn table(manifest: &str, name: &str) -> String {
    let start = manifest
        .find(&format!("[{name}]"))
        .unwrap_or_else(|| panic!("the manifest has [{name}]"));
    let rest = &manifest[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 1);
    rest[..end].to_owned()
}

/// Copies the runtime's sources (its `.rs` files and folders, but `generated/`) into `dest`;
/// `ws/` is copied too, and compiled out (its feature stays off).
fn copy_runtime(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).expect("create src/");
    for entry in std::fs::read_dir(src).expect("runtime sources") {
        let entry = entry.expect("readable entry");
        let path = entry.path();
        if path.is_dir() && entry.file_name() != "generated" {
            // The runtime's layers are folders too (`client/`, `send/`, `retry/`, ...).
            copy_runtime(&path, &dest.join(entry.file_name()));
        } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            std::fs::copy(&path, dest.join(entry.file_name())).expect("copy runtime file");
        }
    }
}

/// A cargo workspace of generated crates under `target/generated-check/<name>/`.
pub struct CheckWorkspace {
    dir: PathBuf,
    members: Vec<String>,
    features: String,
    dependencies: String,
    dev_dependencies: String,
}

impl CheckWorkspace {
    /// An empty workspace; crates left from an earlier run are removed.
    pub fn new(name: &str) -> CheckWorkspace {
        let root = workspace_root();
        let dir = root.join("target/generated-check").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the check workspace");
        let manifest =
            std::fs::read_to_string(root.join("generated-client/Cargo.toml")).expect("manifest");
        CheckWorkspace {
            dir,
            members: Vec::new(),
            // The client's `[features]`: the runtime's `#[cfg(feature = "ws")]` items need `ws`
            // declared (it stays off); each crate gets its own generated area features.
            features: table(&manifest, "features"),
            dependencies: table(&manifest, "dependencies"),
            dev_dependencies: table(&manifest, "dev-dependencies"),
        }
    }

    /// Adds a crate named `name`: the runtime plus `files`, generated from `api`.
    pub fn add(&mut self, name: &str, api: &Api, files: &[GeneratedFile]) {
        let crate_dir = self.dir.join(name);
        copy_runtime(
            &workspace_root().join("generated-client/src"),
            &crate_dir.join("src"),
        );
        stream_chat_codegen::output::write(&crate_dir.join("src/generated"), files)
            .expect("write generated code");
        let features = stream_chat_codegen::features::splice(
            &self.features,
            &stream_chat_codegen::features::region(api),
        )
        .expect("the client's manifest has the generated features region");
        let cargo_toml = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\nname = \"stream_chat_client\"\n\n{features}\n{}\n{}",
            self.dependencies, self.dev_dependencies
        );
        std::fs::write(crate_dir.join("Cargo.toml"), cargo_toml).expect("write manifest");
        self.members.push(name.to_owned());
    }

    /// Writes the workspace manifest, with the real build's lock file so that nothing is
    /// resolved or downloaded.
    fn write_manifest(&self) {
        let root = workspace_root();
        let root_manifest =
            std::fs::read_to_string(root.join("Cargo.toml")).expect("workspace manifest");
        let members: Vec<String> = self.members.iter().map(|m| format!("\"{m}\"")).collect();
        std::fs::write(
            self.dir.join("Cargo.toml"),
            format!(
                "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n{}",
                members.join(", "),
                table(&root_manifest, "workspace.dependencies")
            ),
        )
        .expect("write workspace manifest");
        std::fs::copy(root.join("Cargo.lock"), self.dir.join("Cargo.lock"))
            .expect("copy Cargo.lock");
    }

    fn cargo(&self, args: &[&str]) -> Command {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut command = Command::new(cargo);
        command
            .current_dir(&self.dir)
            .env(
                "CARGO_TARGET_DIR",
                workspace_root().join("target/generated-check/target"),
            )
            .env_remove("RUSTFLAGS")
            .env_remove("RUSTDOCFLAGS")
            .args(args);
        command
    }

    /// `cargo clippy --all-targets -D warnings` on every crate, going on past failures. On
    /// failure: the crates that failed (by name), and cargo's output.
    pub fn clippy(&self) -> Result<(), (Vec<String>, String)> {
        self.write_manifest();
        let output = self
            .cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--offline",
                "--quiet",
                "--keep-going",
                "--",
                "-D",
                "warnings",
            ])
            .output()
            .expect("run cargo clippy");
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let failed = self
            .members
            .iter()
            .filter(|member| stderr.contains(&format!("could not compile `{member}`")))
            .cloned()
            .collect();
        Err((failed, stderr))
    }

    /// rustdoc of one crate: fails when rustdoc warns about anything in the generated code
    /// (broken links, HTML, bare URLs, code blocks that do not parse). Warnings about the
    /// runtime are not the generated code's: its docs link to the real spec's types, which a
    /// fixture lacks. On failure: rustdoc's output.
    pub fn doc(&self, member: &str) -> Result<(), String> {
        self.write_manifest();
        let output = self
            .cargo(&["doc", "--no-deps", "--offline", "-p", member])
            .output()
            .expect("run cargo doc");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let in_generated = stderr
            .lines()
            .any(|line| line.trim_start().starts_with("--> ") && line.contains("src/generated/"));
        if output.status.success() && !in_generated {
            Ok(())
        } else {
            Err(stderr)
        }
    }
}

/// How many doctests rustdoc finds in the docs of generated files: each doc comment (a run
/// of `///` or `//!` lines) becomes the doc of one item of a scratch crate, which
/// `rustdoc --test` then runs; generated docs must hold none.
pub fn count_doctests(files: &[GeneratedFile], scratch: &Path) -> Result<usize, String> {
    let mut source = String::from("#![allow(missing_docs)]\n");
    let mut items = 0;
    for file in files {
        let mut doc = Vec::new();
        for line in file.contents.lines().chain([""]) {
            let trimmed = line.trim_start();
            match trimmed
                .strip_prefix("///")
                .or_else(|| trimmed.strip_prefix("//!"))
            {
                Some(text) => doc.push(text.to_owned()),
                None if !doc.is_empty() => {
                    for text in doc.drain(..) {
                        source.push_str("///");
                        source.push_str(&text);
                        source.push('\n');
                    }
                    source.push_str(&format!("pub struct Item{items};\n"));
                    items += 1;
                }
                None => {}
            }
        }
    }
    std::fs::create_dir_all(scratch).map_err(|e| e.to_string())?;
    let path = scratch.join("docs.rs");
    std::fs::write(&path, source).map_err(|e| e.to_string())?;
    let rustdoc = std::env::var("RUSTDOC").unwrap_or_else(|_| "rustdoc".to_owned());
    let output = Command::new(rustdoc)
        .current_dir(scratch)
        .args([
            "--test",
            "--edition",
            "2021",
            "--crate-name",
            "docs",
            "docs.rs",
        ])
        .output()
        .map_err(|e| format!("run rustdoc: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    // "running N tests"
    let count = stdout
        .lines()
        .find_map(|line| {
            line.strip_prefix("running ")?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .ok_or_else(|| {
            format!(
                "rustdoc --test said:\n{stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    Ok(count)
}
