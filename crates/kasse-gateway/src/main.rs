//! `kasse-gateway --config gateway.toml [--listen ADDR]`
//!
//! `KASSE_PORT`, when set, replaces the port of the listen address (the demo runner uses it).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use kasse_gateway::config::GatewayConfig;

/// Kasse gateway: offer catalog, order checks and vendor forwarding for the checkout widget.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// The TOML configuration file (see gateway.example.toml).
    #[arg(long, short)]
    config: PathBuf,
    /// Listen address, overriding `server.listen` (e.g. 127.0.0.1:8080).
    #[arg(long)]
    listen: Option<String>,
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
    let mut config = match GatewayConfig::load(&args.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kasse-gateway: {e}");
            return ExitCode::from(2);
        }
    };
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
