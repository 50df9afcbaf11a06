//! Content-hashed names for the release bundles, one per back end.
//!
//! trunk writes the widget as `widget/kasse.js` (wasm-bindgen's JS glue) and `widget/kasse_bg.wasm`
//! under fixed names (`filehash = false`): wasm-opt rewrites the wasm after trunk, and a hash
//! trunk took would name bytes that are never shipped. So the release build builds each back
//! end's bundle ([`BACKENDS`]), names each file after the hash of its final bytes
//! (`widget/kasse-<16 hex>.js`, `widget/kasse-<16 hex>_bg.wasm`, the gateway's `is_hashed_name`,
//! served immutable for a year) and writes those names into the built loader `dist/kasse.js`,
//! whose own name stays stable (publishers embed it; it is revalidated). Each file has its own
//! hash: a release that changes only the wasm leaves the glue cached.

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

    /// The name trunk gives the file, relative to `dist/`; also the loader's default.
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
}

/// Moves the bundle trunk built in `built` (its plain names) into `dist` under content-hashed
/// names. Run after wasm-opt and before precompressing: the names are of the shipped bytes.
pub fn hash_bundle(backend: Backend, built: &Path, dist: &Path) -> Result<Bundle> {
    let mut names = Part::ALL.map(|_| PathBuf::new());
    for (part, name) in Part::ALL.into_iter().zip(&mut names) {
        let from = built.join(part.unhashed());
        let bytes = std::fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
        *name = PathBuf::from(part.hashed(&content_hash(&bytes)));
        std::fs::write(dist.join(&*name), &bytes)?;
        std::fs::remove_file(&from)?;
    }
    let [glue, wasm] = names;
    Ok(Bundle { backend, glue, wasm })
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
mod tests {
    use super::*;

    #[test]
    fn names_are_what_the_gateway_calls_hashed() {
        let hash = content_hash(b"\0asm");
        assert_eq!(hash.len(), 16);
        assert_eq!(Part::Glue.hashed(&hash), format!("widget/kasse-{hash}.js"));
        assert_eq!(Part::Wasm.hashed(&hash), format!("widget/kasse-{hash}_bg.wasm"));
        assert!(Part::Wasm.matches(&format!("kasse-{hash}_bg.wasm")));
        assert!(!Part::Wasm.matches(&format!("kasse-{hash}_bg.wasm.br")));
        assert!(!Part::Glue.matches(&format!("kasse-{hash}_bg.wasm")));
        assert!(!Part::Glue.matches("kasse.js"));
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
    }

    fn bundle(backend: Backend, hash: &str) -> Bundle {
        Bundle {
            backend,
            glue: PathBuf::from(Part::Glue.hashed(hash)),
            wasm: PathBuf::from(Part::Wasm.hashed(hash)),
        }
    }

    /// The loader source and this module agree on the slot the release build fills.
    #[test]
    fn the_loader_source_has_one_bundles_slot() {
        let source = std::fs::read_to_string(crate::cmd::workspace_root().join("loader/kasse.js")).unwrap();
        let bundles = [
            bundle(BACKENDS[0], "0123456789abcdef"),
            bundle(BACKENDS[1], "fedcba9876543210"),
        ];
        let built = bundles_in_loader(&source, &bundles).unwrap();
        assert!(built.contains(
            r#"const BUNDLES = {"connectId":["widget/kasse-fedcba9876543210.js","widget/kasse-fedcba9876543210_bg.wasm"],"s4":["widget/kasse-0123456789abcdef.js","widget/kasse-0123456789abcdef_bg.wasm"]};"#
        ));
        assert!(
            bundles_in_loader(&built, &bundles).is_err(),
            "a built loader has no slot left"
        );
    }

    #[test]
    fn hashing_moves_each_bundle_in_and_the_loader_names_them() {
        let root = std::env::temp_dir().join(format!("kasse-xtask-bundle-{}", std::process::id()));
        let (dist, built) = (root.join("dist"), root.join("built"));
        for dir in [&dist, &built] {
            std::fs::create_dir_all(dir.join("widget")).unwrap();
        }
        let source = std::fs::read_to_string(crate::cmd::workspace_root().join("loader/kasse.js")).unwrap();
        std::fs::write(dist.join(LOADER), source).unwrap();
        let mut bundles = Vec::new();
        for (backend, wasm) in BACKENDS
            .into_iter()
            .zip([&b"\0asm\x01\0\0\0"[..], b"\0asm\x01\0\0\0\0"])
        {
            std::fs::write(built.join(Part::Glue.unhashed()), backend.key).unwrap();
            std::fs::write(built.join(Part::Wasm.unhashed()), wasm).unwrap();
            bundles.push(hash_bundle(backend, &built, &dist).unwrap());
            assert!(!built.join(Part::Wasm.unhashed()).exists(), "moved, not copied");
        }
        write_bundles(&dist, &bundles).unwrap();
        assert_eq!(
            std::fs::read(dist.join(&bundles[1].wasm)).unwrap(),
            b"\0asm\x01\0\0\0\0"
        );
        assert!(bundles[0]
            .wasm
            .to_str()
            .unwrap()
            .contains(&content_hash(b"\0asm\x01\0\0\0")));
        // A hashed file no bundle names is refused, as is an unhashed one left behind.
        std::fs::write(dist.join(Part::Wasm.hashed("00000000000000aa")), b"stray").unwrap();
        assert!(check_loader(&dist, &bundles).is_err());
        std::fs::remove_file(dist.join(Part::Wasm.hashed("00000000000000aa"))).unwrap();
        std::fs::write(dist.join(Part::Glue.unhashed()), "stray").unwrap();
        assert!(check_loader(&dist, &bundles).is_err());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
