//! The demo stack: the widget bundle (trunk), the sandbox and the gateway as child processes.

use crate::bundle::{self, Part};
use crate::cmd::{self, quiet, stream};
use crate::glue_imports;
use crate::setup::{self, WasmToolchain};
use crate::size_std;
use crate::wasm_interface::{self, UNUSED};
use crate::wasm_order;
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
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

/// wasm-opt's size optimization of the shipped wasm (and of the bench's names-kept copy, so the
/// attribution is of the same code). Each measured on the bundle with brotli -q 11:
/// - `--converge` repeats -Oz while it still shrinks: 0.4% smaller.
/// - `--one-caller-inline-max-function-size=20`: -Oz otherwise inlines every function that has
///   one caller, whatever its size. Those merged functions compress worse: 139.9 -> 129.7 KB
///   brotli (427.7 -> 423.4 KB raw). 10 to 25 measured within 0.3 KB of each other; 0 (no such
///   inlining) 130.7 KB, 100 133.0 KB, 400 137.7 KB.
pub const WASM_OPT_SIZE: [&str; 3] = ["-Oz", "--converge", "--one-caller-inline-max-function-size=20"];

/// The wasm features rustc's output uses; wasm-opt must be told (binaryen documents them as opt-in).
pub(crate) const WASM_OPT_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];

/// The release build in `dist/`: for each back end ([`bundle::BACKENDS`]) `trunk build --release`
/// of the widget with only that back end's feature (with std rebuilt for size when the pinned
/// compiler is here, see [`size_std`]), then `wasm-opt -Oz`, then content-hashed names (written
/// into the built loader, see [`bundle`]), then `.br`/`.gz` beside each file.
///
/// wasm-opt is binaryen 132 from npm (pinned in tools/package.json), not Debian's binaryen 108:
/// 108 corrupts the externref table wasm-bindgen emits for rustc ≥ 1.82 output, even at -O1 (the
/// bundle then dies with "invalid address in funcref table"). trunk's own wasm-opt step is off in
/// index.html for the same reason, so a plain `trunk build --release` still gives a working bundle.
pub fn build_widget(toolchain: WasmToolchain, quietly: bool) -> Result<Release> {
    let dist = cmd::workspace_root().join("dist");
    let mut bundles = Vec::new();
    for (i, backend) in bundle::BACKENDS.into_iter().enumerate() {
        // trunk empties the folder it builds into: the first build is dist/ itself (the demo page,
        // the loader), the others a folder of their own whose bundle is moved into dist/.
        let built = match i {
            0 => dist.clone(),
            _ => target_dir().join("trunk").join(backend.feature),
        };
        trunk_build(toolchain, backend, &built, quietly)?;
        bundles.push(bundle::hash_bundle(backend, &built, &dist)?);
    }
    bundle::write_bundles(&dist, &bundles)?;
    minify(&dist.join("kasse.js"))?;
    bundle::check_offers_slot(&dist)?;
    let mut shipped = vec![PathBuf::from("kasse.js")];
    for b in &bundles {
        shipped.extend([b.glue.clone(), b.wasm.clone()]);
    }
    precompress(&dist, &shipped)?;
    Ok(Release { dist, bundles })
}

/// A release build: `dist/` and each back end's bundle in it.
pub struct Release {
    pub dist: PathBuf,
    pub bundles: Vec<bundle::Bundle>,
}

/// One back end's bundle into `out`, optimized as shipped (names still plain).
fn trunk_build(toolchain: WasmToolchain, backend: bundle::Backend, out: &Path, quietly: bool) -> Result<()> {
    let mut trunk = Command::new("trunk");
    let compiler = size_std::apply(&mut trunk, toolchain);
    println!("release build of the {} bundle: {compiler}", backend.key);
    trunk
        .args([
            "build",
            "--release",
            "--no-default-features",
            "--features",
            backend.feature,
            "--dist",
        ])
        .arg(out);
    if quietly {
        quiet(&mut trunk)?;
    } else {
        stream(&mut trunk)?;
    }
    for file in ["kasse.js", Part::Glue.unhashed(), Part::Wasm.unhashed(), "index.html"] {
        if !out.join(file).is_file() {
            bail!("trunk build succeeded but {}/{file} is missing", out.display());
        }
    }
    let wasm = out.join(Part::Wasm.unhashed());
    let glue = out.join(Part::Glue.unhashed());
    // Before wasm-opt, so the dropped exports' code goes too.
    wasm_interface::rewrite(&wasm, &glue, &UNUSED)?;
    quiet(
        Command::new(wasm_opt())
            .args(WASM_OPT_SIZE)
            // Custom sections no browser reads (the target features: 148 B).
            .args(["--strip-producers", "--strip-target-features"])
            .args(WASM_OPT_FEATURES)
            .arg(&wasm)
            .arg("-o")
            .arg(&wasm),
    )?;
    // Last on the wasm: the order is chosen for the bytes wasm-opt leaves.
    std::fs::write(&wasm, wasm_order::for_compression(&std::fs::read(&wasm)?)?)?;
    let imported = glue_imports::imported_names(&std::fs::read(&wasm)?)?;
    let js = std::fs::read_to_string(&glue)?;
    std::fs::write(&glue, glue_imports::without_unimported(&js, &imported)?)?;
    // Minified before hashing: the names are hashes of the bytes readers get.
    minify(&glue)
}

/// Minifies an ES module in place: the loader (it ships to every article page, widget in view or
/// not; its source keeps its comments; minified after the bundle names are written in) and
/// wasm-bindgen's JS glue (trunk's `minify` leaves it as generated: 51.5 KB raw, 7.7 KB brotli,
/// minified 23.2 KB, 5.7 KB). Exports and the import object's keys are kept, being properties.
fn minify(module: &Path) -> Result<()> {
    quiet(
        Command::new(cmd::workspace_root().join("tools/node_modules/.bin/terser"))
            .arg(module)
            .args(["--module", "--compress", "--mangle", "-o"])
            .arg(module),
    )?;
    Ok(())
}

/// binaryen 132's wasm-opt, from the npm package pinned in tools/package.json.
pub(crate) fn wasm_opt() -> PathBuf {
    cmd::workspace_root().join("tools/node_modules/.bin/wasm-opt")
}

/// Writes `.br` and `.gz` beside the bundle's files, which the gateway serves to browsers that
/// accept them (best compression once at build time instead of fast compression per request).
fn precompress(dist: &Path, files: &[PathBuf]) -> Result<()> {
    for file in files {
        let path = dist.join(file);
        quiet(
            Command::new("brotli")
                .args(["-f", "-q", "11", "-o"])
                .arg(path.with_extension(br_ext(&path)))
                .arg(&path),
        )?;
        quiet(Command::new("gzip").args(["-f", "-k", "-9"]).arg(&path))?;
    }
    Ok(())
}

fn br_ext(path: &Path) -> String {
    format!("{}.br", path.extension().and_then(|e| e.to_str()).unwrap_or_default())
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
/// really are. The example is the one publishers read, so the demo runs exactly it.
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
    println!("demo: building the widget (trunk build --release)");
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
