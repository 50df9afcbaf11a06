//! `kasse-gateway --config gateway.toml [--listen ADDR] [--store URL]`
//! `kasse-gateway voucher --offer ID --amount MINOR --transaction-id T --merchant-id M` prints a
//! prepayment voucher signed with `$KASSE_PREPAYMENT_SECRET`, for testing a prepaid offer.
//!
//! `KASSE_PORT`, when set, replaces the port of the listen address (the demo runner uses it).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kasse_gateway::config::GatewayConfig;

/// Kasse gateway: offer catalog, order checks and vendor forwarding for the checkout widget.
#[derive(Parser, Debug)]
#[command(version, about, subcommand_negates_reqs = true)]
struct Args {
    /// The TOML configuration file (see gateway.example.toml).
    #[arg(long, short, required = true)]
    config: Option<PathBuf>,
    /// Listen address, overriding `server.listen` (e.g. 127.0.0.1:8080).
    #[arg(long)]
    listen: Option<String>,
    /// The ledger, overriding `server.store`: `sqlite:PATH` or `postgres://…`.
    #[arg(long)]
    store: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Prints a prepayment voucher, as a publisher's server signs one after taking a payment.
    Voucher {
        /// The offer id.
        #[arg(long)]
        offer: String,
        /// The amount paid, minor units (14900 for 149 kr).
        #[arg(long)]
        amount: i64,
        /// ISO 4217 currency.
        #[arg(long, default_value = "NOK")]
        currency: String,
        /// The payment's transaction id (as in paymentInfoPayEx).
        #[arg(long)]
        transaction_id: String,
        /// The merchant that took the payment (as in paymentInfoPayEx).
        #[arg(long)]
        merchant_id: String,
        /// Seconds until it expires (at most 3600).
        #[arg(long, default_value_t = 600)]
        ttl_secs: i64,
        /// The environment variable holding the signing secret.
        #[arg(long, default_value = "KASSE_PREPAYMENT_SECRET")]
        secret_env: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr: stdout carries only the "listening on" line that scripts wait for.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .init();
    let args = Args::parse();
    if let Some(Command::Voucher { .. }) = &args.command {
        return print_voucher(args.command.expect("matched"));
    }
    let Some(config_path) = &args.config else {
        eprintln!("kasse-gateway: --config is required");
        return ExitCode::from(2);
    };
    let mut config = match GatewayConfig::load(config_path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kasse-gateway: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(store) = args.store {
        config.server.store = Some(store);
    }
    if let Err(e) = override_listen(&mut config, args.listen) {
        eprintln!("kasse-gateway: {e}");
        return ExitCode::from(2);
    }
    let settings = match config.resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kasse-gateway: {e}");
            return ExitCode::from(2);
        }
    };
    let gateway = match kasse_gateway::serve_settings(settings).await {
        Ok(g) => g,
        Err(e) => {
            eprintln!("kasse-gateway: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("kasse-gateway listening on {}", gateway.base_url());
    let mut gateway = gateway;
    tokio::select! {
        () = shutdown_signal() => tracing::info!("shutting down"),
        () = gateway.wait() => tracing::error!("server stopped"),
    }
    gateway.shutdown().await;
    ExitCode::SUCCESS
}

/// `--listen` replaces `server.listen`; then `KASSE_PORT` replaces just its port, so the demo
/// runner can pick a port without knowing the configured host.
fn override_listen(config: &mut GatewayConfig, listen: Option<String>) -> Result<(), String> {
    if let Some(listen) = listen {
        config.server.listen = Some(listen);
    }
    let Ok(port) = std::env::var("KASSE_PORT") else {
        return Ok(());
    };
    let Ok(port) = port.trim().parse::<u16>() else {
        return Err(format!("KASSE_PORT `{port}` is not a port number"));
    };
    let host = config
        .server
        .listen
        .as_deref()
        .and_then(|l| l.parse::<std::net::SocketAddr>().ok())
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "127.0.0.1".into());
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    config.server.listen = Some(format!("{host}:{port}"));
    Ok(())
}

/// Ctrl-C, or SIGTERM (what process supervisors and `kill` send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `kasse-gateway voucher …`: a voucher with a fresh `jti`, on stdout.
fn print_voucher(command: Command) -> ExitCode {
    let Command::Voucher {
        offer,
        amount,
        currency,
        transaction_id,
        merchant_id,
        ttl_secs,
        secret_env,
    } = command;
    let Some(key) = std::env::var(&secret_env)
        .ok()
        .and_then(|s| kasse_gateway::prepayment::VoucherKey::new(s.as_bytes()))
    else {
        eprintln!("kasse-gateway: set {secret_env} to the prepayment secret");
        return ExitCode::from(2);
    };
    let mut jti = [0u8; 16];
    if getrandom::fill(&mut jti).is_err() {
        eprintln!("kasse-gateway: no random source");
        return ExitCode::FAILURE;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let claims = kasse_gateway::prepayment::VoucherClaims {
        offer,
        amount,
        currency,
        transaction_id,
        merchant_id,
        exp: now + ttl_secs.clamp(1, kasse_gateway::prepayment::MAX_LIFETIME_SECS),
        jti: jti.iter().map(|b| format!("{b:02x}")).collect(),
    };
    println!("{}", kasse_gateway::prepayment::sign(&key, &claims));
    ExitCode::SUCCESS
}
