//! `cargo xtask fuzz`: the kasse-core fuzz targets, each for a bounded time. Never part of
//! `cargo xtask test`.

use crate::cmd::{self, quiet};
use anyhow::{bail, Context, Result};
use std::process::Command;

/// `cargo xtask fuzz [--seconds N]`: each kasse-core fuzz target for a bounded time.
pub fn run(args: &[String]) -> Result<()> {
    let seconds = match args {
        [] => 30,
        [flag, value] if flag == "--seconds" => value.parse().context("--seconds needs a number")?,
        _ => bail!("usage: cargo xtask fuzz [--seconds N]"),
    };
    cmd::extend_path();
    let fuzz_dir = cmd::workspace_root().join("crates/kasse-core/fuzz");
    if cmd::first_line("cargo-fuzz", &["--version"]).is_none() {
        println!("fuzz: installing cargo-fuzz");
        quiet(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    // libFuzzer's sanitizer flags need a nightly rustc; rustup fetches one (minimal profile) once.
    if cmd::first_line("rustc", &["+nightly", "--version"]).is_none() {
        println!("fuzz: installing the nightly toolchain (rustup, minimal profile)");
        quiet(Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    let list = quiet(
        Command::new("cargo")
            .current_dir(&fuzz_dir)
            .args(["+nightly", "fuzz", "list"]),
    )?;
    let targets: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    if targets.is_empty() {
        bail!("no fuzz targets in {}", fuzz_dir.display());
    }
    for target in targets {
        println!("fuzz: {target} for {seconds} s");
        cmd::stream(Command::new("cargo").current_dir(&fuzz_dir).args([
            "+nightly",
            "fuzz",
            "run",
            &target,
            "--",
            &format!("-max_total_time={seconds}"),
        ]))?;
    }
    Ok(())
}
