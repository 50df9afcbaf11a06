//! The widget's release build: one bundle per back end, optimized, content-hashed and
//! precompressed in `dist/`.

use crate::bundle::{self, Part};
use crate::cmd::{self, quiet, stream};
use crate::glue_imports;
use crate::parts;
use crate::setup::WasmToolchain;
use crate::stack::target_dir;
use crate::wasm_interface::{self, UNUSED};
use crate::wasm_order;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// wasm-opt's size optimization of the shipped wasm (and of the bench's names-kept copy, so the
/// attribution is of the same code). Each measured on the bundle with brotli -q 11:
/// - `--converge` repeats -Oz while it still shrinks: 0.4% smaller.
/// - `--one-caller-inline-max-function-size=20`: -Oz otherwise inlines every function that has
///   one caller, whatever its size. Those merged functions compress worse: 139.9 -> 129.7 KB
///   brotli (427.7 -> 423.4 KB raw). 10 to 25 measured within 0.3 KB of each other; 0 (no such
///   inlining) 130.7 KB, 100 133.0 KB, 400 137.7 KB.
/// - `--always-inline-max-function-size=6` (the default is 2): tiny functions are inlined wherever
///   they are called. Chromium compiles each wasm function on its first call, and each compile
///   has a fixed cost, so this also has the first render compile 977 functions instead of 1,082.
///   ConnectID / S4 wasm, B brotli (lazy compiles on mount): 2 86,560 / 74,932 (1,082); 4 86,367 /
///   74,872 (1,015); 5 86,552 / 74,845 (991); 6 86,373 / 74,773 (977); 7 86,946 / 75,314 (936);
///   8 87,869 / 75,889 (931); 10 88,253 / 76,415 (898).
pub const WASM_OPT_SIZE: [&str; 4] = [
    "-Oz",
    "--converge",
    "--one-caller-inline-max-function-size=20",
    "--always-inline-max-function-size=6",
];

/// The wasm features rustc's output uses; wasm-opt must be told (binaryen documents them as opt-in).
pub(crate) const WASM_OPT_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];

/// The release build in `dist/`: trunk builds the demo page; then for each back end
/// ([`bundle::BACKENDS`]) its bundle in parts ([`parts`]: the widget with only that back end's
/// feature, std rebuilt for size when the pinned compiler is here, split into a main module and
/// chunks), then `wasm-opt -Oz`, then the main module's functions ordered for brotli
/// ([`wasm_order`]), then content-hashed names (the chunks' written into the glue, the glue's and
/// the wasm's into the built loader, see [`bundle`]), then `.br`/`.gz` beside each file.
///
/// wasm-opt is binaryen 132 from npm (pinned in tools/package.json), not Debian's binaryen 108:
/// 108 corrupts the externref table wasm-bindgen emits for rustc ≥ 1.82 output, even at -O1 (the
/// bundle then dies with "invalid address in funcref table").
pub fn build_widget(toolchain: WasmToolchain, quietly: bool) -> Result<Release> {
    let dist = cmd::workspace_root().join("dist");
    demo_page(&dist, quietly)?;
    std::fs::create_dir_all(dist.join("widget"))?;
    let mut bundles = Vec::new();
    for backend in bundle::BACKENDS {
        let built = target_dir().join("bundle").join(backend.feature);
        if built.exists() {
            std::fs::remove_dir_all(&built)?;
        }
        let chunks = parts::build(toolchain, backend.feature, &built, quietly)?;
        optimize_main(&built)?;
        let glue = built.join(Part::Glue.unhashed());
        let chunks = bundle::hash_chunks(&built, &dist, &chunks, &glue)?;
        // Minified before hashing: the names are hashes of the bytes readers get.
        minify(&glue)?;
        bundles.push(bundle::hash_bundle(backend, &built, &dist, chunks)?);
    }
    bundle::write_bundles(&dist, &bundles)?;
    minify(&dist.join("kasse.js"))?;
    bundle::check_offers_slot(&dist)?;
    let mut shipped = vec![PathBuf::from("kasse.js")];
    for b in &bundles {
        shipped.extend([b.glue.clone(), b.wasm.clone()]);
        shipped.extend(b.chunks.iter().cloned());
    }
    precompress(&dist, &shipped)?;
    Ok(Release { dist, bundles })
}

/// A release build: `dist/` and each back end's bundle in it.
pub struct Release {
    pub dist: PathBuf,
    pub bundles: Vec<bundle::Bundle>,
}

/// trunk builds the demo article page into `dist` (emptying it first): the page, its CSS and the
/// loader. The bundles are built by [`parts`], which trunk cannot do (the split runs between
/// cargo and wasm-bindgen).
fn demo_page(dist: &Path, quietly: bool) -> Result<()> {
    let mut trunk = Command::new("trunk");
    trunk.args(["build", "--release", "--dist"]).arg(dist);
    if quietly {
        quiet(&mut trunk)?;
    } else {
        stream(&mut trunk)?;
    }
    for file in ["kasse.js", "index.html", "demo.css"] {
        if !dist.join(file).is_file() {
            bail!("trunk build succeeded but dist/{file} is missing");
        }
    }
    Ok(())
}

/// The main module of the bundle in `built` and its glue, optimized as shipped (names still plain).
fn optimize_main(built: &Path) -> Result<()> {
    let wasm = built.join(Part::Wasm.unhashed());
    let glue = built.join(Part::Glue.unhashed());
    // Before wasm-opt, so the dropped exports' code goes too.
    wasm_interface::rewrite(&wasm, &glue, &UNUSED)?;
    optimize_wasm(&wasm, &wasm)?;
    // Last on the wasm: the order is chosen for the bytes wasm-opt leaves.
    std::fs::write(&wasm, wasm_order::for_compression(&std::fs::read(&wasm)?)?)?;
    let imported = glue_imports::imported_names(&std::fs::read(&wasm)?)?;
    let js = std::fs::read_to_string(&glue)?;
    std::fs::write(&glue, glue_imports::without_unimported(&js, &imported)?)?;
    Ok(())
}

/// Minifies an ES module in place: the loader (it ships to every article page, widget in view or
/// not; its source keeps its comments; minified after the bundle names are written in) and
/// wasm-bindgen's JS glue (as generated: 51.5 KB raw, 7.7 KB brotli,
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

/// `from` through wasm-opt as shipped, into `to` (the main module, and each chunk).
pub(crate) fn optimize_wasm(from: &Path, to: &Path) -> Result<()> {
    quiet(
        Command::new(wasm_opt())
            .args(WASM_OPT_SIZE)
            // Custom sections no browser reads (the target features: 148 B).
            .args(["--strip-producers", "--strip-target-features"])
            .args(WASM_OPT_FEATURES)
            .arg(from)
            .arg("-o")
            .arg(to),
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
