//! The release wasm's interface to its JS glue: short import names, no exports nobody calls.
//!
//! wasm-bindgen names each import after the JS it calls plus a hash
//! (`__wbg_attachShadow_ebe844ae64e30ce4`), once in the wasm's import section and once as a key of
//! the glue's import object. 177 such names were 5.7 KB raw on each side, and their hex digits do
//! not compress. This renames every import (and its module, `./kasse_bg.js`) to a short name in
//! both files. Every name must be found exactly once in the glue, else the build stops.
//!
//! It also drops [`UNUSED_EXPORTS`] before wasm-opt runs, so their code goes too. Only the import
//! and export sections change; the wasm's other sections are copied byte for byte.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{ExportSection, ImportSection, Module, RawSection};
use wasmparser::{Parser, Payload};

/// Exports of wasm-streams (`IntoUnderlyingSource`, …), which Leptos links through server_fn's
/// `browser` feature (always on): JS classes that turn a Rust stream into a `ReadableStream`. The
/// widget never makes one, and without them 1.6 KB brotli of wasm goes. Each must be there: the
/// build stops when a wasm-bindgen or Leptos upgrade changes them, so the list is looked at again.
pub const UNUSED_EXPORTS: [&str; 13] = [
    "__wbg_intounderlyingbytesource_free",
    "intounderlyingbytesource_type",
    "intounderlyingbytesource_autoAllocateChunkSize",
    "intounderlyingbytesource_start",
    "intounderlyingbytesource_pull",
    "intounderlyingbytesource_cancel",
    "__wbg_intounderlyingsink_free",
    "intounderlyingsink_write",
    "intounderlyingsink_close",
    "intounderlyingsink_abort",
    "__wbg_intounderlyingsource_free",
    "intounderlyingsource_pull",
    "intounderlyingsource_cancel",
];

/// The crate whose code only [`UNUSED_EXPORTS`] reach, through the function table too: its
/// functions, and generic ones instantiated for its types, are stubbed ([`crate::wasm_stubs`]).
/// Names carry a disambiguator after the crate (`wasm_streams[9104…]::`), so no `::` here. A
/// stubbed function traps if called: should the widget ever stream with wasm-streams itself
/// (or call a Leptos server function), this must go. The e2e suite runs every flow on this build.
pub const UNUSED_CODE_OF: &str = "wasm_streams";

/// What the widget links and never runs.
pub struct Unused {
    /// Exports nobody calls.
    pub exports: &'static [&'static str],
    /// The glue's classes that call them.
    pub classes: &'static [&'static str],
    /// A path in the names of the functions only they reach.
    pub code_of: &'static str,
}

/// The widget's: wasm-streams, linked by Leptos's server functions.
pub const UNUSED: Unused = Unused {
    exports: &UNUSED_EXPORTS,
    classes: &crate::glue_classes::UNUSED_CLASSES,
    code_of: UNUSED_CODE_OF,
};

/// Shortens the import names of `wasm` and the keys of the glue's import object; drops the
/// `unused` exports and stubs the code only they reach in `wasm`, and drops the classes that
/// call them from the glue; in place.
pub fn rewrite(wasm: &Path, glue: &Path, unused: &Unused) -> Result<()> {
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let (shortened, renames) = rename_imports(&bytes, unused.exports)?;
    let (shortened, _) = crate::wasm_stubs::stub_functions(&shortened, unused.code_of)?;
    let js = std::fs::read_to_string(glue).with_context(|| format!("reading {}", glue.display()))?;
    let js = crate::glue_classes::without_classes(&rename_in_glue(&js, &renames)?, unused.classes)?;
    std::fs::write(wasm, shortened)?;
    std::fs::write(glue, js)?;
    Ok(())
}

/// What was renamed: import names (object keys in the glue) and module names (quoted strings).
#[derive(Debug, Default, PartialEq)]
struct Renames {
    names: BTreeMap<String, String>,
    modules: BTreeMap<String, String>,
    /// wasm-bindgen's closure shims, exported under their Rust path with crate hashes
    /// (`wasm_bindgen_164a2cce8d545780___convert__closures_____invoke___…`, 713 B for four).
    exports: BTreeMap<String, String>,
}

