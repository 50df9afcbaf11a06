//! Content-hashed names for the release bundles, one per back end.
//!
//! The release build builds each back end's bundle ([`BACKENDS`]) under fixed names
//! (`widget/kasse.js`, wasm-bindgen's JS glue, and `widget/kasse_bg.wasm`, with its chunks), then
//! names each file after the hash of its final bytes (`widget/kasse-<16 hex>.js`,
//! `widget/kasse-<16 hex>_bg.wasm`, `widget/kasse-<chunk>-<16 hex>.wasm`: the gateway's
//! `is_hashed_name`, served immutable for a year). The chunks' names are written into their
//! glue, the glue's and the wasm's into the built loader `dist/kasse.js`, whose own name stays
//! stable (publishers embed it; it is revalidated). Each file has its own hash: a release that
//! changes only the wasm leaves the glue cached.

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The built loader, relative to `dist/`.
const LOADER: &str = "kasse.js";

/// One of the two files of the widget bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Glue,
    Wasm,
}

impl Part {
    pub const ALL: [Part; 2] = [Part::Glue, Part::Wasm];

    /// The name the build gives the file before hashing, relative to `dist/`; also the loader's
    /// default.
    pub fn unhashed(self) -> &'static str {
        match self {
            Part::Glue => "widget/kasse.js",
            Part::Wasm => "widget/kasse_bg.wasm",
        }
    }

    /// What follows the hash in the file name (wasm-bindgen's `_bg.wasm` convention).
    fn suffix(self) -> &'static str {
        match self {
            Part::Glue => ".js",
            Part::Wasm => "_bg.wasm",
        }
    }

    fn hashed(self, hash: &str) -> String {
        format!("widget/kasse-{hash}{}", self.suffix())
    }

    /// Whether `file_name` (no directory) is this part under a hashed name.
    fn matches(self, file_name: &str) -> bool {
        file_name
            .strip_prefix("kasse-")
            .and_then(|rest| rest.strip_suffix(self.suffix()))
            .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
    }
}

/// The first 16 hex digits (64 bits) of the SHA-256 of `bytes`: the `-<16 hex>` the gateway
/// recognises, and plenty to tell releases apart.
fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A back end whose checkout is built as a bundle of its own: the widget's cargo feature, and the
/// loader's key for it (the offer's `backend` as the gateway's offer JSON spells it).
#[derive(Clone, Copy, Debug)]
pub struct Backend {
    pub feature: &'static str,
    pub key: &'static str,
}

/// Every back end, each its own bundle. A reader downloads the one the offer is sold through.
/// ConnectID is built last, so the build's leftovers the bench attributes (cargo's and
/// wasm-bindgen's outputs) are of its bundle, the larger.
pub const BACKENDS: [Backend; 2] = [
    Backend {
        feature: "s4",
        key: "s4",
    },
    Backend {
        feature: "connectid",
        key: "connectId",
    },
];

/// One back end's shipped bundle: its files, relative to `dist/`, under content-hashed names.
#[derive(Clone, Debug)]
pub struct Bundle {
    pub backend: Backend,
    pub glue: PathBuf,
    pub wasm: PathBuf,
    /// The wasm's chunks (`widget/kasse-<chunk>-<16 hex>.wasm`), which the glue fetches.
    pub chunks: Vec<PathBuf>,
}

/// `widget/kasse-<stem>-<hash>.wasm` for the chunk `widget/<stem>.wasm`.
fn chunk_name(chunk: &Path, hash: &str) -> Result<PathBuf> {
    let stem = chunk
        .file_stem()
        .and_then(|s| s.to_str())
        .context("chunk names are UTF-8")?;
    Ok(PathBuf::from(format!("widget/kasse-{stem}-{hash}.wasm")))
}

