//! `cargo xtask bench-compile`: how long the generated client takes to compile.
//!
//! Method (also in the README): dependencies are built first and not timed. Each scenario
//! removes the client's own artifacts (`cargo clean -p stream-chat-client`, which also drops its
//! incremental cache) and times one `cargo` command, `runs` times; the table shows the median
//! and the range. Peak memory is the largest resident set of any process one timed `cargo` ran
//! (rustc for the client): each timed command runs under a fresh `xtask` child process
//! ([`CHILD_COMMAND`]) that reads `getrusage(RUSAGE_CHILDREN)` when cargo has finished.
//!
//! Scenarios, all in the dev profile:
//! - `build, every area`: `cargo build -p stream-chat-client` (default features = `full`);
//! - `check, every area`: `cargo check -p stream-chat-client`;
//! - `build, area X`: `--no-default-features --features X` (plus the areas X uses);
//! - `incremental`: after a full build, one line is inserted at the top of a generated area file
//!   (so every span in it moves, as a regeneration would), and `cargo build` runs again; the file
//!   is restored afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// Options of the command.
pub struct Options {
    pub runs: usize,
    pub areas: Vec<String>,
    pub incremental_area: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runs: 3,
            areas: ["uploads", "roles", "polls", "messages"]
                .map(str::to_owned)
                .to_vec(),
            incremental_area: "channels".to_owned(),
        }
    }
}

