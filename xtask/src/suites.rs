//! `cargo xtask test`: every suite, then one line `N passed, N failed`.
//!
//! Suites: `lint` (rustfmt and clippy, each a check), `native` (cargo test of the native crates), `wasm` (the widget's browser tests through
//! wasm-bindgen-test-runner in headless Chromium), `wasm-pack` (the same tests the way Rust web
//! developers run them) and `e2e` (Playwright against the demo stack). A suite that cannot run or
//! that runs zero tests fails the whole command.

use crate::cmd::{self, describe};
use crate::release;
use crate::setup::{self, WasmToolchain};
use crate::stack::{self, Stack};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const SUITES: [&str; 5] = ["lint", "native", "wasm", "wasm-pack", "e2e"];

/// Totals of one suite.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

pub fn run(args: &[String]) -> Result<()> {
    let mut chosen = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--suite" => {
                let name = args.next().context("--suite needs a name")?;
                if !SUITES.contains(&name.as_str()) {
                    bail!("unknown suite `{name}`; suites: {}", SUITES.join(", "));
                }
                chosen.push(name.clone());
            }
            other => bail!("unknown option `{other}`; use --suite <{}>", SUITES.join("|")),
        }
    }
    if chosen.is_empty() {
        chosen = SUITES.iter().map(|s| s.to_string()).collect();
    }
    let toolchain = setup::run()?;
    let mut total = Counts::default();
    let mut broken = Vec::new();
    for suite in &chosen {
        println!("\n=== suite {suite} ===");
        match run_suite(suite, toolchain) {
            Ok(counts) if counts.passed + counts.failed == 0 => {
                broken.push(format!("{suite}: ran no tests"));
            }
            Ok(counts) => {
                println!(
                    "=== suite {suite}: {} passed, {} failed ===",
                    counts.passed, counts.failed
                );
                total.passed += counts.passed;
                total.failed += counts.failed;
            }
            Err(error) => broken.push(format!("{suite}: {error:#}")),
        }
    }
    for problem in &broken {
        eprintln!("xtask: suite could not run: {problem}");
    }
    println!("\n{} passed, {} failed", total.passed, total.failed);
    if total.failed > 0 || !broken.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}

/// A temporary directory for one browser suite, removed when dropped. Chromium under chromedriver
/// leaves its profile (`org.chromium.Chromium.scoped_dir.*`, some 60 MB) in `TMPDIR` when the
/// test runner ends the session by killing it; without this, every run would leave a few behind.
struct ScratchTmp(std::path::PathBuf);

