//! `kasse-sandbox`: runs the ConnectID + S4 stand-in on 127.0.0.1.
//!
//! Prints exactly one line `kasse-sandbox listening on http://127.0.0.1:PORT` once bound
//! (`cargo xtask demo` reads it; `--port 0` picks a free port).

use clap::Parser;
use kasse_sandbox::faults::FaultConfig;
use kasse_sandbox::seed::Seed;
use kasse_sandbox::{Sandbox, SandboxConfig};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Local stand-in for the ConnectID and S4 APIs (validation, hosted pages, faults, SQLite).
#[derive(Debug, Parser)]
#[command(name = "kasse-sandbox", version)]
struct Args {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 8090)]
    port: u16,
    /// SQLite database file; orders persist across restarts. Absent = a fresh in-memory database.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Fault injection from the start: `rate=0.2,kinds=500|429|timeout|drop,seed=42,latency_ms=0,timeout_ms=30000`
    /// or the JSON body of `POST /__sandbox/faults`.
    #[arg(long)]
    faults: Option<String>,
    /// Seed data file (TOML, see crates/kasse-sandbox/seed.toml); absent = the built-in seed.
    #[arg(long)]
    seed: Option<PathBuf>,
    /// ConnectID access token lifetime in seconds.
    #[arg(long, default_value_t = 43_200)]
    token_ttl_secs: u64,
    /// S4 access token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    s4_token_ttl_secs: u64,
    /// Seconds after which S4 completes (approved) or cancels (not approved) a Vipps/MobilePay
    /// order nobody completed.
    #[arg(long, default_value_t = 300)]
    s4_vipps_settle_secs: u64,
    /// ConnectID calls per second per client.
    #[arg(long, default_value_t = 100)]
    rate_per_sec: u32,
    /// ConnectID calls per minute per client.
    #[arg(long, default_value_t = 2000)]
    rate_per_min: u32,
}

fn config(args: Args) -> Result<SandboxConfig, String> {
    let faults = match &args.faults {
        Some(spec) => FaultConfig::parse_spec(spec)?,
        None => FaultConfig::default(),
    };
    let seed = match &args.seed {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("--seed {}: {e}", path.display()))?;
            Some(Seed::from_toml(&text).map_err(|e| format!("--seed {}: {e}", path.display()))?)
        }
        None => None,
    };
    Ok(SandboxConfig {
        port: args.port,
        db: args.db,
        seed,
        faults,
        token_ttl: Duration::from_secs(args.token_ttl_secs),
        s4_token_ttl: Duration::from_secs(args.s4_token_ttl_secs),
        s4_vipps_settle: Duration::from_secs(args.s4_vipps_settle_secs),
        rate_per_sec: args.rate_per_sec,
        rate_per_min: args.rate_per_min,
        ..SandboxConfig::default()
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match config(Args::parse()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kasse-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kasse-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("kasse-sandbox listening on {}", sandbox.base_url());
    let _ = std::io::stdout().flush();
    // Runs until interrupted (the xtask and developers stop it with Ctrl-C / SIGINT).
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
