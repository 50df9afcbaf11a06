//! `cargo xtask bench`: every size and speed figure of the project, printed, never asserted.
//! Speed figures are ratios against a baseline measured in the same run (the machine is shared and
//! noisy; absolute milliseconds from two runs do not compare).

use crate::cmd::{self, quiet};
use crate::load_time;
use crate::release;
use crate::setup;
use crate::stack;
use crate::wasm_bytes;
use anyhow::{anyhow, bail, Context, Result};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Orders per path in the gateway benchmark (`KASSE_BENCH_ORDERS` overrides): about a second on
/// the 2-core machine, and 20 samples above p99 per path.
const GATEWAY_ORDERS: usize = 2000;
const GATEWAY_CONCURRENCY: usize = 8;
/// Upper bounds for the measuring processes (their builds are not bounded, like every build).
const GATEWAY_TIMEOUT: Duration = Duration::from_secs(120);

/// One figure of the benchmark, measured and printed.
type Figure<'a> = Box<dyn Fn() -> Result<()> + 'a>;

pub fn run() -> Result<()> {
    let toolchain = setup::run()?;
    println!("bench: building the release bundle");
    let release = release::build_widget(toolchain, true)?;
    let dist = &release.dist;
    bundle_sizes(&release)?;
    // The bundle the build left its names-kept inputs of (see `bundle::BACKENDS`).
    let attributed = release.bundles.last().context("a release has bundles")?;
    // Each figure stands alone: one that fails is reported and the others are still printed.
    let mut failed = Vec::new();
    let figures: [(&str, Figure); 3] = [
        (
            "wasm bytes",
            Box::new(|| wasm_bytes::attribute(&dist.join(&attributed.wasm), &attributed.backend)),
        ),
        ("load time", Box::new(load_time::run)),
        ("gateway cost", Box::new(gateway_cost)),
    ];
    for (name, figure) in figures {
        if let Err(error) = figure() {
            eprintln!("\nbench: {name} failed: {error:#}");
            failed.push(name);
        }
    }
    if !failed.is_empty() {
        bail!("bench: {} could not be measured (see above)", failed.join(", "));
    }
    Ok(())
}

/// Brotli (quality 11, as a CDN would serve it) size of `path`, using Debian's `brotli`.
fn brotli_size(path: &Path) -> Result<u64> {
    let output = quiet(Command::new("brotli").args(["-c", "-q", "11"]).arg(path))?;
    Ok(output.stdout.len() as u64)
}

/// Each shipped file raw and brotli, then what a reader downloads for one widget of each back end:
/// the loader and that back end's bundle (the CSS is inside the wasm) before the form is on
/// screen, then with the chunks that follow it (ConnectID's session), then with every chunk (a
/// reader who submits).
fn bundle_sizes(release: &release::Release) -> Result<()> {
    let dist = &release.dist;
    let size = |file: &Path| -> Result<(u64, u64)> {
        let path = dist.join(file);
        let raw = std::fs::metadata(&path)
            .with_context(|| format!("{}", path.display()))?
            .len();
        Ok((raw, brotli_size(&path)?))
    };
    println!("\nRelease bundles (dist/)");
    println!("{:<40} {:>10} {:>10}", "file", "raw B", "brotli B");
    let loader = size(Path::new("kasse.js"))?;
    let mut rows = vec![("loader kasse.js".to_owned(), loader)];
    for (label, file) in [
        ("widget CSS source, common", "../style/kasse.css"),
        ("demo page CSS", "demo.css"),
    ] {
        rows.push((label.to_owned(), size(Path::new(file))?));
    }
    let mut totals = Vec::new();
    for b in &release.bundles {
        let (wasm, glue) = (size(&b.wasm)?, size(&b.glue)?);
        rows.push((format!("{} widget wasm", b.backend.key), wasm));
        rows.push((format!("{} widget JS glue", b.backend.key), glue));
        let first = (loader.0 + wasm.0 + glue.0, loader.1 + wasm.1 + glue.1);
        let (mut after_form, mut every) = (first, first);
        let has_session = b.chunks.iter().any(|c| chunk_of(c) == "split_session");
        for chunk in &b.chunks {
            let (raw, br) = size(chunk)?;
            rows.push((format!("{} chunk {}", b.backend.key, chunk_of(chunk)), (raw, br)));
            every = (every.0 + raw, every.1 + br);
            if has_session && chunk_of(chunk) != "split_actions" {
                after_form = (after_form.0 + raw, after_form.1 + br);
            }
        }
        totals.push((b.backend.key, first, (after_form != first).then_some(after_form), every));
    }
    for (label, (raw, br)) in rows {
        println!("{label:<40} {raw:>10} {br:>10}");
    }
    for (key, first, after_form, every) in totals {
        let mut lines = vec![(format!("first download, {key} offer"), "to the form", first)];
        if let Some(after_form) = after_form {
            lines.push((
                format!("+ the session, {key} offer"),
                "once the form is on screen",
                after_form,
            ));
        }
        lines.push((format!("+ every chunk, {key} offer"), "a reader who submits", every));
        for (label, when, (raw, br)) in lines {
            println!("{label:<40} {raw:>10} {br:>10}");
            println!("{key}, {when}: {}", size_goals(br));
        }
    }
    Ok(())
}

