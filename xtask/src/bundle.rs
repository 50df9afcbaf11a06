//! Content-hashed names for the release bundle.
//!
//! trunk writes the widget as `widget/kasse.js` (wasm-bindgen's JS glue) and `widget/kasse_bg.wasm`
//! under fixed names (`filehash = false`): wasm-opt rewrites the wasm after trunk, and a hash
//! trunk took would name bytes that are never shipped. So the release build renames each file
//! after the hash of its final bytes (`widget/kasse-<16 hex>.js`, `widget/kasse-<16 hex>_bg.wasm`,
//! the gateway's `is_hashed_name`, served immutable for a year) and writes those names into the
//! built loader `dist/kasse.js`, whose own name stays stable (publishers embed it; it is
//! revalidated). Each file has its own hash: a release that changes only the wasm leaves the glue
//! cached.

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

/// Renames the bundle's files in `dist` after their content and writes the new names into the
/// built loader. Run after wasm-opt and before precompressing: the names are of the shipped bytes.
pub fn hash_names(dist: &Path) -> Result<()> {
    let loader_path = dist.join(LOADER);
    let mut loader =
        std::fs::read_to_string(&loader_path).with_context(|| format!("reading {}", loader_path.display()))?;
    for part in Part::ALL {
        let from = dist.join(part.unhashed());
        let bytes = std::fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
        let name = part.hashed(&content_hash(&bytes));
        std::fs::rename(&from, dist.join(&name))?;
        loader = name_in_loader(&loader, part, &name)?;
    }
    std::fs::write(&loader_path, loader)?;
    check_loader(dist)
}

/// `loader` with the default name of `part` (a quoted string, exactly once) replaced by `name`.
fn name_in_loader(loader: &str, part: Part, name: &str) -> Result<String> {
    let quoted = format!("\"{}\"", part.unhashed());
    match loader.matches(&quoted).count() {
        1 => Ok(loader.replacen(&quoted, &format!("\"{name}\""), 1)),
        n => bail!("loader/kasse.js names {quoted} {n} times, not once; update xtask/src/bundle.rs"),
    }
}

/// Checks that the built loader names, for each part, exactly the hashed file in `dist`, and that
/// no unhashed copy is left to be served by mistake.
pub fn check_loader(dist: &Path) -> Result<()> {
    let loader = std::fs::read_to_string(dist.join(LOADER))?;
    for part in Part::ALL {
        let file = find(dist, part)?;
        let name = file.to_str().context("bundle names are UTF-8")?;
        if !loader.contains(&format!("\"{name}\"")) {
            bail!("dist/{LOADER} does not name dist/{name}");
        }
        if dist.join(part.unhashed()).exists() {
            bail!("dist/{} is left beside dist/{name}", part.unhashed());
        }
    }
    Ok(())
}

/// The shipped file of `part` in a release `dist`, relative to it (`widget/kasse-<hash>_bg.wasm`).
pub fn find(dist: &Path, part: Part) -> Result<PathBuf> {
    let dir = Path::new(part.unhashed()).parent().expect("the bundle is in widget/");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dist.join(dir)).with_context(|| format!("listing {}", dist.join(dir).display()))? {
        let file_name = entry?.file_name();
        if file_name.to_str().is_some_and(|name| part.matches(name)) {
            found.push(dir.join(file_name));
        }
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one hashed {part:?} file in {}, found {found:?}",
            dist.join(dir).display()
        ),
    }
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

    /// The loader source and this module agree on the defaults the release build replaces.
    #[test]
    fn the_loader_source_names_each_default_once() {
        let source = std::fs::read_to_string(crate::cmd::workspace_root().join("loader/kasse.js")).unwrap();
        let mut built = source.clone();
        for part in Part::ALL {
            built = name_in_loader(&built, part, &part.hashed("0123456789abcdef")).unwrap();
        }
        assert!(built.contains("\"widget/kasse-0123456789abcdef.js\""));
        assert!(built.contains("\"widget/kasse-0123456789abcdef_bg.wasm\""));
        assert!(
            name_in_loader(&built, Part::Glue, "x").is_err(),
            "a built loader has no defaults left"
        );
    }

    #[test]
    fn hashing_renames_and_the_loader_names_the_files() {
        let dist = std::env::temp_dir().join(format!("kasse-xtask-bundle-{}", std::process::id()));
        std::fs::create_dir_all(dist.join("widget")).unwrap();
        let source = std::fs::read_to_string(crate::cmd::workspace_root().join("loader/kasse.js")).unwrap();
        std::fs::write(dist.join(LOADER), source).unwrap();
        std::fs::write(dist.join(Part::Glue.unhashed()), "export default 1;").unwrap();
        std::fs::write(dist.join(Part::Wasm.unhashed()), b"\0asm\x01\0\0\0").unwrap();
        hash_names(&dist).unwrap();
        let wasm = find(&dist, Part::Wasm).unwrap();
        assert_eq!(std::fs::read(dist.join(&wasm)).unwrap(), b"\0asm\x01\0\0\0");
        assert!(wasm.to_str().unwrap().contains(&content_hash(b"\0asm\x01\0\0\0")));
        assert!(!dist.join(Part::Glue.unhashed()).exists());
        std::fs::remove_dir_all(&dist).unwrap();
    }
}
