//! `cargo xtask setup`: installs what a fresh machine lacks, idempotently. Each step prints one
//! line, skips itself when already satisfied, and on failure stops naming the step and the command.
//!
//! The wasm32 standard library comes from rustup when it can; when rustup cannot download it, the
//! Debian route is taken automatically (Debian's rustc-web, its
//! library source, a std built once with `-Zbuild-std`, linked by `wasm-ld-22`). Set
//! `KASSE_SIMULATE_RUSTUP_FAILURE=1` to force that route and exercise it.

use crate::cmd::{self, first_line, quiet};
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// Debian packages the suites and benchmarks need.
/// `postgresql` serves the gateway's ledger tests: they start throwaway clusters of their own.
const DEBIAN_PACKAGES: &[&str] = &["chromium", "chromium-driver", "binaryen", "brotli", "postgresql"];
/// trunk 0.22 needs a newer rustc than this machine's; 0.21.14 builds only with `--locked`.
const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Where the Debian fallback keeps its self-built wasm32 std.
const DEBIAN_SYSROOT_LIB: &str = "/usr/lib/rustlib/wasm32-unknown-unknown/lib";

/// How wasm32 code is compiled on this machine; every wasm build applies [`WasmToolchain::apply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmToolchain {
    /// rustup's toolchain with its `wasm32-unknown-unknown` target.
    Rustup,
    /// Debian's rustc-web 1.96 with a self-built std, linked by `wasm-ld-22`.
    Debian,
}

impl WasmToolchain {
    /// Points a cargo (or trunk, or wasm-pack) invocation at this toolchain.
    pub fn apply(self, command: &mut Command) -> &mut Command {
        match self {
            WasmToolchain::Rustup => command,
            WasmToolchain::Debian => command
                .env("RUSTC", "/usr/bin/rustc")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "wasm-ld-22"),
        }
    }
}

fn step<T>(name: &str, work: impl FnOnce() -> Result<(T, String)>) -> Result<T> {
    match work() {
        Ok((value, status)) => {
            println!("setup: {name:<18} {status}");
            Ok(value)
        }
        Err(error) => Err(error.context(format!("setup step `{name}` failed"))),
    }
}

/// Runs every set-up step; returns the wasm toolchain to build with.
pub fn run() -> Result<WasmToolchain> {
    cmd::extend_path();
    step("debian packages", debian_packages)?;
    let toolchain = step("wasm32 std", wasm_std)?;
    step("size std", size_std)?;
    step("wasm-bindgen-cli", wasm_bindgen_cli)?;
    step("trunk", trunk)?;
    step("wasm-pack", wasm_pack)?;
    step("build tools", build_tools)?;
    step("e2e npm packages", e2e_packages)?;
    Ok(toolchain)
}

fn installed(package: &str) -> bool {
    first_line("dpkg-query", &["-W", "-f=${Status}", package])
        .is_some_and(|status| status.ends_with("install ok installed"))
}

fn apt_install(packages: &[&str], release: Option<&str>) -> Result<()> {
    quiet(Command::new("apt-get").args(["update", "-q"]))?;
    let mut install = Command::new("apt-get");
    install
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "-q", "--no-install-recommends"]);
    if let Some(release) = release {
        install.args(["-t", release]);
    }
    quiet(install.args(packages))?;
    Ok(())
}

fn debian_packages() -> Result<((), String)> {
    let mut missing: Vec<&str> = DEBIAN_PACKAGES.iter().copied().filter(|p| !installed(p)).collect();
    // Node.js may come from another packager (this machine's ships npm inside its nodejs), so the
    // commands are checked, not the package names.
    if first_line("node", &["--version"]).is_none() || first_line("npm", &["--version"]).is_none() {
        missing.extend(["nodejs", "npm"]);
    }
    if missing.is_empty() {
        return Ok(((), "present".into()));
    }
    apt_install(&missing, None)?;
    Ok(((), format!("installed {}", missing.join(" "))))
}