impl ScratchTmp {
    fn new(suite: &str) -> Result<ScratchTmp> {
        let dir = std::env::temp_dir().join(format!("kasse-xtask-{suite}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(ScratchTmp(dir))
    }
}

impl Drop for ScratchTmp {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn run_suite(suite: &str, toolchain: WasmToolchain) -> Result<Counts> {
    let scratch = ScratchTmp::new(suite)?;
    let in_scratch = |command: &mut Command| {
        command.env("TMPDIR", &scratch.0);
    };
    match suite {
        "lint" => Ok(crate::lint::run(toolchain)),
        "native" => {
            // The widget crate's tests are browser tests (suite `wasm`); the rest run natively.
            let mut command = Command::new("cargo");
            command.args(["test", "--workspace", "--exclude", "kasse", "--no-fail-fast"]);
            counted(&mut command, parse_cargo_line)
        }
        "wasm" => {
            let mut command = Command::new("cargo");
            toolchain
                .apply(&mut command)
                .env("CHROMEDRIVER", "/usr/bin/chromedriver")
                .args([
                    "test",
                    "-p",
                    "kasse",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--no-fail-fast",
                ]);
            in_scratch(&mut command);
            counted(&mut command, parse_cargo_line)
        }
        "wasm-pack" => {
            let mut command = Command::new("wasm-pack");
            toolchain.apply(&mut command).args([
                "test",
                "--headless",
                "--chrome",
                "--chromedriver",
                "/usr/bin/chromedriver",
                "--mode",
                "no-install",
            ]);
            in_scratch(&mut command);
            counted(&mut command, parse_cargo_line)
        }
        "e2e" => {
            release::build_widget(toolchain, true)?;
            let stack = Stack::start(stack::Ports::Ephemeral)?;
            let mut command = Command::new("node");
            command
                .current_dir(cmd::workspace_root().join("e2e"))
                .env("KASSE_URL", &stack.gateway_url)
                .env("KASSE_SANDBOX_URL", &stack.sandbox_url)
                .args(["--test", "--test-reporter=tap", "--test-concurrency=1", "tests/"]);
            in_scratch(&mut command);
            let counts = counted(&mut command, parse_tap_line);
            drop(stack);
            counts
        }
        other => bail!("unknown suite {other}"),
    }
}

/// Runs `command`, echoing its stdout while adding up the counts `parse` finds in it. A non-zero
/// exit without any failed test means the suite could not run (a compile error, a missing tool).
fn counted(command: &mut Command, parse: fn(&str) -> Option<Counts>) -> Result<Counts> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    let mut counts = Counts::default();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line?;
        println!("{line}");
        if let Some(found) = parse(&line) {
            counts.passed += found.passed;
            counts.failed += found.failed;
        }
    }
    let status = child.wait()?;
    if !status.success() && counts.failed == 0 {
        bail!(
            "`{}` exited with {status} before reporting a failed test",
            describe(command)
        );
    }
    Ok(counts)
}

/// `test result: ok. 12 passed; 1 failed; 0 ignored; ...` (cargo test and wasm-bindgen-test-runner).
pub fn parse_cargo_line(line: &str) -> Option<Counts> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let number_before = |word: &str| -> Option<u64> {
        rest.split(';')
            .find_map(|part| part.trim().strip_suffix(word)?.trim().rsplit(' ').next()?.parse().ok())
    };
    Some(Counts {
        passed: number_before(" passed")?,
        failed: number_before(" failed")?,
    })
}

/// node's TAP summary: `# pass 7`, `# fail 1`, `# cancelled 1` (a cancelled test counts as failed).
pub fn parse_tap_line(line: &str) -> Option<Counts> {
    let rest = line.trim().strip_prefix("# ")?;
    let (word, number) = rest.split_once(' ')?;
    let number: u64 = number.trim().parse().ok()?;
    match word {
        "pass" => Some(Counts {
            passed: number,
            failed: 0,
        }),
        "fail" | "cancelled" => Some(Counts {
            passed: 0,
            failed: number,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_and_runner_summaries() {
        assert_eq!(
            parse_cargo_line(
                "test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s"
            ),
            Some(Counts { passed: 12, failed: 0 })
        );
        assert_eq!(
            parse_cargo_line("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 filtered out; finished in 1.20s"),
            Some(Counts { passed: 3, failed: 2 })
        );
        assert_eq!(parse_cargo_line("test tests::passed ... ok"), None);
    }

    #[test]
    fn reads_node_tap_summaries() {
        assert_eq!(parse_tap_line("# pass 7"), Some(Counts { passed: 7, failed: 0 }));
        assert_eq!(parse_tap_line("# fail 1"), Some(Counts { passed: 0, failed: 1 }));
        assert_eq!(parse_tap_line("# cancelled 2"), Some(Counts { passed: 0, failed: 2 }));
        assert_eq!(parse_tap_line("# tests 9"), None);
        assert_eq!(parse_tap_line("ok 1 - passes"), None);
    }

    #[test]
    fn the_lockfile_pins_one_wasm_bindgen() {
        let version = setup::locked_wasm_bindgen_version().unwrap();
        let manifest = std::fs::read_to_string(cmd::workspace_root().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("wasm-bindgen = \"={version}\"")),
            "Cargo.toml pins {version}"
        );
    }
}
