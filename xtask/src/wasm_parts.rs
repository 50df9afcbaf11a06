//! `cargo xtask bench`'s size table by part: every item twiggy lists in the named copy of the
//! widget's wasm, attributed to the crate its code comes from and grouped into the parts the size
//! goal is argued about (Leptos, serde, url, kasse-core, the widget, JS bindings, std).

use std::collections::BTreeMap;

/// The parts of the widget's wasm, in the order they are explained in the size goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Leptos,
    /// serde and serde_json, with the number formatting they pull in (itoa, zmij, and core's float
    /// formatting and parsing: the widget itself prints no floats, JSON numbers do).
    Serde,
    Url,
    Core,
    Widget,
    Bindgen,
    /// The standard library, the allocator and the hash maps (hashbrown, indexmap).
    Std,
    /// Data segments: constants pooled by LTO, with no names to attribute them by.
    Data,
    /// Module structure (types, tables, section headers), unnamed functions and unknown crates.
    Other,
    /// The name section: only in the named copy, not in the shipped wasm.
    Names,
}

impl Part {
    fn label(self) -> &'static str {
        match self {
            Part::Leptos => "Leptos (tachys, reactive_graph, futures, …)",
            Part::Serde => "serde (serde_json, itoa, zmij, float fmt/parse)",
            Part::Url => "url (url, idna, form_urlencoded, …)",
            Part::Core => "kasse_core",
            Part::Widget => "kasse_widget",
            Part::Bindgen => "wasm-bindgen/js (js_sys, web_sys, gloo, shims)",
            Part::Std => "std (core, alloc, dlmalloc, hashbrown, indexmap)",
            Part::Data => "data segments (constants; no names)",
            Part::Other => "other (types, headers, unnamed code)",
            Part::Names => "name section (not shipped)",
        }
    }
}

/// Crates by part, space-separated. Leptos's runtime dependencies (the futures crates,
/// async-lock, …) count as Leptos: the widget would not ship them without it. Crates named
/// `leptos*` and `gloo*` are matched by prefix in [`part_of_crate`].
const CRATES: &[(Part, &str)] = &[
    (
        Part::Leptos,
        "tachys reactive_graph reactive_stores any_spawner throw_error or_poisoned send_wrapper slotmap \
         either_of next_tuple hydration_context server_fn wasm_streams async_lock event_listener \
         event_listener_strategy guardian futures futures_core futures_util futures_channel futures_task \
         futures_executor futures_sink futures_io pin_project pin_project_lite slab rustc_hash \
         drain_filter_polyfill html_escape erased itertools either const_str_slice_concat oco_ref",
    ),
    (
        Part::Serde,
        "serde serde_core serde_json serde_wasm_bindgen itoa ryu zmij memchr",
    ),
    (
        Part::Url,
        "url idna idna_adapter form_urlencoded percent_encoding utf8_iter smallvec",
    ),
    (Part::Core, "kasse_core"),
    (Part::Widget, "kasse_widget"),
    (
        Part::Bindgen,
        "wasm_bindgen wasm_bindgen_futures js_sys web_sys http bytes",
    ),
    (
        Part::Std,
        "core alloc std dlmalloc hashbrown indexmap equivalent compiler_builtins __rustc panic_abort cfg_if",
    ),
];

/// The std crates, for the orphan rule in [`crate_of`].
const STD_CRATES: &[&str] = &["core", "alloc", "std"];

/// Which part of the wasm a twiggy item belongs to, by its name.
pub fn part_of(name: &str) -> Part {
    let name = strip_disambiguators(name);
    let name = name.as_str();
    if name.starts_with("data segment ") || name.starts_with("data[") {
        return Part::Data;
    }
    if is_name_section(name) {
        return Part::Names;
    }
    if is_float_code(name) {
        return Part::Serde;
    }
    if is_bindgen_glue(name) {
        return Part::Bindgen;
    }
    match crate_of(name) {
        Some(krate) => part_of_crate(krate),
        None if is_builtin(name) => Part::Std,
        // Inherent methods of primitives as v0 demangling prints them: `<char>::encode_utf8`.
        None if name.starts_with('<') && name.contains(">::") => Part::Std,
        None => Part::Other,
    }
}

fn part_of_crate(krate: &str) -> Part {
    if krate.starts_with("leptos") {
        return Part::Leptos;
    }
    if krate.starts_with("gloo") {
        return Part::Bindgen;
    }
    CRATES
        .iter()
        .find(|(_, crates)| crates.split_whitespace().any(|name| name == krate))
        .map_or(Part::Other, |(part, _)| *part)
}