/// `split_actions` for `widget/kasse-split_actions-<hash>.wasm`: which chunk it is.
fn chunk_of(chunk: &Path) -> &str {
    let name = chunk.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let name = name.strip_prefix("kasse-").unwrap_or(name);
    name.rsplit_once('-').map_or(name, |(stem, _)| stem)
}

/// The issue's size goal for what a reader downloads (brotli): at most 80 KB, ideally 60 KB.
const SIZE_GOAL: u64 = 80 * 1024;
const SIZE_STRETCH_GOAL: u64 = 60 * 1024;

/// `shipped 249,890 B brotli = 3.05× the 80 KB goal, 4.07× the 60 KB goal; 167,970 B (164.0 KB)
/// over 80 KB, 188,450 B (184.0 KB) over 60 KB` (KB = 1,024 B, as the goals are set).
fn size_goals(shipped: u64) -> String {
    let against = |goal: u64| {
        let (diff, side) = if shipped > goal {
            (shipped - goal, "over")
        } else {
            (goal - shipped, "under")
        };
        format!(
            "{} B ({:.1} KB) {side} {} KB",
            thousands(diff),
            diff as f64 / 1024.0,
            goal / 1024
        )
    };
    format!(
        "shipped {} B brotli = {:.2}× the {} KB goal, {:.2}× the {} KB goal; {}, {}",
        thousands(shipped),
        shipped as f64 / SIZE_GOAL as f64,
        SIZE_GOAL / 1024,
        shipped as f64 / SIZE_STRETCH_GOAL as f64,
        SIZE_STRETCH_GOAL / 1024,
        against(SIZE_GOAL),
        against(SIZE_STRETCH_GOAL)
    )
}

/// `249890` → `249,890`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// What the gateway adds to order creation, p50/p99 latency and throughput straight to
/// the sandbox vs. through the gateway, from the gateway's own bench example (both in one process).
fn gateway_cost() -> Result<()> {
    let orders = env_number("KASSE_BENCH_ORDERS", GATEWAY_ORDERS)?;
    println!("\nbench: building the gateway benchmark (native, the `server` profile publishers deploy)");
    // The release profile is tuned for the wasm's size; servers are built with `server`
    // (Cargo.toml), in its own directory, so the widget's release artifacts stay intact.
    quiet(Command::new("cargo").args([
        "build",
        "--quiet",
        "--profile",
        "server",
        "-p",
        "kasse-gateway",
        "--example",
        "bench_orders",
    ]))?;
    for engine in ["sqlite", "postgres"] {
        gateway_cost_on(engine, orders)?;
    }
    println!(
        "the gateway checks each order against the offer, claims its key and records order and \
         answer in its ledger, and forwards it"
    );
    Ok(())
}

/// One run of the gateway benchmark with its ledger on `engine`.
fn gateway_cost_on(engine: &str, orders: usize) -> Result<()> {
    println!("bench: {orders} orders per path, concurrency {GATEWAY_CONCURRENCY}, ledger on {engine}");
    let mut bench = Command::new(stack::target_dir().join("server/examples/bench_orders"));
    bench.args([
        "--orders",
        &orders.to_string(),
        "--concurrency",
        &GATEWAY_CONCURRENCY.to_string(),
        "--engine",
        engine,
    ]);
    let output = run_bounded(&mut bench, GATEWAY_TIMEOUT)?;
    let json = output
        .lines()
        .find_map(|line| line.strip_prefix("BENCH_JSON "))
        .ok_or_else(|| anyhow!("bench_orders printed no BENCH_JSON line:\n{output}"))?;
    let number = |path: &[&str]| json_number(json, path);
    println!(
        "\nGateway cost on order creation, ledger on {engine}: {} ConnectID orders per path, \
         concurrency {}, sandbox and gateway in one process",
        number(&["orders"])?,
        number(&["concurrency"])?
    );
    println!("{:<28} {:>10} {:>10} {:>12}", "path", "p50 ms", "p99 ms", "orders/s");
    for (label, key) in [("straight to sandbox", "direct"), ("through the gateway", "gateway")] {
        println!(
            "{label:<28} {:>10.2} {:>10.2} {:>12.0}",
            number(&[key, "p50_ms"])?,
            number(&[key, "p99_ms"])?,
            number(&[key, "throughput"])?
        );
    }
    println!(
        "{:<28} {:>9.2}x {:>9.2}x {:>11.2}x",
        "gateway / direct",
        number(&["ratio", "p50"])?,
        number(&["ratio", "p99"])?,
        number(&["ratio", "throughput"])?
    );
    println!(
        "ledger writes per order ({engine}, alone): {:.0} µs",
        number(&["ledger_write_us"])?
    );
    Ok(())
}

