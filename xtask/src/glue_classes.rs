//! wasm-bindgen's JS classes for exported Rust types the widget never makes, cut from the glue.

use anyhow::{bail, Result};

use crate::wasm_interface::replace_once;

/// The JS classes wasm-bindgen writes for the types behind
/// [`crate::wasm_interface::UNUSED_EXPORTS`]. Their methods call those exports, so they go from
/// the glue with them: the glue then names no export the wasm lacks, and 0.26 KB brotli of JS
/// goes. Each must be there, as with the exports.
pub const UNUSED_CLASSES: [&str; 3] = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];

/// The glue without each of `classes`: the class, its `Symbol.dispose` alias and its
/// `FinalizationRegistry`, as wasm-bindgen writes them. An error if one is missing or named
/// anywhere else (then something still uses it).
pub fn without_classes(js: &str, classes: &[&str]) -> Result<String> {
    let mut js = js.to_owned();
    for class in classes {
        js = cut_once(&js, &format!("export class {class} {{"), "\n}\n")?;
        let dispose = format!("if (Symbol.dispose) {class}.prototype[Symbol.dispose] = {class}.prototype.free;\n");
        js = replace_once(&js, &dispose, "", |_, _| true)?;
        js = cut_once(&js, &format!("const {class}Finalization = "), ";\n")?;
        if js.contains(class) {
            bail!("the JS glue still uses class {class}: update UNUSED_CLASSES in xtask/src/glue_classes.rs");
        }
    }
    Ok(js)
}

/// `js` without the text from the one occurrence of `start` to the first `end` after it.
fn cut_once(js: &str, start: &str, end: &str) -> Result<String> {
    let found: Vec<usize> = js.match_indices(start).map(|(at, _)| at).collect();
    let [at] = found[..] else {
        bail!(
            "the JS glue has {start:?} {} times, not once: update UNUSED_CLASSES in xtask/src/glue_classes.rs",
            found.len()
        );
    };
    let Some(length) = js[at..].find(end) else {
        bail!("the JS glue's {start:?} has no end {end:?}");
    };
    Ok(format!("{}{}", &js[..at], &js[at + length + end.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glue as wasm-bindgen 0.2.130 writes it: an unused class and one the widget exports.
    const GLUE_WITH_CLASSES: &str = "export class Unused {
    free() {
        const ptr = this.__destroy_into_raw();
        UnusedFinalization.unregister(this);
        wasm.__wbg_unused_free(ptr, 0);
    }
}
if (Symbol.dispose) Unused.prototype[Symbol.dispose] = Unused.prototype.free;

export class MountHandle {
    free() {
        wasm.__wbg_mounthandle_free(this.__wbg_ptr, 0);
    }
}
const UnusedFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_unused_free(ptr, 1));
const MountHandleFinalization = 1;
";

    #[test]
    fn drops_the_unused_classes_and_only_those() {
        let js = without_classes(GLUE_WITH_CLASSES, &["Unused"]).unwrap();
        assert_eq!(
            js,
            "\nexport class MountHandle {\n    free() {\n        wasm.__wbg_mounthandle_free(this.__wbg_ptr, 0);\n    }\n}\nconst MountHandleFinalization = 1;\n"
        );
        // A class that is not there, or that something else still uses, stops the build.
        assert!(without_classes(GLUE_WITH_CLASSES, &["Other"]).is_err());
        let used = format!("{GLUE_WITH_CLASSES}new Unused();\n");
        let error = without_classes(&used, &["Unused"]).unwrap_err();
        assert!(error.to_string().contains("still uses class Unused"), "{error}");
    }
}
