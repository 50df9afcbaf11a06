//! The demo stack: the sandbox and the gateway as child processes, beside the widget's release
//! build ([`crate::release`]).

use crate::cmd::{self, quiet};
use crate::release::build_widget;
use crate::setup;
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Where the gateway's example configuration expects the sandbox.
const EXAMPLE_SANDBOX_ORIGIN: &str = "http://127.0.0.1:8090";
const EXAMPLE_GATEWAY_ADDRESS: &str = "127.0.0.1:8080";
const EXAMPLE_STATIC_DIR: &str = "\"../../dist\"";
const GATEWAY_EXAMPLE_CONFIG: &str = "crates/kasse-gateway/gateway.example.toml";
/// How long a service may take to say it is listening (it is already compiled by then).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Which ports the stack binds.
pub enum Ports {
    /// The demo's: gateway on `KASSE_PORT` (default 8080), sandbox on `KASSE_SANDBOX_PORT` (8090).
    Demo,
    /// Free ports chosen by the OS, for tests that must not collide with a running demo.
    Ephemeral,
}

/// Running sandbox + gateway; dropping it stops both.
pub struct Stack {
    /// The sandbox, then the gateway.
    children: Vec<Child>,
    /// How the gateway was started, to start it again after a kill.
    gateway_port: u16,
    /// The gateway configuration written for this run, removed with the stack.
    config_path: Option<PathBuf>,
    /// Where the servers' binaries are (the build profile's directory).
    bin: PathBuf,
    pub sandbox_url: String,
    pub gateway_url: String,
}

impl Drop for Stack {
    fn drop(&mut self) {
        for child in &mut self.children {
            child.kill().ok();
            child.wait().ok();
        }
        if let Some(path) = &self.config_path {
            std::fs::remove_file(path).ok();
            // The run's ledger (and SQLite's WAL files) go with it: the sandbox starts empty
            // each run, so yesterday's order ids would name other orders.
            for suffix in ["db", "db-wal", "db-shm"] {
                std::fs::remove_file(path.with_extension(suffix)).ok();
            }
        }
    }
}

/// cargo's target directory, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cmd::workspace_root().join("target"))
}

/// How the servers are built.
#[derive(Clone, Copy)]
pub enum Profile {
    /// Quick to build: tests, the demo, the soak.
    Debug,
    /// Cargo.toml's `server` profile, as publishers deploy the gateway: the browser timing, so
    /// the widget's files are served as fast as in production.
    Server,
}

impl Profile {
    fn dir(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Server => "server",
        }
    }
}

impl Stack {
    /// Builds and starts the sandbox, then the gateway pointed at it and serving `dist/`.
    pub fn start(ports: Ports) -> Result<Stack> {
        Stack::start_with(ports, None, Profile::Debug)
    }

    /// As [`Stack::start`], with the gateway's upstream timeout set to `upstream_timeout_ms` (the
    /// soak makes the sandbox's `timeout` faults outlast it without waiting ten seconds each) and
    /// the servers built with `profile`.
    pub fn start_with(ports: Ports, upstream_timeout_ms: Option<u64>, profile: Profile) -> Result<Stack> {
        let mut build = Command::new("cargo");
        build.args(["build", "--quiet", "-p", "kasse-sandbox", "-p", "kasse-gateway"]);
        if let Profile::Server = profile {
            build.args(["--profile", "server"]);
        }
        quiet(&mut build)?;
        let bin = target_dir().join(profile.dir());
        // Ports are chosen before start: the gateway's configuration must name its own origin
        // (allowed return URLs) and the sandbox's.
        let (sandbox_port, gateway_port) = match ports {
            Ports::Demo => (env_port("KASSE_SANDBOX_PORT", 8090)?, env_port("KASSE_PORT", 8080)?),
            Ports::Ephemeral => (free_port()?, free_port()?),
        };
        let mut stack = Stack {
            children: Vec::new(),
            gateway_port,
            config_path: None,
            bin: bin.clone(),
            sandbox_url: String::new(),
            gateway_url: String::new(),
        };

        let mut sandbox = Command::new(bin.join("kasse-sandbox"));
        sandbox.args(["--port", &sandbox_port.to_string()]);
        stack.sandbox_url = stack.spawn("kasse-sandbox", &mut sandbox)?;

        let config_path = target_dir().join(format!("xtask-gateway-{}.toml", std::process::id()));
        std::fs::create_dir_all(target_dir())?;
        let mut config = gateway_config(&stack.sandbox_url, gateway_port)?;
        if let Some(ms) = upstream_timeout_ms {
            config = config.replace("upstream_timeout_ms = 10000", &format!("upstream_timeout_ms = {ms}"));
        }
        std::fs::write(&config_path, config)?;
        stack.config_path = Some(config_path);
        stack.start_gateway()?;
        Ok(stack)
    }