/// The name section's items (`"function names" subsection` and its header): only in the named
/// copy the bench attributes, not in the shipped wasm.
pub fn is_name_section(name: &str) -> bool {
    (name.starts_with('"') && name.ends_with(" subsection")) || name == "custom section 'name' headers"
}

/// `core[c5930c85a12de822]::fmt` → `core::fmt`: v0 mangling names crates with their
/// disambiguator (std's always; every crate's when the whole build uses v0, as the size build's
/// compiler does). The demangler drops leading zeros, so a disambiguator has 1 to 16 hex digits;
/// it is always followed by `::`, which tells it from an index like twiggy's `code[2518]`.
pub(crate) fn strip_disambiguators(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('[') {
        let tail = &rest[at + 1..];
        let hash = tail.split(']').next().unwrap_or_default();
        let is_hash = (1..=16).contains(&hash.len())
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
            && tail[hash.len()..].starts_with("]::");
        out.push_str(&rest[..at]);
        if is_hash {
            rest = &tail[hash.len() + 1..];
        } else {
            out.push('[');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// core's float formatting (Grisu/Dragon, bignums) and parsing, and floats' std trait impls
/// (`<f64 as core::fmt::Display>::fmt` is where formatting code lands after inlining).
fn is_float_code(name: &str) -> bool {
    let float_modules = [
        "core::num::flt2dec::",
        "core::num::dec2flt::",
        "core::num::bignum::",
        "core::fmt::float::",
    ];
    if float_modules.iter().any(|module| name.contains(module)) {
        return true;
    }
    match qualified(name) {
        Some((self_type, Some(trait_path))) => {
            matches!(self_type.trim_start_matches('&'), "f32" | "f64")
                && leading_crate(trait_path).is_some_and(|k| STD_CRATES.contains(&k))
        }
        _ => false,
    }
}

/// What wasm-bindgen adds: imports from its JS glue, exports, `__wbg_`/`__wbindgen_` functions,
/// the externref table and the shims it generates around exported functions.
fn is_bindgen_glue(name: &str) -> bool {
    name.starts_with("import ")
        || name.starts_with("export \"")
        || name.starts_with("__wbg_")
        || name.starts_with("__wbindgen_")
        || name.starts_with("__externref_")
        || name.ends_with(" shim")
        || is_export_wrapper(name)
}

/// A bare identifier, not a compiler builtin: wasm-bindgen's wrapper of an exported function or
/// method (`mounthandle_unmount`, `intounderlyingbytesource_autoAllocateChunkSize`), which has no
/// Rust path.
fn is_export_wrapper(name: &str) -> bool {
    !is_builtin(name)
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// compiler-builtins and libc-like symbols the std links in (`memcmp`, `__multi3`).
fn is_builtin(name: &str) -> bool {
    let bare = !name.contains("::") && !name.contains(' ') && !name.contains('[');
    bare && (name.starts_with("__") || ["memcmp", "memcpy", "memmove", "memset", "bcmp"].contains(&name))
}

/// The crate whose code an item is: the first crate path of its name. For `<A as B>::f` that is
/// A's crate, or B's when A has none (a primitive, a reference to one, a type parameter, a tuple)
/// or when A is a std type and B is not (the orphan rule puts such an impl in B's crate).
fn crate_of(name: &str) -> Option<&str> {
    match qualified(name) {
        Some((self_type, trait_path)) => {
            let own = type_crate(self_type);
            let of_trait = trait_path.and_then(type_crate);
            match (own, of_trait) {
                (Some(a), Some(b)) if STD_CRATES.contains(&a) && !STD_CRATES.contains(&b) => Some(b),
                (Some(a), _) => Some(a),
                (None, b) => b,
            }
        }
        None => leading_crate(name),
    }
}

/// The crate of a type or trait path, seen through references, pointers and `dyn`.
fn type_crate(path: &str) -> Option<&str> {
    let mut path = path.trim();
    for prefix in ["&", "mut ", "*const ", "*mut ", "dyn ", "impl "] {
        while let Some(rest) = path.strip_prefix(prefix) {
            path = rest.trim_start();
        }
    }
    if path.starts_with('<') {
        crate_of(path)
    } else {
        leading_crate(path)
    }
}

/// `kasse_core::money::Money` → `kasse_core`; `f64`, `T`, `(A,B)`, `[u8]` → none.
fn leading_crate(path: &str) -> Option<&str> {
    let end = path.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    (end > 0 && path[end..].starts_with("::")).then(|| &path[..end])
}

/// `<A as B>::f` → (A, Some(B)); `<A>::f` → (A, None); anything else → None. Splits at the angle
/// bracket that closes the first one, so generic arguments (`Vec<T>`, `Fn<()>`) stay inside.
fn qualified(name: &str) -> Option<(&str, Option<&str>)> {
    let inner = name.strip_prefix('<')?;
    let (mut depth, mut close, mut as_at) = (0usize, None, None);
    for (at, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            // `->` in a closure's type is not a closing bracket.
            '>' if inner[..at].ends_with('-') => {}
            '>' | ')' | ']' if depth > 0 => depth -= 1,
            '>' => {
                close = Some(at);
                break;
            }
            ' ' if depth == 0 && as_at.is_none() && inner[at..].starts_with(" as ") => as_at = Some(at),
            _ => {}
        }
    }
    let inner = &inner[..close?];
    Some(match as_at {
        Some(at) => (&inner[..at], Some(&inner[at + 4..])),
        None => (inner, None),
    })
}

/// Bytes per part of `items`, the name section left out.
pub fn by_part(items: &[(String, u64)]) -> BTreeMap<Part, u64> {
    let mut parts: BTreeMap<Part, u64> = BTreeMap::new();
    for (name, size) in items {
        *parts.entry(part_of(name)).or_default() += size;
    }
    parts.remove(&Part::Names);
    parts
}

/// Bytes per part, largest first, the name section left out; with the largest items of "other",
/// so that a name the classifier does not know shows up in the output.
pub fn print_table(items: &[(String, u64)]) {
    let parts = by_part(items);
    let total: u64 = parts.values().sum();
    let mut rows: Vec<(Part, u64)> = parts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("\nThe widget's main module (what renders the form) by part: twiggy's items, attributed by the crate in their names");
    println!("{:<50} {:>10} {:>8}", "part", "bytes", "share");
    for (part, bytes) in rows {
        let share = 100.0 * bytes as f64 / total.max(1) as f64;
        println!("{:<50} {bytes:>10} {share:>7.1}%", part.label());
    }
    println!("{:<50} {total:>10} {:>7.1}%", "wasm without its name section", 100.0);
    let mut other: Vec<(&str, u64)> = items
        .iter()
        .filter(|(name, _)| part_of(name) == Part::Other)
        .map(|(name, size)| (name.as_str(), *size))
        .collect();
    other.sort_by_key(|item| std::cmp::Reverse(item.1));
    let largest: Vec<String> = other.iter().take(4).map(|(n, s)| format!("{n} ({s} B)")).collect();
    println!("largest of other: {}", largest.join(", "));
    println!(
        "generic code counts where it is defined (serde_json's Deserializer for kasse_core's types is serde), \
         inlined code where it was inlined"
    );
}

/// Every wasm file of `backend`'s bundle by part, side by side (raw bytes of the named copies,
/// name section left out), with the sum of all: what a reader who submits downloads, by part.
pub fn print_files_table(backend: &str, files: &[(String, BTreeMap<Part, u64>)]) {
    let mut all: BTreeMap<Part, u64> = BTreeMap::new();
    for (_, parts) in files {
        for (part, bytes) in parts {
            *all.entry(*part).or_default() += bytes;
        }
    }
    let mut rows: Vec<(Part, u64)> = all.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("\nThe {backend} bundle's every wasm file by part (raw bytes; the chunks come after the form)");
    let mut header = format!("{:<50}", "part");
    for (file, _) in files {
        header.push_str(&format!(" {file:>14}"));
    }
    println!("{header} {:>10}", "all");
    let mut totals = vec![0u64; files.len()];
    for (part, sum) in rows {
        let mut line = format!("{:<50}", part.label());
        for (i, (_, parts)) in files.iter().enumerate() {
            let bytes = parts.get(&part).copied().unwrap_or(0);
            totals[i] += bytes;
            line.push_str(&format!(" {bytes:>14}"));
        }
        println!("{line} {sum:>10}");
    }
    let mut line = format!("{:<50}", "wasm without its name section");
    for total in &totals {
        line.push_str(&format!(" {total:>14}"));
    }
    println!("{line} {:>10}", totals.iter().sum::<u64>());
}

#[cfg(test)]
mod tests;
