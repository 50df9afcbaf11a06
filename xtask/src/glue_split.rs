//! wasm-split's runtime (the JS that fetches a chunk and instantiates it against the main
//! module's memory and table) moved into wasm-bindgen's glue.
//!
//! wasm-split writes the runtime as a module of its own, `__wasm_split.js`, which the glue imports
//! and which imports the glue back (`initSync`, for the main module's exports). Served as it is,
//! that is one more request on the way to the first render, and content-hashed names cannot be
//! given to two files that name each other. Inside the glue, the runtime is an object built once
//! (its `initSync` is the glue's own), and the glue's import object names it once.

use anyhow::{bail, Result};

/// The module name the split points import their loaders from (wasm_split_cli_support's
/// `link_name`, which `parts.rs` sets).
pub const LINK_MODULE: &str = "./__wasm_split.js";
/// The runtime's import of the glue (wasm_split_cli_support's `main_module`, set by `parts.rs`).
pub const MAIN_IMPORT: &str = "import { initSync } from \"./kasse.js\";";
/// The name of each split point's loader: one export of the runtime, one import of the wasm.
const LOAD_PREFIX: &str = "__wasm_split_load_";

/// `glue` with `runtime` inside it in place of its imports of [`LINK_MODULE`].
pub fn inline(glue: &str, runtime: &str) -> Result<String> {
    let object = runtime_object(runtime)?;
    let from = format!("from \"{LINK_MODULE}\"");
    let key = format!("\"{LINK_MODULE}\": import");
    let (mut out, mut imports, mut keys) = (String::new(), 0, 0);
    for line in glue.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with("import * as ") && trimmed.trim_end_matches(';').ends_with(&from) {
            imports += 1;
            if imports == 1 {
                out.push_str(&object);
            }
        } else if trimmed.starts_with(&key) {
            // wasm-bindgen names the module once per split point; the object serves them all.
            keys += 1;
            if keys == 1 {
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push_str(&format!("{indent}\"{LINK_MODULE}\": __wasm_split,\n"));
            }
        } else {
            out.push_str(line);
        }
    }
    if imports == 0 || imports != keys {
        bail!("the JS glue imports {LINK_MODULE} {imports} times and names it {keys} times in its import object: update xtask/src/glue_split.rs for this wasm-bindgen");
    }
    Ok(out)
}

/// The runtime as `const __wasm_split = (() => { …; return { <loader>: …, … }; })();`.
fn runtime_object(runtime: &str) -> Result<String> {
    if runtime.matches(MAIN_IMPORT).count() != 1 {
        bail!("wasm-split's runtime does not import the glue as `{MAIN_IMPORT}`: update xtask/src/glue_split.rs");
    }
    let mut body = String::new();
    let mut loaders = Vec::new();
    for line in runtime.lines().filter(|line| line.trim() != MAIN_IMPORT) {
        if let Some(rest) = line.strip_prefix(&format!("export const {LOAD_PREFIX}")) {
            let Some((name, value)) = rest.split_once(" = ") else {
                bail!("unexpected export in wasm-split's runtime: {line}");
            };
            body.push_str(&format!("const load_{name} = {value}\n"));
            loaders.push(format!("{LOAD_PREFIX}{name}: load_{name}"));
        } else if line.starts_with("export ") || line.starts_with("import ") {
            bail!("unexpected module statement in wasm-split's runtime: {line}");
        } else {
            body.push_str(line);
            body.push('\n');
        }
    }
    if loaders.is_empty() {
        bail!("wasm-split's runtime exports no loader: the widget has no split point");
    }
    Ok(format!(
        "const __wasm_split = (() => {{\n{body}return {{ {} }};\n}})();\n",
        loaders.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNTIME: &str = "import { initSync } from \"./kasse.js\";\n\
        function makeLoad(f) { return f; }\n\
        const __chunk_3 = makeLoad(() => new URL(\"./chunk_3.wasm\", import.meta.url));\n\
        export const __wasm_split_load_session = makeLoad(() => initSync(undefined, undefined));\n\
        export const __wasm_split_load_actions = makeLoad(() => 2);\n";

    const GLUE: &str = "import * as import1 from \"./__wasm_split.js\"\n\
        import * as import2 from \"./__wasm_split.js\"\n\
        function initSync(module) { return 1; }\n\
        function __wbg_get_imports() {\n\
        \x20   const imports = {\n\
        \x20       \"./kasse_bg.js\": import0,\n\
        \x20       \"./__wasm_split.js\": import1,\n\
        \x20       \"./__wasm_split.js\": import2,\n\
        \x20   };\n\
        }\n";

    #[test]
    fn the_runtime_becomes_one_object_the_import_object_names_once() {
        let out = inline(GLUE, RUNTIME).unwrap();
        assert!(!out.contains("import * as"), "{out}");
        assert!(!out.contains("./kasse.js"), "the glue does not import itself: {out}");
        assert_eq!(out.matches("\"./__wasm_split.js\"").count(), 1, "{out}");
        assert!(out.contains("        \"./__wasm_split.js\": __wasm_split,\n"), "{out}");
        // Each loader name once, as the key the wasm's import is looked up by.
        for name in ["__wasm_split_load_session", "__wasm_split_load_actions"] {
            assert_eq!(out.matches(name).count(), 1, "{name} in {out}");
        }
        assert!(out
            .contains("return { __wasm_split_load_session: load_session, __wasm_split_load_actions: load_actions };"));
        assert!(out.contains("new URL(\"./chunk_3.wasm\", import.meta.url)"));
        assert!(
            out.starts_with("const __wasm_split = (() => {\n"),
            "where the imports were: {out}"
        );
    }

    #[test]
    fn a_glue_or_runtime_of_another_shape_stops_the_build() {
        assert!(
            inline("function initSync() {}\n", RUNTIME).is_err(),
            "no import of the runtime"
        );
        let one_key = GLUE.replace("        \"./__wasm_split.js\": import2,\n", "");
        assert!(inline(&one_key, RUNTIME).is_err(), "imports and keys disagree");
        assert!(
            inline(GLUE, &RUNTIME.replace(MAIN_IMPORT, "")).is_err(),
            "no import of the glue"
        );
        let extra = format!("{RUNTIME}export function other() {{}}\n");
        assert!(inline(GLUE, &extra).is_err(), "an export that is no loader");
        assert!(inline(GLUE, MAIN_IMPORT).is_err(), "no loader");
    }
}
