//! `cargo xtask bench`: every size and speed figure of the project, printed, never asserted.

use crate::cmd::{self, quiet};
use crate::setup;
use crate::stack;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

pub fn run() -> Result<()> {
    let toolchain = setup::run()?;
    println!("bench: building the release bundle");
    let dist = stack::build_widget(toolchain, true)?;
    bundle_sizes(&dist)?;
    Ok(())
}

/// Brotli (quality 11, as a CDN would serve it) size of `path`, using Debian's `brotli`.
fn brotli_size(path: &Path) -> Result<u64> {
    let output = quiet(Command::new("brotli").args(["-c", "-q", "11"]).arg(path))?;
    Ok(output.stdout.len() as u64)
}

fn bundle_sizes(dist: &Path) -> Result<()> {
    let rows: [(&str, &Path); 5] = [
        ("widget wasm", Path::new("widget/kasse_bg.wasm")),
        ("widget JS glue", Path::new("widget/kasse.js")),
        ("loader kasse.js", Path::new("kasse.js")),
        ("widget CSS (in wasm)", Path::new("../style/kasse.css")),
        ("demo page CSS", Path::new("demo.css")),
    ];
    println!("\nRelease bundle (dist/)");
    println!("{:<24} {:>10} {:>10}", "file", "raw B", "brotli B");
    let (mut raw_total, mut br_total) = (0, 0);
    for (label, file) in rows {
        let path = dist.join(file);
        let raw = std::fs::metadata(&path).with_context(|| format!("{}", path.display()))?.len();
        let br = brotli_size(&path)?;
        println!("{label:<24} {raw:>10} {br:>10}");
        // What a reader downloads for one widget: wasm + glue + loader (the CSS is inside the wasm).
        if matches!(label, "widget wasm" | "widget JS glue" | "loader kasse.js") {
            raw_total += raw;
            br_total += br;
        }
    }
    println!("{:<24} {raw_total:>10} {br_total:>10}", "shipped total");
    Ok(())
}

/// `cargo xtask fuzz [--seconds N]`: each kasse-core fuzz target for a bounded time.
pub fn fuzz(args: &[String]) -> Result<()> {
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
    let list = quiet(Command::new("cargo").current_dir(&fuzz_dir).env("RUSTC_BOOTSTRAP", "1").args(["fuzz", "list"]))?;
    let targets: Vec<String> = String::from_utf8_lossy(&list.stdout).lines().map(str::to_owned).collect();
    if targets.is_empty() {
        bail!("no fuzz targets in {}", fuzz_dir.display());
    }
    for target in targets {
        println!("fuzz: {target} for {seconds} s");
        // Stable rustc with RUSTC_BOOTSTRAP: the sanitizer flags cargo-fuzz passes are nightly-only.
        cmd::stream(
            Command::new("cargo")
                .current_dir(&fuzz_dir)
                .env("RUSTC_BOOTSTRAP", "1")
                .args(["fuzz", "run", &target, "--", &format!("-max_total_time={seconds}")]),
        )?;
    }
    Ok(())
}