fn simulate_rustup_failure() -> bool {
    std::env::var_os("KASSE_SIMULATE_RUSTUP_FAILURE").is_some_and(|v| v != "0" && !v.is_empty())
}

fn has_std(lib_dir: &Path) -> bool {
    std::fs::read_dir(lib_dir).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libstd-") && name.ends_with(".rlib")
        })
    })
}

fn rustup_std_present() -> bool {
    first_line("rustc", &["--print", "target-libdir", "--target", WASM_TARGET])
        .is_some_and(|dir| has_std(Path::new(&dir)))
}

fn wasm_std() -> Result<(WasmToolchain, String)> {
    if !simulate_rustup_failure() {
        if rustup_std_present() {
            return Ok((WasmToolchain::Rustup, "present (rustup)".into()));
        }
        let added = quiet(Command::new("rustup").args(["target", "add", WASM_TARGET]));
        if added.is_ok() && rustup_std_present() {
            return Ok((WasmToolchain::Rustup, "installed (rustup target add)".into()));
        }
        eprintln!("setup: rustup could not add {WASM_TARGET}; taking the Debian route");
    }
    let status = debian_wasm_std()?;
    Ok((WasmToolchain::Debian, status))
}

/// Installs those of Debian's rust-web `packages` that are missing; returns how many were.
/// rustc-web 1.96 is in bookworm-security only; lld-22 is tried from the default release first.
fn debian_rust(packages: &[&str]) -> Result<usize> {
    let wanted: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if !wanted.is_empty() {
        apt_install(&["lld-22"], None).ok();
        apt_install(&wanted, Some("bookworm-security"))?;
    }
    Ok(wanted.len())
}

/// The compiler and library source the release bundle's std is rebuilt from (see
/// [`crate::size_std`]). Not fatal when another version arrives: the bundle then says it falls back.
fn size_std() -> Result<((), String)> {
    if crate::size_std::plain_requested() {
        return Ok(((), "skipped (KASSE_PLAIN_STD)".into()));
    }
    let installed = debian_rust(&crate::size_std::PACKAGES)?;
    Ok(match crate::size_std::unavailable() {
        Some(why) => ((), format!("unusable: {why}")),
        None if installed > 0 => ((), "installed (Debian rustc-web, rust-web-src)".into()),
        None => ((), "present (Debian rustc-web, rust-web-src)".into()),
    })
}

/// The Debian fallback: Debian's rustc-web, its std source, a std built once for wasm32.
fn debian_wasm_std() -> Result<String> {
    let installed_now = debian_rust(&["rustc-web", "cargo-web", "rust-web-src", "lld-22"])?;
    if has_std(Path::new(DEBIAN_SYSROOT_LIB)) {
        return Ok(if installed_now == 0 {
            "present (Debian rustc-web)".into()
        } else {
            "installed (Debian rustc-web)".into()
        });
    }
    // Build std, panic runtimes, test (wasm test binaries need it) and proc_macro once, from the
    // source Debian ships, in a throwaway cdylib crate; then copy the rlibs into the sysroot.
    let work = std::env::temp_dir().join("kasse-wasm-sysroot");
    std::fs::create_dir_all(work.join("src"))?;
    std::fs::write(
        work.join("Cargo.toml"),
        "[package]\nname = \"sysroot-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[lib]\ncrate-type = [\"cdylib\"]\n[workspace]\n",
    )?;
    std::fs::write(
        work.join("src/lib.rs"),
        "#[no_mangle]\npub extern \"C\" fn probe() -> u32 { 42 }\n",
    )?;
    quiet(
        Command::new("/usr/bin/cargo")
            .current_dir(&work)
            .env("RUSTC", "/usr/bin/rustc")
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "wasm-ld-22")
            // Its own target dir, whatever CARGO_TARGET_DIR the caller has set.
            .env_remove("CARGO_TARGET_DIR")
            .args(["build", "--release", "--target", WASM_TARGET, "--target-dir", "target"])
            .arg("-Zbuild-std=std,panic_abort,panic_unwind,test,proc_macro"),
    )?;
    let deps = work.join("target").join(WASM_TARGET).join("release/deps");
    std::fs::create_dir_all(DEBIAN_SYSROOT_LIB)?;
    let mut copied = 0;
    for entry in std::fs::read_dir(&deps).with_context(|| format!("reading {}", deps.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("lib") && name.ends_with(".rlib") {
            std::fs::copy(&path, Path::new(DEBIAN_SYSROOT_LIB).join(&name))?;
            copied += 1;
        }
    }
    if !has_std(Path::new(DEBIAN_SYSROOT_LIB)) {
        bail!("building std for {WASM_TARGET} produced no libstd ({copied} rlibs copied)");
    }
    Ok(format!("built with Debian rustc-web ({copied} rlibs)"))
}

