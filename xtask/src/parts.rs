//! One back end's release bundle, built in parts.
//!
//! The widget's actions are split points (`src/app/split.rs`). Built with `--cfg kasse_split` and
//! linked with relocations, the wasm goes through wasm-split (wasm_split_cli_support, the library
//! cargo-leptos runs for Leptos's `#[lazy]`), which moves the code only a split point reaches into
//! chunks that share the main module's memory and function table. wasm-bindgen then makes the main
//! module's glue (keeping the table export the chunks import), and the split runtime goes into
//! that glue ([`crate::glue_split`]). The first download is the main module: what renders the
//! form. The chunks come when the reader shows intent, or (ConnectID's session) after the form is
//! on screen.

use crate::bundle::Part;
use crate::cmd::{quiet, stream};
use crate::glue_split;
use crate::release::optimize_wasm;
use crate::setup::WasmToolchain;
use crate::size_std;
use crate::stack::target_dir;
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// rustc flags of the split build: the split points on, and the relocations wasm-split needs to
/// move code and data between modules.
pub const SPLIT_RUSTFLAGS: &str = "--cfg kasse_split -Clink-arg=--emit-relocs";

/// Builds `feature`'s bundle into `out/widget/` under the plain names (`kasse.js`, `kasse_bg.wasm`,
/// not yet optimized) and its chunks (optimized as shipped); returns the chunks' paths, relative
/// to `out`.
pub fn build(toolchain: WasmToolchain, feature: &str, out: &Path, quietly: bool) -> Result<Vec<PathBuf>> {
    let linked = cargo_build(toolchain, feature, quietly)?;
    let split_dir = split_dir(feature);
    let _ = std::fs::remove_dir_all(&split_dir);
    std::fs::create_dir_all(&split_dir)?;
    let main = split_dir.join("main.wasm");
    let input = std::fs::read(&linked).with_context(|| format!("reading {}", linked.display()))?;
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = &split_dir;
    options.main_out_path = &main;
    options.link_name = glue_split::LINK_MODULE;
    options.main_module = "./kasse.js";
    let split = wasm_split_cli_support::transform(options).map_err(|e| anyhow!("wasm-split: {e:#}"))?;
    bindgen(&main)?;
    let widget = out.join("widget");
    std::fs::create_dir_all(&widget)?;
    let bindgen_dir = bindgen_dir();
    std::fs::copy(bindgen_dir.join("kasse_bg.wasm"), out.join(Part::Wasm.unhashed()))?;
    let glue = std::fs::read_to_string(bindgen_dir.join("kasse.js"))?;
    let runtime = std::fs::read_to_string(split_dir.join(glue_split::LINK_MODULE))?;
    let glue = glue_split::inline(&glue, &runtime)?;
    // The bench's size attribution starts again from wasm-bindgen's output: the same glue.
    std::fs::write(bindgen_dir.join("kasse.js"), &glue)?;
    std::fs::write(out.join(Part::Glue.unhashed()), glue)?;
    let mut chunks = Vec::new();
    for module in &split.split_modules {
        let name = module.file_name().context("a chunk has a file name")?;
        let chunk = Path::new("widget").join(name);
        // As the main module goes (a chunk imports nothing from the glue to rename).
        optimize_wasm(module, &out.join(&chunk))?;
        chunks.push(chunk);
    }
    if chunks.is_empty() {
        bail!("wasm-split made no chunk: the widget's split points are gone (src/app/split.rs)");
    }
    Ok(chunks)
}

/// Where wasm-split writes `feature`'s main module and chunks, names kept; the bench's size
/// attribution reads the chunks there.
pub fn split_dir(feature: &str) -> PathBuf {
    target_dir().join("split").join(feature)
}

/// Where wasm-bindgen writes the main module and its glue; the bench's size attribution reads it.
pub fn bindgen_dir() -> PathBuf {
    target_dir().join("wasm-bindgen/release")
}

/// The linked wasm of the last bundle built, as shipped (see [`size_std`]) with the split points on.
pub fn linked_wasm() -> PathBuf {
    target_dir().join("wasm32-unknown-unknown/release/kasse_widget.wasm")
}

fn cargo_build(toolchain: WasmToolchain, feature: &str, quietly: bool) -> Result<PathBuf> {
    let mut cargo = Command::new("cargo");
    let compiler = size_std::apply(&mut cargo, toolchain, SPLIT_RUSTFLAGS);
    println!("release build of the {feature} bundle: {compiler}");
    cargo.args(["build", "--release", "--lib", "--target", "wasm32-unknown-unknown"]);
    cargo.args(["--no-default-features", "--features", feature]);
    if quietly {
        quiet(&mut cargo)?;
    } else {
        stream(&mut cargo)?;
    }
    Ok(linked_wasm())
}

/// wasm-bindgen on the main module. `--keep-lld-exports` keeps `__indirect_function_table`, which
/// the chunks import.
fn bindgen(main: &Path) -> Result<()> {
    quiet(
        Command::new("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--keep-lld-exports",
                "--no-typescript",
                "--out-name",
                "kasse",
            ])
            .arg("--out-dir")
            .arg(bindgen_dir())
            .arg(main),
    )?;
    Ok(())
}
