//! `cargo xtask soak [--submissions N]`: readers buying through the real widget in headless
//! Chromium (e2e/soak/soak.mjs) while the sandbox faults a third of the vendor calls and this
//! runner SIGKILLs and restarts the gateway on its SQLite ledger. Prints the figures and fails
//! unless no reader attempt made two vendor orders (duplicates) and no reader lost what they paid
//! for (lost). Not part of `cargo xtask test`: it takes minutes.

use crate::cmd;
use crate::release;
use crate::setup;
use crate::stack::{self, Ports, Stack};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The gateway's upstream timeout in the soak: the sandbox's `timeout` fault (2.5 s) outlasts it.
const UPSTREAM_TIMEOUT_MS: u64 = 1500;
/// How often the gateway is killed and restarted.
const RESTART_EVERY: Duration = Duration::from_secs(40);
/// The whole run, at most.
const LIMIT: Duration = Duration::from_secs(15 * 60);

pub fn run(args: &[String]) -> Result<()> {
    let submissions = match args {
        [] => 200,
        [flag, n] if flag == "--submissions" => n.parse().context("--submissions takes a number")?,
        _ => bail!("usage: cargo xtask soak [--submissions N]"),
    };
    let toolchain = setup::run()?;
    println!("soak: building the widget");
    release::build_widget(toolchain, true)?;
    let mut stack = Stack::start_with(Ports::Ephemeral, Some(UPSTREAM_TIMEOUT_MS), stack::Profile::Debug)?;
    let mut node = Command::new("node")
        .current_dir(cmd::workspace_root().join("e2e"))
        .arg("soak/soak.mjs")
        .env("KASSE_URL", &stack.gateway_url)
        .env("KASSE_SANDBOX_URL", &stack.sandbox_url)
        .env("SOAK_SUBMISSIONS", submissions.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting node")?;
    let (summary_tx, summary_rx) = mpsc::channel();
    let stdout = node.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            match line.strip_prefix("SOAK ") {
                Some(json) => {
                    summary_tx.send(json.to_string()).ok();
                }
                None => println!("{line}"),
            }
        }
    });
    let started = Instant::now();
    let (status, restarts) = kill_gateway_until_done(&mut node, &mut stack)?;
    drop(stack);
    let summary: Value = summary_rx
        .recv_timeout(Duration::from_secs(5))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .with_context(|| format!("the soak script printed no summary (exit {status})"))?;
    report(&summary, restarts, started.elapsed())
}

/// SIGKILLs and restarts the gateway every [`RESTART_EVERY`] while the readers run; returns how
/// the script exited and the number of restarts. Bounded by [`LIMIT`].
fn kill_gateway_until_done(node: &mut Child, stack: &mut Stack) -> Result<(ExitStatus, u32)> {
    let started = Instant::now();
    let mut restarts = 0;
    let mut last_restart = Instant::now();
    loop {
        if let Some(status) = node.try_wait()? {
            return Ok((status, restarts));
        }
        if started.elapsed() > LIMIT {
            node.kill().ok();
            bail!("the soak did not finish within {LIMIT:?}");
        }
        if last_restart.elapsed() >= RESTART_EVERY {
            stack.restart_gateway().context("restarting the gateway")?;
            restarts += 1;
            last_restart = Instant::now();
            eprintln!("soak: gateway SIGKILLed and restarted ({restarts})");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn report(s: &Value, restarts: u32, took: Duration) -> Result<()> {
    let n = |k: &str| s[k].as_u64().unwrap_or(0);
    let faults = s["faults"].as_object().cloned().unwrap_or_default();
    let faulted: u64 = faults.values().filter_map(Value::as_u64).sum();
    let share = 100.0 * faulted as f64 / n("faultable").max(1) as f64;
    println!("\nsoak figures ({} s):", took.as_secs());
    println!(
        "  submissions        {}  (outcomes {})",
        n("submissions"),
        s["outcomes"]
    );
    println!("  double clicks      {}", n("doubleClicks"));
    println!("  reloads            {}  retries {}", n("reloads"), n("retries"));
    println!(
        "  vendor calls       {}  faulted {faulted} ({share:.0} %): {}",
        n("faultable"),
        Value::Object(faults)
    );
    println!("  gateway restarts   {restarts} (SIGKILL)");
    println!("  vendor orders      {}", n("vendorOrders"));
    println!("  duplicates         {}", n("duplicates"));
    println!("  lost               {}", n("lost"));
    for p in s["problems"].as_array().into_iter().flatten() {
        println!("    {}", p.as_str().unwrap_or_default());
    }
    if let Some(gave_up) = s["gaveUp"].as_array().filter(|g| !g.is_empty()) {
        println!("  readers who gave up (no receipt, nothing paid): {gave_up:?}");
    }
    if n("duplicates") != 0 || n("lost") != 0 {
        bail!("the soak found duplicates or lost orders");
    }
    if restarts < 3 {
        bail!("the gateway was restarted {restarts} times; the soak needs at least 3");
    }
    Ok(())
}