fn json_number(json: &str, path: &[&str]) -> Result<f64> {
    let value: serde_json::Value =
        serde_json::from_str(json.trim()).with_context(|| format!("BENCH_JSON is not JSON: {json}"))?;
    value
        .pointer(&format!("/{}", path.join("/")))
        .and_then(serde_json::Value::as_f64)
        .ok_or_else(|| anyhow!("no number at `{}` in BENCH_JSON {json}", path.join(".")))
}

pub(crate) fn env_number(name: &str, default: usize) -> Result<usize> {
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .with_context(|| format!("{name}={value} is not a number")),
        Err(_) => Ok(default),
    }
}

/// Runs `command` for at most `limit`, returning its stdout; its stderr is shown on failure. On
/// timeout it gets SIGTERM (node lets Playwright close its browser then), then SIGKILL.
pub(crate) fn run_bounded(command: &mut Command, limit: Duration) -> Result<String> {
    let what = cmd::describe(command);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{what}`"))?;
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).ok();
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped")));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .ok();
            let grace = Instant::now() + Duration::from_secs(10);
            while child.try_wait()?.is_none() && Instant::now() < grace {
                std::thread::sleep(Duration::from_millis(100));
            }
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (out, err) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
    let tail = |text: &str| {
        text.lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    };
    match status {
        None => bail!(
            "`{what}` did not finish within {limit:?}; it was stopped. Its last output:\n{}\n{}",
            tail(&out),
            tail(&err)
        ),
        Some(status) if !status.success() => bail!("`{what}` failed ({status}):\n{}\n{}", tail(&out), tail(&err)),
        Some(_) => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BENCH_JSON: &str = r#"{"concurrency":8,"direct":{"p50_ms":1.5,"p99_ms":4.25,"throughput":3000.0},"gateway":{"p50_ms":2.0,"p99_ms":6.0,"throughput":2500.5},"orders":1000,"ratio":{"p50":1.3333333333333333,"p99":1.411764705882353,"throughput":0.8335}}"#;

    #[test]
    fn names_each_chunk_without_its_hash() {
        assert_eq!(
            chunk_of(Path::new("widget/kasse-split_actions-0123456789abcdef.wasm")),
            "split_actions"
        );
        assert_eq!(
            chunk_of(Path::new("widget/kasse-chunk_3-0123456789abcdef.wasm")),
            "chunk_3"
        );
    }

    #[test]
    fn prints_the_shipped_total_against_the_goals() {
        assert_eq!(
            size_goals(249_890),
            "shipped 249,890 B brotli = 3.05× the 80 KB goal, 4.07× the 60 KB goal; \
             167,970 B (164.0 KB) over 80 KB, 188,450 B (184.0 KB) over 60 KB"
        );
        assert_eq!(
            size_goals(71_680),
            "shipped 71,680 B brotli = 0.88× the 80 KB goal, 1.17× the 60 KB goal; \
             10,240 B (10.0 KB) under 80 KB, 10,240 B (10.0 KB) over 60 KB"
        );
        assert_eq!(
            (thousands(0), thousands(999), thousands(1000)),
            ("0".into(), "999".into(), "1,000".into())
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn reads_bench_orders_json() {
        assert_eq!(json_number(BENCH_JSON, &["orders"]).unwrap(), 1000.0);
        assert_eq!(json_number(BENCH_JSON, &["direct", "p99_ms"]).unwrap(), 4.25);
        assert_eq!(json_number(BENCH_JSON, &["gateway", "throughput"]).unwrap(), 2500.5);
        assert_eq!(json_number(BENCH_JSON, &["ratio", "throughput"]).unwrap(), 0.8335);
        // `p50_ms` exists only one level down: the top level must not find it.
        assert!(json_number(BENCH_JSON, &["p50_ms"]).is_err());
        assert!(json_number(BENCH_JSON, &["direct", "missing"]).is_err());
        assert!(json_number(BENCH_JSON, &["direct"]).is_err());
    }
}