    /// SIGKILLs the gateway (no shutdown, as a crash or the OOM killer) and starts it again on
    /// the same port, config and ledger.
    pub fn restart_gateway(&mut self) -> Result<()> {
        if let Some(mut gateway) = self.children.pop() {
            gateway.kill().ok();
            gateway.wait().ok();
        }
        self.start_gateway()
    }

    fn start_gateway(&mut self) -> Result<()> {
        let config_path = self.config_path.clone().context("the stack has a config")?;
        let gateway_port = self.gateway_port;
        let mut gateway = Command::new(self.bin.join("kasse-gateway"));
        gateway
            .current_dir(cmd::workspace_root())
            .arg("--config")
            .arg(&config_path)
            .arg("--store")
            .arg(format!("sqlite:{}", config_path.with_extension("db").display()))
            .env("KASSE_PORT", gateway_port.to_string())
            .env("KASSE_CONNECTID_SECRET", "kasse-demo-secret")
            .env("KASSE_PREPAYMENT_SECRET", "kasse-demo-prepayment-secret")
            .env("KASSE_ORDER_TOKEN_SECRET", "kasse-demo-order-token-secret-0123456789")
            .env("KASSE_S4_SECRET", "kasse-s4-demo-secret");
        self.gateway_url = self.spawn("kasse-gateway", &mut gateway)?;
        Ok(())
    }

    /// Starts `command` and waits for its `<name> listening on <url>` line; the rest of its output
    /// goes to our stderr so that a failing test shows the server's side too.
    fn spawn(&mut self, name: &str, command: &mut Command) -> Result<String> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {name}"))?;
        let stdout = child.stdout.take().expect("piped");
        self.children.push(child);
        let (found, url) = mpsc::channel();
        let marker = format!("{name} listening on ");
        std::thread::spawn(move || {
            let mut announced = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match line.strip_prefix(&marker) {
                    Some(url) if !announced => {
                        announced = true;
                        found.send(url.trim().to_owned()).ok();
                    }
                    _ => eprintln!("[{}] {line}", marker.split(' ').next().unwrap_or("")),
                }
            }
        });
        url.recv_timeout(START_TIMEOUT)
            .map_err(|_| anyhow!("{name} did not report `listening on` within {START_TIMEOUT:?}"))
    }
}

/// The example configuration with the sandbox, the gateway's own origin and `dist/` where they
/// really are. The example is the one publishers read, so the demo runs exactly it, but for the
/// rate limit: every reader of the demo page (seven widgets) and of the browser suite comes from
/// 127.0.0.1, one address standing for many readers, whose bucket the example's limit is for.
fn gateway_config(sandbox_url: &str, gateway_port: u16) -> Result<String> {
    let example = std::fs::read_to_string(cmd::workspace_root().join(GATEWAY_EXAMPLE_CONFIG))
        .with_context(|| format!("reading {GATEWAY_EXAMPLE_CONFIG}"))?;
    let dist = cmd::workspace_root().join("dist");
    let replacements = [
        (EXAMPLE_SANDBOX_ORIGIN.to_owned(), sandbox_url.to_owned()),
        (EXAMPLE_GATEWAY_ADDRESS.to_owned(), format!("127.0.0.1:{gateway_port}")),
        ("localhost:8080".to_owned(), format!("localhost:{gateway_port}")),
        (
            EXAMPLE_STATIC_DIR.to_owned(),
            format!("{:?}", dist.display().to_string()),
        ),
        (
            "rate_limit_per_second = 10".to_owned(),
            "rate_limit_per_second = 100".to_owned(),
        ),
        ("rate_limit_burst = 60".to_owned(), "rate_limit_burst = 600".to_owned()),
    ];
    let mut config = example;
    for (from, to) in replacements {
        if !config.contains(&from) {
            bail!("{GATEWAY_EXAMPLE_CONFIG} no longer contains `{from}`; update xtask/src/stack.rs");
        }
        config = config.replace(&from, &to);
    }
    Ok(config)
}

/// A port the OS says is free now (bound and released; the short race is harmless on loopback).
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn env_port(name: &str, default: u16) -> Result<u16> {
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .with_context(|| format!("{name}={value} is not a port number")),
        Err(_) => Ok(default),
    }
}

/// `cargo xtask demo`: build, start, print the URL, stop everything on Ctrl-C.
pub fn demo() -> Result<()> {
    let toolchain = setup::run()?;
    println!("demo: building the widget (release build)");
    build_widget(toolchain, false)?;
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        stop.send(()).ok();
    })
    .context("installing the Ctrl-C handler")?;
    let stack = Stack::start(Ports::Demo)?;
    println!("\nKasse demo: {}/", stack.gateway_url);
    println!(
        "  sandbox (ConnectID + S4): {}/  — orders at {}/__sandbox/orders",
        stack.sandbox_url, stack.sandbox_url
    );
    println!("  Ctrl-C stops everything.");
    stopped.recv().ok();
    println!("\ndemo: stopping");
    drop(stack);
    Ok(())
}
