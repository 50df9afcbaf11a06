//! The release bundle's names: hashing, the loader's table, the checks.

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
        chunks: Vec::new(),
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
        let glue = built.join(Part::Glue.unhashed());
        std::fs::write(&glue, format!("{}: fetch(\"./split_actions.wasm\")", backend.key)).unwrap();
        std::fs::write(built.join(Part::Wasm.unhashed()), wasm).unwrap();
        std::fs::write(built.join("widget/split_actions.wasm"), [wasm, b"chunk"].concat()).unwrap();
        let chunks = hash_chunks(&built, &dist, &[PathBuf::from("widget/split_actions.wasm")], &glue).unwrap();
        let named = std::fs::read_to_string(&glue).unwrap();
        assert!(
            named.contains(&format!("\"./{}\"", chunks[0].file_name().unwrap().to_str().unwrap())),
            "{named}"
        );
        assert!(is_chunk(chunks[0].file_name().unwrap().to_str().unwrap()), "{chunks:?}");
        bundles.push(hash_bundle(backend, &built, &dist, chunks).unwrap());
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
    std::fs::remove_file(dist.join(Part::Glue.unhashed())).unwrap();
    check_loader(&dist, &bundles).unwrap();
    // A chunk no glue fetches is refused, and so is a glue that does not name its chunk.
    std::fs::write(dist.join("widget/kasse-split_session-00000000000000aa.wasm"), b"stray").unwrap();
    assert!(check_loader(&dist, &bundles).is_err());
    std::fs::remove_file(dist.join("widget/kasse-split_session-00000000000000aa.wasm")).unwrap();
    std::fs::write(dist.join(&bundles[0].glue), "s4").unwrap();
    assert!(check_loader(&dist, &bundles).is_err());
    std::fs::remove_dir_all(&root).unwrap();
}
