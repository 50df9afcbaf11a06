//! `cargo xtask bench`: every size and speed figure of the project, printed, never asserted.
//! Speed figures are ratios against a baseline measured in the same run (the machine is shared and
//! noisy; absolute milliseconds from two runs do not compare).

use crate::cmd::{self, quiet};
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
/// Browser runs per side in the load-time benchmark (`KASSE_BENCH_RUNS` overrides).
const LOAD_RUNS: usize = 15;
/// Upper bounds for the measuring processes (their builds are not bounded, like every build).
const GATEWAY_TIMEOUT: Duration = Duration::from_secs(120);
const LOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// One figure of the benchmark, measured and printed.
type Figure<'a> = Box<dyn Fn() -> Result<()> + 'a>;

pub fn run() -> Result<()> {
    let toolchain = setup::run()?;
    println!("bench: building the release bundle");
    let dist = stack::build_widget(toolchain, true)?;
    bundle_sizes(&dist)?;
    // Each figure stands alone: one that fails is reported and the others are still printed.
    let mut failed = Vec::new();
    let figures: [(&str, Figure); 3] = [
        ("core bytes", Box::new(|| wasm_bytes::core_bytes(&dist))),
        ("load time", Box::new(load_time)),
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

fn bundle_sizes(dist: &Path) -> Result<()> {
    use crate::bundle::{find, Part};
    let (wasm, glue) = (find(dist, Part::Wasm)?, find(dist, Part::Glue)?);
    let rows: [(&str, &Path); 5] = [
        ("widget wasm", &wasm),
        ("widget JS glue", &glue),
        ("loader kasse.js", Path::new("kasse.js")),
        ("widget CSS (in wasm)", Path::new("../style/kasse.css")),
        ("demo page CSS", Path::new("demo.css")),
    ];
    println!("\nRelease bundle (dist/)");
    println!("{:<24} {:>10} {:>10}", "file", "raw B", "brotli B");
    let (mut raw_total, mut br_total) = (0, 0);
    for (label, file) in rows {
        let path = dist.join(file);
        let raw = std::fs::metadata(&path)
            .with_context(|| format!("{}", path.display()))?
            .len();
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

/// Loader start to an interactive form in headless Chromium, widget vs. a hand-written
/// vanilla-JS form with the same fields on the same page (e2e/bench/load-time.mjs measures).
fn load_time() -> Result<()> {
    let runs = env_number("KASSE_BENCH_RUNS", LOAD_RUNS)?;
    println!("\nbench: starting sandbox + gateway for the browser timing");
    let stack = stack::Stack::start(stack::Ports::Ephemeral)?;
    println!("bench: {runs} browser runs per side (fresh context each, alternating order)");
    let mut node = Command::new("node");
    node.current_dir(cmd::workspace_root().join("e2e"))
        .arg("bench/load-time.mjs")
        .args(["--runs", &runs.to_string()])
        .env("KASSE_URL", &stack.gateway_url);
    let output = run_bounded(&mut node, LOAD_TIMEOUT)?;
    drop(stack);

    let mut widget = Vec::new();
    let mut vanilla = Vec::new();
    let mut bytes = Vec::new();
    for line in output.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("LOADTIME") {
            continue;
        }
        match words.next() {
            Some("widget_ms") => widget = parse_numbers(words)?,
            Some("vanilla_ms") => vanilla = parse_numbers(words)?,
            Some("bytes") => bytes.push(words.map(str::to_owned).collect::<Vec<_>>()),
            _ => bail!("unexpected line from load-time.mjs: `{line}`"),
        }
    }
    if widget.is_empty() || widget.len() != vanilla.len() {
        bail!("load-time.mjs printed no complete samples:\n{output}");
    }
    let ratios: Vec<f64> = widget.iter().zip(&vanilla).map(|(w, v)| w / v).collect();
    let (w, v, r) = (Summary::of(&widget), Summary::of(&vanilla), Summary::of(&ratios));
    println!(
        "\nMount to interactive form in headless Chromium: {} runs each, ms from `Kasse.mount` \
         (loader on the page, bundle not yet fetched) to `kasse:ready`",
        widget.len()
    );
    println!("{:<34} {:>10} {:>10} {:>10}", "form", "median", "p90", "min");
    println!(
        "{:<34} {:>10.1} {:>10.1} {:>10.1}",
        "Kasse widget (wasm)", w.median, w.p90, w.min
    );
    println!(
        "{:<34} {:>10.1} {:>10.1} {:>10.1}",
        "vanilla-JS form, same fields", v.median, v.p90, v.min
    );
    println!(
        "{:<34} {:>9.1}x {:>9.1}x",
        "widget / vanilla",
        w.median / v.median,
        w.p90 / v.p90
    );
    println!(
        "{:<34} {:>9.1}x {:>9.1}x {:>9.1}x",
        "per-run ratio widget / vanilla", r.median, r.p90, r.min
    );
    println!("both fetch the offer JSON first; the widget also fetches, compiles and starts its bundle");

    if !bytes.is_empty() {
        println!("\nFirst-visit network bytes of the widget (Resource Timing, as Chromium fetched them)");
        println!(
            "{:<28} {:>9} {:>12} {:>12} {:>12}",
            "file", "encoding", "transfer B", "body B", "decoded B"
        );
        let mut total = 0u64;
        for row in &bytes {
            let [path, encoding, transfer, encoded, decoded] = &row[..] else {
                bail!("unexpected bytes row {row:?} from load-time.mjs");
            };
            total += transfer.parse::<u64>().unwrap_or(0);
            println!("{path:<28} {encoding:>9} {transfer:>12} {encoded:>12} {decoded:>12}");
        }
        println!("{:<28} {:>9} {total:>12}", "total", "");
    }
    Ok(())
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

fn parse_numbers<'a>(words: impl Iterator<Item = &'a str>) -> Result<Vec<f64>> {
    words
        .map(|w| w.parse::<f64>().with_context(|| format!("`{w}` is not a number")))
        .collect()
}

fn env_number(name: &str, default: usize) -> Result<usize> {
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .with_context(|| format!("{name}={value} is not a number")),
        Err(_) => Ok(default),
    }
}

/// Median, 90th percentile (nearest rank) and minimum of a sample.
struct Summary {
    median: f64,
    p90: f64,
    min: f64,
}

impl Summary {
    fn of(samples: &[f64]) -> Summary {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank = |q: f64| sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
        let median = if sorted.len().is_multiple_of(2) {
            (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
        } else {
            sorted[sorted.len() / 2]
        };
        Summary {
            median,
            p90: rank(0.9),
            min: sorted[0],
        }
    }
}

/// Runs `command` for at most `limit`, returning its stdout; its stderr is shown on failure. On
/// timeout it gets SIGTERM (node lets Playwright close its browser then), then SIGKILL.
fn run_bounded(command: &mut Command, limit: Duration) -> Result<String> {
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

    #[test]
    fn summarizes_samples() {
        let s = Summary::of(&[5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 6.0, 7.0, 8.0, 9.0]);
        assert_eq!((s.median, s.p90, s.min), (5.5, 9.0, 1.0));
        let s = Summary::of(&[3.0]);
        assert_eq!((s.median, s.p90, s.min), (3.0, 3.0, 3.0));
    }
}
