//! The widget's stylesheet as it is compiled in (`src/shadow.rs`): `style/kasse.css`, then
//! `style/connectid.css` when the bundle carries ConnectID (its reader line), without comments
//! and with whitespace collapsed. It ships inside every bundle; the sources keep their comments.

use std::path::PathBuf;

fn main() {
    let mut css = read("style/kasse.css");
    if std::env::var_os("CARGO_FEATURE_CONNECTID").is_some() {
        css.push_str(&read("style/connectid.css"));
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("kasse.css");
    std::fs::write(out, minify(&css)).expect("OUT_DIR is writable");
}

fn read(path: &str) -> String {
    println!("cargo::rerun-if-changed={path}");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// `css` without comments, each run of whitespace one space, and none where CSS needs none:
/// after `{ } ; :` and before `{ } ; ,`. A space before `:` stays (`a :hover` is not `a:hover`),
/// as do those around operators in `calc()` and after `,` (a custom property keeps its value's
/// spaces as written: `--kasse-font` reads the same to a publisher's script). The stylesheet has
/// no string with these characters in it.
fn minify(css: &str) -> String {
    let mut text = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        text.push(' ');
        let end = rest[start..].find("*/").expect("every CSS comment ends");
        rest = &rest[start + end + 2..];
    }
    text.push_str(rest);
    let mut out = String::new();
    for word in text.split_whitespace() {
        let after = matches!(out.chars().last(), None | Some('{' | '}' | ';' | ':'));
        let before = matches!(word.chars().next(), Some('{' | '}' | ';' | ','));
        if !(after || before) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.replace(";}", "}")
}