/// Whether `file_name` (no directory) is a chunk under a hashed name.
fn is_chunk(file_name: &str) -> bool {
    file_name
        .strip_prefix("kasse-")
        .and_then(|rest| rest.strip_suffix(".wasm"))
        .and_then(|rest| rest.rsplit_once('-'))
        .is_some_and(|(stem, hash)| !stem.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Moves the `chunks` built in `built` into `dist` under content-hashed names and writes those
/// names into the `glue` that fetches them (each chunk's name must be in it exactly once, as
/// `"./<chunk>.wasm"`). Run before the glue is minified and hashed.
pub fn hash_chunks(built: &Path, dist: &Path, chunks: &[PathBuf], glue: &Path) -> Result<Vec<PathBuf>> {
    let mut js = std::fs::read_to_string(glue).with_context(|| format!("reading {}", glue.display()))?;
    let mut names = Vec::new();
    for chunk in chunks {
        let bytes = std::fs::read(built.join(chunk)).with_context(|| format!("reading {}", chunk.display()))?;
        let name = chunk_name(chunk, &content_hash(&bytes))?;
        let (Some(from), Some(to)) = (
            chunk.file_name().and_then(|n| n.to_str()),
            name.file_name().and_then(|n| n.to_str()),
        ) else {
            bail!("chunk names are UTF-8");
        };
        js = crate::wasm_interface::replace_once(&js, &format!("\"./{from}\""), &format!("\"./{to}\""), |_, _| true)?;
        std::fs::write(dist.join(&name), &bytes)?;
        std::fs::remove_file(built.join(chunk))?;
        names.push(name);
    }
    std::fs::write(glue, js)?;
    Ok(names)
}

/// Moves the bundle built in `built` (its plain names) into `dist` under content-hashed names.
/// Run after wasm-opt and before precompressing: the names are of the shipped bytes.
pub fn hash_bundle(backend: Backend, built: &Path, dist: &Path, chunks: Vec<PathBuf>) -> Result<Bundle> {
    let mut names = Part::ALL.map(|_| PathBuf::new());
    for (part, name) in Part::ALL.into_iter().zip(&mut names) {
        let from = built.join(part.unhashed());
        let bytes = std::fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
        *name = PathBuf::from(part.hashed(&content_hash(&bytes)));
        std::fs::write(dist.join(&*name), &bytes)?;
        std::fs::remove_file(&from)?;
    }
    let [glue, wasm] = names;
    Ok(Bundle {
        backend,
        glue,
        wasm,
        chunks,
    })
}

/// Writes the bundles' names into the built loader (its `const BUNDLES = {};`, exactly once),
/// then checks that the loader names every hashed file in `dist` and nothing unhashed is left.
pub fn write_bundles(dist: &Path, bundles: &[Bundle]) -> Result<()> {
    let path = dist.join(LOADER);
    let loader = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    std::fs::write(&path, bundles_in_loader(&loader, bundles)?)?;
    check_loader(dist, bundles)
}

const BUNDLES_SLOT: &str = "const BUNDLES = {};";

/// Where the gateway writes each offer's back end into the loader it serves (kasse-gateway's
/// `loader.rs`): it must survive minifying, once.
const OFFERS_SLOT: &str = r#"JSON.parse("{}")"#;

/// Checks that the built, minified loader still has the slot the gateway fills.
pub fn check_offers_slot(dist: &Path) -> Result<()> {
    let loader = std::fs::read_to_string(dist.join(LOADER))?;
    match loader.matches(OFFERS_SLOT).count() {
        1 => Ok(()),
        n => bail!("dist/{LOADER} has `{OFFERS_SLOT}` {n} times after minifying, not once: the gateway could not write the offers' back ends in"),
    }
}

fn bundles_in_loader(loader: &str, bundles: &[Bundle]) -> Result<String> {
    let mut map = serde_json::Map::new();
    for b in bundles {
        let names = [&b.glue, &b.wasm].map(|p| p.to_str().map(str::to_owned));
        let [Some(glue), Some(wasm)] = names else {
            bail!("bundle names are UTF-8")
        };
        map.insert(b.backend.key.to_owned(), serde_json::json!([glue, wasm]));
    }
    match loader.matches(BUNDLES_SLOT).count() {
        1 => Ok(loader.replacen(
            BUNDLES_SLOT,
            &format!("const BUNDLES = {};", serde_json::Value::Object(map)),
            1,
        )),
        n => bail!("loader/kasse.js has `{BUNDLES_SLOT}` {n} times, not once; update xtask/src/bundle.rs"),
    }
}

/// Checks that the built loader names each bundle's files, that those are all the hashed files in
/// `dist/widget/`, and that no unhashed copy is left to be served by mistake.
pub fn check_loader(dist: &Path, bundles: &[Bundle]) -> Result<()> {
    let loader = std::fs::read_to_string(dist.join(LOADER))?;
    let mut named = Vec::new();
    for b in bundles {
        for file in [&b.glue, &b.wasm] {
            let name = file.to_str().context("bundle names are UTF-8")?;
            if !loader.contains(&format!("\"{name}\"")) {
                bail!("dist/{LOADER} does not name dist/{name}");
            }
            named.push(file.clone());
        }
    }
    check_chunks(dist, bundles)?;
    for part in Part::ALL {
        if dist.join(part.unhashed()).exists() {
            bail!("dist/{} is left beside the hashed bundles", part.unhashed());
        }
        for file in hashed_files(dist, part)? {
            if !named.contains(&file) {
                bail!("dist/{} is in no bundle the loader names", file.display());
            }
        }
    }
    Ok(())
}

/// Checks that each bundle's glue names its chunks, and that every chunk in `dist/widget/` is one
/// of a bundle's.
fn check_chunks(dist: &Path, bundles: &[Bundle]) -> Result<()> {
    for b in bundles {
        let glue = std::fs::read_to_string(dist.join(&b.glue))?;
        for chunk in &b.chunks {
            let name = chunk
                .file_name()
                .and_then(|n| n.to_str())
                .context("chunk names are UTF-8")?;
            if !glue.contains(name) {
                bail!("dist/{} does not name its chunk {name}", b.glue.display());
            }
        }
    }
    for entry in std::fs::read_dir(dist.join("widget"))? {
        let file_name = entry?.file_name();
        let Some(name) = file_name.to_str().filter(|name| is_chunk(name)) else {
            continue;
        };
        let file = Path::new("widget").join(name);
        if !bundles.iter().any(|b| b.chunks.contains(&file)) {
            bail!("dist/{} is in no bundle's glue", file.display());
        }
    }
    Ok(())
}

/// The hashed files of `part` in a release `dist`, relative to it (`widget/kasse-<hash>_bg.wasm`).
fn hashed_files(dist: &Path, part: Part) -> Result<Vec<PathBuf>> {
    let dir = Path::new(part.unhashed()).parent().expect("the bundle is in widget/");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dist.join(dir)).with_context(|| format!("listing {}", dist.join(dir).display()))? {
        let file_name = entry?.file_name();
        if file_name.to_str().is_some_and(|name| part.matches(name)) {
            found.push(dir.join(file_name));
        }
    }
    Ok(found)
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
