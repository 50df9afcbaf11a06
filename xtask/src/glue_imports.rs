//! The glue's import functions that the optimized wasm no longer imports, cut from the glue.
//!
//! wasm-bindgen writes the glue for the wasm it is given. wasm-opt then drops the imports that
//! only stubbed or unreachable code called (wasm-streams' byte-stream calls, the SVG element
//! constructor tachys never reaches here, …), but their functions would still ship in the glue's
//! import object. Run after wasm-opt, on the glue as wasm-bindgen formats it (not minified).

use std::collections::BTreeSet;

use anyhow::{bail, Context, Result};
use wasmparser::{Parser, Payload};

/// Where wasm-bindgen's import object begins and ends, and how each of its entries is laid out.
const OBJECT_START: &str = "function __wbg_get_imports() {\n    const import0 = {\n        __proto__: null,\n";
/// The object's last line; a whole line, as a body's deeper `};` ends with the same characters.
const OBJECT_END: &str = "\n    };\n";
const ENTRY_INDENT: &str = "        ";

/// The names `wasm` imports (any module).
pub fn imported_names(wasm: &[u8]) -> Result<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::ImportSection(reader) = payload? {
            for import in reader.into_imports() {
                names.insert(import?.name.to_owned());
            }
        }
    }
    Ok(names)
}

/// `js` without the import object's entries whose key `imported` lacks. Every line of the object
/// must be one of its entries (`key: function(…) {` to `},`), or the build stops: a wasm-bindgen
/// that lays the glue out otherwise must be looked at again.
pub fn without_unimported(js: &str, imported: &BTreeSet<String>) -> Result<String> {
    let start = match js.match_indices(OBJECT_START).map(|(at, _)| at).collect::<Vec<_>>()[..] {
        [at] => at + OBJECT_START.len(),
        ref found => bail!(
            "the JS glue has wasm-bindgen's import object {} times, not once: update xtask/src/glue_imports.rs",
            found.len()
        ),
    };
    // From the newline that ends the object's first lines, so that its first entry is a line.
    let length = js[start - 1..]
        .find(OBJECT_END)
        .context("the JS glue's import object has no end")?;
    let mut kept = String::new();
    let mut lines = js[start..start + length].split_inclusive('\n');
    while let Some(line) = lines.next() {
        let key = entry_key(line).with_context(|| format!("not an import entry of the JS glue: {line:?}"))?;
        let mut entry = String::from(line);
        loop {
            let line = lines
                .next()
                .with_context(|| format!("the glue's import {key} has no end"))?;
            entry.push_str(line);
            if is_entry_end(line) {
                break;
            }
        }
        if imported.contains(key) {
            kept.push_str(&entry);
        }
    }
    Ok([&js[..start], &kept, &js[start + length..]].concat())
}

/// Whether `line` closes an entry: back at the entry's indent, `},` (or `}, arguments); },` for
/// an import wrapped in `handleError`). The body is indented deeper.
fn is_entry_end(line: &str) -> bool {
    line.strip_prefix(ENTRY_INDENT)
        .is_some_and(|rest| rest.starts_with('}') && rest.trim_end().ends_with("},"))
}

/// The key of an entry's first line (`        key: function(arg0) {`).
fn entry_key(line: &str) -> Option<&str> {
    let (key, rest) = line.strip_prefix(ENTRY_INDENT)?.split_once(": function(")?;
    let is_key = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$');
    (is_key && rest.trim_end().ends_with('{')).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = "export function mount() {}\nfunction __wbg_get_imports() {\n    const import0 = {\n        __proto__: null,\n        a: function(arg0) {\n            return arg0.byobRequest;\n        },\n        b: function() { return handleError(function (arg0) {\n            arg0.focus();\n        }, arguments); },\n        c: function(arg0, arg1) {\n            const cb = () => {\n                return 1;\n            };\n            const obj = { x: 1 };\n            return obj;\n        },\n    };\n    return { __proto__: null, \"a\": import0 };\n}\n";

    fn names(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn entries_not_imported_are_cut_whole() {
        let js = without_unimported(GLUE, &names(&["b", "c"])).unwrap();
        assert!(!js.contains("byobRequest"));
        assert!(js.contains("        b: function() { return handleError(function (arg0) {\n            arg0.focus();\n        }, arguments); },\n"));
        assert!(js.contains("const obj = { x: 1 };"));
        assert!(js.ends_with("    };\n    return { __proto__: null, \"a\": import0 };\n}\n"));
        assert_eq!(without_unimported(GLUE, &names(&["a", "b", "c"])).unwrap(), GLUE);
    }

    #[test]
    fn another_layout_stops_the_build() {
        assert!(without_unimported(&GLUE.replace("        __proto__: null,\n", ""), &names(&[])).is_err());
        assert!(without_unimported(
            &GLUE.replace(
                "        c: function(arg0, arg1) {",
                "        c: 1, d: function(arg0, arg1) {"
            ),
            &names(&[])
        )
        .is_err());
        assert!(without_unimported(&GLUE.replace("\n        },\n    };", "\n    };"), &names(&[])).is_err());
    }

    #[test]
    fn a_module_s_imports_are_read() {
        let mut module = wasm_encoder::Module::new();
        let mut types = wasm_encoder::TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut imports = wasm_encoder::ImportSection::new();
        imports.import("a", "R", wasm_encoder::EntityType::Function(0));
        imports.import("a", "xb", wasm_encoder::EntityType::Function(0));
        module.section(&imports);
        assert_eq!(imported_names(&module.finish()).unwrap(), names(&["R", "xb"]));
    }
}