/// The wasm-bindgen version in Cargo.lock: the CLI and the test runner must both equal it.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(cmd::workspace_root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err(anyhow!("Cargo.lock has no wasm-bindgen package"))
}

fn cargo_install(args: &[&str]) -> Result<()> {
    quiet(Command::new("cargo").arg("install").args(args))?;
    Ok(())
}

fn wasm_bindgen_cli() -> Result<((), String)> {
    let version = locked_wasm_bindgen_version()?;
    let wanted = format!("wasm-bindgen {version}");
    let cli = first_line("wasm-bindgen", &["--version"]);
    let runner = first_line("wasm-bindgen-test-runner", &["--version"]);
    if cli.as_deref() == Some(wanted.as_str())
        && runner.as_deref() == Some(&*format!("wasm-bindgen-test-runner {version}"))
    {
        return Ok(((), format!("present ({version})")));
    }
    // Not --locked: the CLI's own lockfile asks for a crate version the registry lacks (binaryen documents them as opt-in).
    cargo_install(&["wasm-bindgen-cli", "--version", &version, "--force"])?;
    Ok(((), format!("installed {version}")))
}

fn trunk() -> Result<((), String)> {
    if first_line("trunk", &["--version"]).as_deref() == Some(&*format!("trunk {TRUNK_VERSION}")) {
        return Ok(((), format!("present ({TRUNK_VERSION})")));
    }
    cargo_install(&["trunk", "--version", TRUNK_VERSION, "--locked", "--force"])?;
    Ok(((), format!("installed {TRUNK_VERSION}")))
}

fn wasm_pack() -> Result<((), String)> {
    if let Some(version) = first_line("wasm-pack", &["--version"]) {
        return Ok(((), format!("present ({version})")));
    }
    cargo_install(&["wasm-pack", "--locked"])?;
    Ok(((), "installed".into()))
}

/// `npm ci` in `dir` unless its node_modules already holds what its lockfile asks (`marker` is a
/// folder the install creates).
fn npm_packages(dir: &Path, marker: &str) -> Result<((), String)> {
    let lock = dir.join("package-lock.json");
    let installed_lock = dir.join("node_modules/.package-lock.json");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    if let (Some(wanted), Some(have)) = (modified(&lock), modified(&installed_lock)) {
        if have >= wanted && dir.join("node_modules").join(marker).is_dir() {
            return Ok(((), "present".into()));
        }
    }
    quiet(
        Command::new("npm")
            .current_dir(dir)
            .args(["ci", "--no-audit", "--no-fund"]),
    )?;
    Ok(((), "installed (npm ci)".into()))
}

/// The release build's own tools (binaryen's wasm-opt, terser), apart from the test folder.
fn build_tools() -> Result<((), String)> {
    // The lock file's date triggers `npm ci`; terser as the marker catches a tools/ installed
    // before it was added.
    npm_packages(&cmd::workspace_root().join("tools"), "terser")
}

fn e2e_packages() -> Result<((), String)> {
    npm_packages(&cmd::workspace_root().join("e2e"), "playwright-core")
}
