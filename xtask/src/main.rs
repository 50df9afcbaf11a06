//! `cargo xtask <command>`: everything a developer or CI runs, set-up included.
//!
//! - `setup`  installs what is missing (Debian packages, wasm32 std, wasm-bindgen-cli, trunk,
//!   wasm-pack, the e2e npm packages); every other command runs it first.
//! - `test [--suite lint|native|wasm|wasm-pack|e2e]...`  runs the suites and ends with `N passed, N failed`.
//! - `demo`   builds the widget, starts sandbox + gateway, serves the demo page (Ctrl-C stops all).
//! - `bench`  prints size and speed figures.
//! - `fuzz [--seconds N]`  runs the kasse-core fuzz targets for a bounded time.
//! - `soak [--submissions N]`  readers through the widget with vendor faults and gateway kills.

mod bench;
mod bundle;
mod cmd;
mod fuzz;
mod glue_classes;
mod glue_imports;
mod glue_split;
mod lint;
mod lint_listeners;
mod load_time;
mod parts;
mod release;
mod setup;
mod size_std;
mod soak;
mod stack;
mod suites;
mod wasm_bytes;
mod wasm_interface;
mod wasm_order;
mod wasm_parts;
mod wasm_stubs;

use anyhow::{bail, Result};

fn main() {
    if let Err(error) = run() {
        eprintln!("xtask: {error:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        bail!("usage: cargo xtask <setup|demo|test|bench|fuzz|soak> [options]");
    };
    std::env::set_current_dir(cmd::workspace_root())?;
    match command.as_str() {
        "setup" => setup::run().map(|_| ()),
        "test" => suites::run(rest),
        "demo" => stack::demo(),
        "bench" => bench::run(),
        "fuzz" => fuzz::run(rest),
        "soak" => soak::run(rest),
        other => bail!("unknown command `{other}`: use setup, demo, test, bench, fuzz or soak"),
    }
}