/// `wasm` with short import and module names and without the `unused` exports, and the renames.
fn rename_imports(wasm: &[u8], unused: &[&str]) -> Result<(Vec<u8>, Renames)> {
    let mut renames = Renames::default();
    let mut module = Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        if let Payload::ExportSection(reader) = &payload {
            module.section(&without_exports(reader.clone(), unused, &mut renames.exports)?);
        } else if let Payload::ImportSection(reader) = &payload {
            let mut imports = ImportSection::new();
            for import in reader.clone().into_imports() {
                let import = import?;
                let next = renames.names.len();
                let name = renames
                    .names
                    .entry(import.name.to_owned())
                    .or_insert_with(|| short_name(next));
                if name.len() >= import.name.len() {
                    bail!(
                        "import {} is already short: not a wasm-bindgen import section",
                        import.name
                    );
                }
                let next = renames.modules.len();
                let from = renames
                    .modules
                    .entry(import.module.to_owned())
                    .or_insert_with(|| short_name(next));
                imports.import(from, name, RoundtripReencoder.entity_type(import.ty)?);
            }
            module.section(&imports);
        } else if let Some((id, range)) = payload.as_section() {
            let data = &wasm[usize::try_from(range.start)?..usize::try_from(range.end)?];
            module.section(&RawSection { id, data });
        }
    }
    Ok((module.finish(), renames))
}

/// The export section less the `unused` exports, each of which must be in it.
/// The closure shims' exports get short names, recorded in `renamed`.
fn without_exports(
    reader: wasmparser::ExportSectionReader,
    unused: &[&str],
    renamed: &mut BTreeMap<String, String>,
) -> Result<ExportSection> {
    let mut exports = ExportSection::new();
    let mut dropped = Vec::new();
    let mut kept = std::collections::BTreeSet::new();
    for export in reader {
        let export = export?;
        if unused.contains(&export.name) {
            dropped.push(export.name);
            continue;
        }
        let mut name = export.name.to_owned();
        if name.starts_with("wasm_bindgen_") && name.contains("_convert__closures_") {
            let short = format!("closure{}", renamed.len());
            renamed.insert(name, short.clone());
            name = short;
        }
        if !kept.insert(name.clone()) {
            bail!("two exports named {name} after renaming the closure shims");
        }
        exports.export(&name, RoundtripReencoder.export_kind(export.kind)?, export.index);
    }
    if let Some(missing) = unused.iter().find(|name| !dropped.contains(name)) {
        bail!("the wasm has no export {missing}: update UNUSED_EXPORTS in xtask/src/wasm_interface.rs");
    }
    Ok(exports)
}

/// The glue with each renamed import's key and each module's quoted name replaced.
fn rename_in_glue(js: &str, renames: &Renames) -> Result<String> {
    let mut js = js.to_owned();
    for (from, to) in &renames.names {
        js = replace_once(&js, from, to, |before, after| !is_ident(before) && !is_ident(after))?;
    }
    for (from, to) in &renames.modules {
        js = replace_once(&js, &format!("\"{from}\""), &format!("\"{to}\""), |_, _| true)?;
    }
    // The glue also names a JS function after each shim; terser shortens that one.
    for (from, to) in &renames.exports {
        js = replace_once(&js, &format!("wasm.{from}"), &format!("wasm.{to}"), |_, after| {
            !is_ident(after)
        })?;
    }
    Ok(js)
}

/// `js` with the one occurrence of `from` that `standalone` accepts (given the characters around
/// it) replaced by `to`; an error if there is none or more than one.
pub(crate) fn replace_once(
    js: &str,
    from: &str,
    to: &str,
    standalone: impl Fn(Option<char>, Option<char>) -> bool,
) -> Result<String> {
    let found: Vec<usize> = js
        .match_indices(from)
        .map(|(at, _)| at)
        .filter(|&at| standalone(js[..at].chars().next_back(), js[at + from.len()..].chars().next()))
        .collect();
    match found[..] {
        [at] => Ok(format!("{}{to}{}", &js[..at], &js[at + from.len()..])),
        _ => bail!(
            "the JS glue has {from} {} times, not once: update xtask/src/wasm_interface.rs for this wasm-bindgen",
            found.len()
        ),
    }
}