/// Parses `--runs N`, `--area X` (repeatable) and `--incremental-area X`.
pub fn parse(args: &[&str]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut areas = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = || {
            iter.next()
                .map(|v| (*v).to_owned())
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match *arg {
            "--runs" => {
                options.runs = value()?
                    .parse()
                    .map_err(|_| "--runs needs a number".to_owned())?;
            }
            "--area" => areas.push(value()?),
            "--incremental-area" => options.incremental_area = value()?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if !areas.is_empty() {
        options.areas = areas;
    }
    if options.runs == 0 {
        return Err("--runs must be at least 1".to_owned());
    }
    Ok(options)
}

/// The hidden command under which one timed cargo command runs, so its peak memory is its own.
pub const CHILD_COMMAND: &str = "bench-compile-child";

struct Scenario {
    name: String,
    times: Vec<Duration>,
    peak_mb: u64,
}

/// Runs `cargo <args>` and prints `<milliseconds> <peak resident set in KB>`: the body of
/// [`CHILD_COMMAND`].
pub fn child(root: &Path, args: &[&str]) -> ExitCode {
    match cargo(root, args) {
        Ok(time) => {
            println!("{} {}", time.as_millis(), peak_child_rss_kb());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Times `cargo <args>` in a child `xtask` process; returns the time and the peak memory in MB.
fn measured(root: &Path, args: &[&str]) -> Result<(Duration, u64), String> {
    let exe = std::env::current_exe().map_err(|error| format!("cannot find xtask: {error}"))?;
    let output = Command::new(exe)
        .current_dir(root)
        .arg(CHILD_COMMAND)
        .args(args)
        .output()
        .map_err(|error| format!("cannot run xtask: {error}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut numbers = text.split_whitespace().map(str::parse::<u64>);
    match (numbers.next(), numbers.next()) {
        (Some(Ok(millis)), Some(Ok(kb))) => Ok((Duration::from_millis(millis), kb / 1024)),
        _ => Err(format!("unexpected output of {CHILD_COMMAND}: {text:?}")),
    }
}

/// Runs the benchmark and prints a markdown table.
pub fn run(root: &Path, options: &Options) -> ExitCode {
    match measure(root, options) {
        Ok(scenarios) => {
            print_table(&scenarios, options.runs);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("bench-compile: {message}");
            ExitCode::FAILURE
        }
    }
}

fn measure(root: &Path, options: &Options) -> Result<Vec<Scenario>, String> {
    eprintln!("building dependencies (not timed)...");
    cargo(root, &["build", "-p", "stream-chat-client"])?;
    let full: Vec<&str> = vec!["build", "-p", "stream-chat-client"];
    let mut scenarios = vec![
        scenario(root, "build, every area", &full, options.runs)?,
        scenario(
            root,
            "check, every area",
            &["check", "-p", "stream-chat-client"],
            options.runs,
        )?,
    ];
    for area in &options.areas {
        let args = [
            "build",
            "-p",
            "stream-chat-client",
            "--no-default-features",
            "--features",
            area,
        ];
        scenarios.push(scenario(
            root,
            &format!("build, area `{area}`"),
            &args,
            options.runs,
        )?);
    }
    scenarios.push(incremental(root, &options.incremental_area, options.runs)?);
    Ok(scenarios)
}

/// Times `args` from a clean client, `runs` times.
fn scenario(root: &Path, name: &str, args: &[&str], runs: usize) -> Result<Scenario, String> {
    let (mut times, mut peak_mb) = (Vec::new(), 0);
    for run in 1..=runs {
        cargo(root, &["clean", "-p", "stream-chat-client"])?;
        let (time, peak) = measured(root, args)?;
        eprintln!("{name}, run {run}: {:.1} s, {peak} MB", time.as_secs_f64());
        times.push(time);
        peak_mb = peak_mb.max(peak);
    }
    Ok(Scenario {
        name: name.to_owned(),
        times,
        peak_mb,
    })
}

/// Times a rebuild after one generated area file changed.
fn incremental(root: &Path, area: &str, runs: usize) -> Result<Scenario, String> {
    let file = root.join(format!("generated-client/src/generated/api/{area}.rs"));
    let original = std::fs::read_to_string(&file)
        .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    let restore = Restore {
        file: file.clone(),
        original: original.clone(),
    };
    cargo(root, &["build", "-p", "stream-chat-client"])?;
    let (mut times, mut peak_mb) = (Vec::new(), 0);
    for run in 1..=runs {
        let edited = format!("// bench-compile edit {run}\n{original}");
        std::fs::write(&file, edited)
            .map_err(|error| format!("cannot write {}: {error}", file.display()))?;
        let (time, peak) = measured(root, &["build", "-p", "stream-chat-client"])?;
        eprintln!(
            "incremental ({area}), run {run}: {:.1} s, {peak} MB",
            time.as_secs_f64()
        );
        times.push(time);
        peak_mb = peak_mb.max(peak);
    }
    drop(restore);
    cargo(root, &["build", "-p", "stream-chat-client"])?;
    Ok(Scenario {
        name: format!("incremental, `api/{area}.rs` edited"),
        times,
        peak_mb,
    })
}

/// Puts a file back as it was, also when the benchmark fails half-way.
struct Restore {
    file: PathBuf,
    original: String,
}

impl Drop for Restore {
    fn drop(&mut self) {
        if let Err(error) = std::fs::write(&self.file, &self.original) {
            eprintln!("could not restore {}: {error}", self.file.display());
        }
    }
}

/// Runs cargo quietly in the workspace and returns how long it took.
fn cargo(root: &Path, args: &[&str]) -> Result<Duration, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let start = Instant::now();
    let output = Command::new(cargo)
        .current_dir(root)
        .args(args)
        .arg("--quiet")
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        return Err(format!(
            "`cargo {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(elapsed)
}

/// The largest resident set of any finished child process so far, in KB.
fn peak_child_rss_kb() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a whole `rusage` into the pointer it is given.
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    if status != 0 {
        return 0;
    }
    // SAFETY: initialised by the successful call above (and zeroed before).
    let usage = unsafe { usage.assume_init() };
    // Linux reports kilobytes.
    u64::try_from(usage.ru_maxrss).unwrap_or(0)
}

fn print_table(scenarios: &[Scenario], runs: usize) {
    println!("| scenario | median of {runs} | range | peak rustc memory |");
    println!("| --- | --- | --- | --- |");
    for scenario in scenarios {
        let mut times = scenario.times.clone();
        times.sort();
        let median = times[times.len() / 2].as_secs_f64();
        let (low, high) = (times[0].as_secs_f64(), times[times.len() - 1].as_secs_f64());
        println!(
            "| {} | {median:.1} s | {low:.1}–{high:.1} s | {} MB |",
            scenario.name, scenario.peak_mb
        );
    }
}
