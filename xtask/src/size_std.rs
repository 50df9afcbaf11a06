//! The shipped wasm's compiler: the standard library rebuilt for size.
//!
//! rustup's wasm32 std is prebuilt for every program: its panics format a message and carry the
//! file and line of each call site, and `{:?}` brings Debug formatting for whatever reaches it.
//! Rebuilt from source with the flags in [`RUSTFLAGS`], the shipped wasm is about 10 KB brotli
//! smaller (123.9 → 113.8 KB, 2026-12-06; each flag's share is beside it).
//!
//! Those flags are unstable, and `-Zbuild-std` needs the library source that belongs to the
//! compiler exactly. rustup cannot fetch `rust-src` or a nightly on the machines this project
//! builds on, so the release build takes Debian's rustc-web with its source package rust-web-src,
//! pinned to one minor version ([`PINNED`]), and `RUSTC_BOOTSTRAP=1` lets that stable compiler take
//! `-Z` flags. Only the release bundle is built this way: tests, clippy and the debug builds keep
//! rustup's stable toolchain, and the release bundle falls back to it (and says so) when the pinned
//! compiler is missing or `KASSE_PLAIN_STD=1` is set.

use crate::setup::WasmToolchain;
use std::path::Path;
use std::process::Command;

/// Debian's rustc-web, and the `rustc -V` prefix the flags below were measured with. Another
/// version may rename an unstable flag (immediate-abort became a panic strategy only in 2025).
pub const RUSTC: &str = "/usr/bin/rustc";
pub const PINNED: &str = "rustc 1.96.";
/// Where rust-web-src puts the library source; `-Zbuild-std` looks under the compiler's sysroot.
const LIBRARY_SOURCE: &str = "/usr/lib/rustlib/src/rust/library/Cargo.lock";
/// rustc-web has no `rust-lld`; Debian's lld-22 links wasm32.
pub const LINKER: &str = "wasm-ld-22";
/// The Debian packages the size build needs.
pub const PACKAGES: [&str; 3] = ["rustc-web", "rust-web-src", "lld-22"];

/// rustc flags for the wasm32 crates and the rebuilt std, with each one's share of the saving
/// (wasm brotli, measured one after the other on top of `-Zbuild-std` alone, which saved 1.2 KB;
/// a quick build without the bundle's import renaming, so the shares add up to more than the
/// shipped 10 KB).
const RUSTFLAGS: &str = concat!(
    // A panic traps at once (−7.5 KB): no message formatting, no panic machinery. The widget sets
    // no panic hook, and on wasm32-unknown-unknown std's default hook prints nowhere, so a panic
    // ended in the same trap before (one during start the loader reports as `kasse:error`).
    "-Zunstable-options -Cpanic=immediate-abort",
    // No file names and lines for `#[track_caller]` call sites (−1.1 KB); nothing reads them.
    " -Zlocation-detail=none",
    // `{:?}` prints nothing (−2.9 KB). Messages the widget can show avoid Debug (see kasse-core's
    // `UrlError` and `Currency`); serde's error texts lose the quoted value they name.
    " -Zfmt-debug=none",
);
/// std's own smaller algorithms (−0.3 KB).
const STD_FEATURES: &str = "optimize_for_size";

/// `KASSE_PLAIN_STD=1`: build the release bundle with rustup's prebuilt std (for comparing, or
/// where Debian's packages cannot be installed).
pub fn plain_requested() -> bool {
    std::env::var_os("KASSE_PLAIN_STD").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Why the size build cannot run here, or `None` when it can.
pub fn unavailable() -> Option<String> {
    if plain_requested() {
        return Some("KASSE_PLAIN_STD is set".into());
    }
    let version = crate::cmd::first_line(RUSTC, &["-V"]);
    match version {
        Some(v) if v.starts_with(PINNED) => {}
        Some(v) => return Some(format!("{RUSTC} is {v}, the flags are pinned to {PINNED}x")),
        None => return Some(format!("{RUSTC} (Debian rustc-web) is not installed")),
    }
    if !Path::new(LIBRARY_SOURCE).is_file() {
        return Some("rust-web-src (the library source) is not installed".into());
    }
    if crate::cmd::first_line(LINKER, &["--version"]).is_none() {
        return Some(format!("{LINKER} is not installed"));
    }
    None
}

/// Points the release bundle's `cargo build` at the size build when it can run, else at
/// `fallback`, with `extra` rustc flags for the wasm either way; returns one line saying which.
pub fn apply(build: &mut Command, fallback: WasmToolchain, extra: &str) -> String {
    // Either would replace the target's flags, and the shipped bytes would depend on the shell.
    build.env_remove("RUSTFLAGS").env_remove("CARGO_ENCODED_RUSTFLAGS");
    if let Some(why) = unavailable() {
        fallback.apply(build);
        build.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", extra);
        return format!("prebuilt std ({why}); the wasm is about 10 KB brotli larger");
    }
    build
        .env("RUSTC", RUSTC)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", STD_FEATURES)
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", LINKER)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            format!("{RUSTFLAGS} {extra}"),
        );
    format!("std rebuilt for size ({PINNED}x, Debian rustc-web, -Zbuild-std)")
}