fn is_ident(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// `a`, `b`, … `Z`, then `aa`, `ab`, …: JS identifiers, so they stay unquoted object keys.
fn short_name(mut n: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = String::new();
    loop {
        name.push(FIRST[n % FIRST.len()] as char);
        n /= FIRST.len();
        if n == 0 {
            return name;
        }
        n -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, TypeSection};

    /// A module importing two functions from `./kasse_bg.js` and exporting a third that calls both.
    fn bindgen_like() -> Vec<u8> {
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut imports = ImportSection::new();
        imports.import("./kasse_bg.js", "__wbg_alert_0123456789abcdef", EntityType::Function(0));
        imports.import("./kasse_bg.js", "__wbg_log_fedcba9876543210", EntityType::Function(0));
        module.section(&imports);
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        let mut exports = ExportSection::new();
        exports.export("mount", ExportKind::Func, 2);
        module.section(&exports);
        let mut code = CodeSection::new();
        let mut body = Function::new([]);
        body.instructions().call(0).call(1).end();
        code.function(&body);
        module.section(&code);
        module.finish()
    }

    #[test]
    fn renames_imports_and_keeps_the_rest() {
        let (shortened, renames) = rename_imports(&bindgen_like(), &[]).unwrap();
        wasmparser::validate(&shortened).unwrap();
        assert_eq!(renames.names["__wbg_alert_0123456789abcdef"], "a");
        assert_eq!(renames.names["__wbg_log_fedcba9876543210"], "b");
        assert_eq!(renames.modules["./kasse_bg.js"], "a");
        let text = String::from_utf8_lossy(&shortened);
        assert!(!text.contains("__wbg_") && !text.contains("kasse_bg"));
        assert!(text.contains("mount"), "exports keep their names");
        // Renaming twice refuses: the names are short already.
        assert!(rename_imports(&shortened, &[]).is_err());
    }

    #[test]
    fn drops_the_unused_exports_and_only_those() {
        let (without, _) = rename_imports(&bindgen_like(), &["mount"]).unwrap();
        wasmparser::validate(&without).unwrap();
        assert!(!String::from_utf8_lossy(&without).contains("mount"));
        let error = rename_imports(&bindgen_like(), &["mount", "unmount"]).unwrap_err();
        assert!(error.to_string().contains("no export unmount"), "{error}");
    }

    #[test]
    fn shortens_the_closure_shims_exports_in_both() {
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        let shim = "wasm_bindgen_164a2cce8d545780___convert__closures_____invoke_______true_";
        let mut exports = ExportSection::new();
        exports
            .export(shim, ExportKind::Func, 0)
            .export("mount", ExportKind::Func, 0);
        module.section(&exports);
        let mut code = CodeSection::new();
        let mut body = Function::new([]);
        body.instructions().end();
        code.function(&body);
        module.section(&code);
        let (renamed, renames) = rename_imports(&module.finish(), &[]).unwrap();
        wasmparser::validate(&renamed).unwrap();
        let text = String::from_utf8_lossy(&renamed);
        assert!(text.contains("closure0") && text.contains("mount") && !text.contains(shim));
        let glue = format!("f(a, {shim});function {shim}(a, b) {{ wasm.{shim}(a, b); }}wasm.mount();");
        assert_eq!(
            rename_in_glue(&glue, &renames).unwrap(),
            format!("f(a, {shim});function {shim}(a, b) {{ wasm.closure0(a, b); }}wasm.mount();")
        );
    }

    #[test]
    fn renames_the_glue_keys_once_each() {
        let (_, renames) = rename_imports(&bindgen_like(), &[]).unwrap();
        let glue = r#"const i={__wbg_alert_0123456789abcdef:function(n){alert(n)},__wbg_log_fedcba9876543210:function(n){console.log(n)}};return{"./kasse_bg.js":i}"#;
        assert_eq!(
            rename_in_glue(glue, &renames).unwrap(),
            r#"const i={a:function(n){alert(n)},b:function(n){console.log(n)}};return{"a":i}"#
        );
        let missing = glue.replace("__wbg_log_fedcba9876543210", "__wbg_log_other");
        assert!(rename_in_glue(&missing, &renames).is_err());
        let twice = format!("{glue};x.__wbg_alert_0123456789abcdef");
        assert!(rename_in_glue(&twice, &renames).is_err());
        // A longer name that contains an import's is not it.
        let longer = glue.replace(
            "__wbg_alert_0123456789abcdef:",
            "__wbg_alert_0123456789abcdef:1,__wbg_alert_0123456789abcdef_x:",
        );
        assert!(rename_in_glue(&longer, &renames).is_ok());
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(names[52], "aa");
        let distinct: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_alphabetic())));
    }
}
