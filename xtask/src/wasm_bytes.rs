//! `cargo xtask bench`'s size attribution: the widget's wasm by part and kasse-core's bytes in it,
//! by function name (twiggy on a copy optimised with names kept).

use crate::bundle::Backend;
use crate::cmd::{self, quiet};
use crate::parts;
use crate::release;
use crate::stack;
use crate::wasm_interface::{self, UNUSED};
use crate::wasm_parts;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasm's bytes by part (see `wasm_parts`): the main module's, then every file's of the
/// bundle side by side (the main module and each chunk), then how many of the main module's are
/// kasse-core's.
///
/// The shipped wasm carries no names (wasm-opt drops them), so the main module wasm-bindgen
/// wrote before that step (`parts::build`) is given the shipped interface and optimized once more
/// the same way with names kept (`wasm-opt -Oz -g`), and so is each chunk wasm-split wrote
/// (`parts::split_dir`); twiggy's per-item sizes of those copies are summed by function name.
/// Names see through monomorphization (serde derives, drop glue) but not through inlining
/// (opt-level "z" inlines little) nor into data segments (LTO pools constants without names), so
/// kasse-core's share is a lower bound; the unattributable data is printed beside it.
pub fn attribute(shipped_wasm: &Path, backend: &Backend) -> Result<()> {
    let twiggy = ensure_twiggy()?;
    let bindgen_out = parts::bindgen_dir().join("kasse_bg.wasm");
    let cargo_out = parts::linked_wasm();
    if modified(&bindgen_out)? < modified(&cargo_out)? {
        bail!(
            "{} is older than {}: not the input of this bundle",
            bindgen_out.display(),
            cargo_out.display()
        );
    }
    let dir = stack::target_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    // The shipped wasm's interface first (the unused exports dropped, as `build_widget` does), so
    // their code is not counted: the rewrite keeps the name section.
    let (interfaced, glue) = (dir.join("kasse_bg.interfaced.wasm"), dir.join("kasse.js"));
    std::fs::copy(&bindgen_out, &interfaced)?;
    std::fs::copy(bindgen_out.with_file_name("kasse.js"), &glue)?;
    wasm_interface::rewrite(&interfaced, &glue, &UNUSED)?;
    let key = backend.key;
    println!("\nbench: attributing the {key} bundle's wasm bytes (wasm-opt as shipped, with -g; twiggy)");
    let items = named_items(twiggy, &interfaced, &dir.join("kasse_bg.named.wasm"))?;
    wasm_parts::print_table(&items);
    let mut files = vec![("main".to_owned(), wasm_parts::by_part(&items))];
    for (chunk, path) in chunks(backend)? {
        let chunk_items = named_items(twiggy, &path, &dir.join(format!("{chunk}.named.wasm")))?;
        files.push((chunk, wasm_parts::by_part(&chunk_items)));
    }
    wasm_parts::print_files_table(key, &files);
    let shipped = std::fs::metadata(shipped_wasm)?.len();
    print_core_share(&items, shipped);
    Ok(())
}

/// `backend`'s chunks as wasm-split wrote them (names kept), by chunk name, in name order.
fn chunks(backend: &Backend) -> Result<Vec<(String, PathBuf)>> {
    let mut chunks = Vec::new();
    let dir = parts::split_dir(backend.feature);
    for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
        let path = entry?.path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        if path.extension().is_some_and(|e| e == "wasm") && name != "main" {
            chunks.push((name, path));
        }
    }
    if chunks.is_empty() {
        bail!("{} holds no chunk: not the split build of this bundle", dir.display());
    }
    chunks.sort();
    Ok(chunks)
}

/// `input` optimized as shipped with names kept (into `named`), and twiggy's items of it.
fn named_items(twiggy: &str, input: &Path, named: &Path) -> Result<Vec<(String, u64)>> {
    quiet(
        Command::new(wasm_opt())
            .args(release::WASM_OPT_SIZE)
            .arg("-g")
            .args(release::WASM_OPT_FEATURES)
            .arg(input)
            .arg("-o")
            .arg(named),
    )?;
    let csv = quiet(
        Command::new(twiggy)
            .args(["top", "-n", "4294967295", "--format", "csv"])
            .arg(named),
    )?;
    twiggy_items(&String::from_utf8_lossy(&csv.stdout))
}

/// kasse-core's share of the named wasm, own functions and generic code for its types apart.
fn print_core_share(items: &[(String, u64)], shipped: u64) {
    let (mut own, mut generic, mut data, mut widget, mut rest) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for (name, size) in items {
        match classify(name) {
            Part::CoreOwn => own += size,
            Part::CoreGeneric => generic += size,
            Part::Data => data += size,
            Part::Names => {}
            Part::Widget => widget += size,
            Part::Rest => rest += size,
        }
    }
    let code_total = own + generic + data + widget + rest;
    let share = |bytes: u64| 100.0 * bytes as f64 / code_total as f64;
    println!("\nkasse-core in the widget wasm (main module): bytes by function name, a lower bound (see below)");
    println!("{:<48} {:>10} {:>8}", "part of the wasm", "bytes", "share");
    for (label, bytes) in [
        ("kasse_core functions (incl. its serde derives)", own),
        ("generic code instantiated for kasse_core types", generic),
        ("kasse_core total", own + generic),
        ("data segments (constants; no names)", data),
        ("kasse_widget functions", widget),
        ("everything else (Leptos, serde, std, glue)", rest),
    ] {
        println!("{label:<48} {bytes:>10} {:>7.1}%", share(bytes));
    }
    println!(
        "{:<48} {code_total:>10} {:>7.1}%",
        "wasm without its name section", 100.0
    );
    println!(
        "measured: twiggy on the wasm-bindgen output, with the shipped interface, re-optimized with names kept ({code_total} B without names vs \
         {shipped} B shipped); core code inlined into widget functions and core's string constants count elsewhere"
    );
}

/// binaryen 132 from tools/ (see `release::build_widget` for why not Debian's).
fn wasm_opt() -> PathBuf {
    release::wasm_opt()
}

fn modified(path: &Path) -> Result<std::time::SystemTime> {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .with_context(|| format!("{}", path.display()))
}

/// twiggy, installed once like cargo-fuzz (a size profiler only this benchmark needs).
fn ensure_twiggy() -> Result<&'static str> {
    cmd::extend_path();
    if cmd::first_line("twiggy", &["--version"]).is_none() {
        println!("bench: installing twiggy");
        quiet(Command::new("cargo").args(["install", "twiggy", "--locked"]))?;
    }
    Ok("twiggy")
}

#[derive(Debug, PartialEq, Eq)]
enum Part {
    /// A function of kasse_core itself, or a trait impl on one of its types (`<kasse_core::X as …>`).
    CoreOwn,
    /// Other crates' generic code instantiated for kasse_core types (`drop_in_place<kasse_core::…>`).
    CoreGeneric,
    /// Data segments: constants pooled by LTO, which carry no names.
    Data,
    /// The name section itself, which the shipped wasm does not have.
    Names,
    /// The widget crate's own functions.
    Widget,
    Rest,
}

fn classify(name: &str) -> Part {
    let name = wasm_parts::strip_disambiguators(name);
    let name = name.as_str();
    if name.starts_with("kasse_core::") || name.starts_with("<kasse_core::") {
        Part::CoreOwn
    } else if name.contains("kasse_core::") {
        Part::CoreGeneric
    } else if name.starts_with("data segment ") || name.starts_with("data[") {
        Part::Data
    } else if wasm_parts::is_name_section(name) {
        Part::Names
    } else if name.starts_with("kasse_widget::") || name.starts_with("<kasse_widget::") {
        Part::Widget
    } else {
        Part::Rest
    }
}

/// `twiggy top --format csv`: `Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent`.
/// Names may be quoted and hold commas (`Result<T, E>`), so the four numeric columns are split off
/// from the right.
fn twiggy_items(csv: &str) -> Result<Vec<(String, u64)>> {
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default();
    if !header.starts_with("Name,ShallowSize,") {
        bail!("unexpected twiggy CSV header `{header}`");
    }
    let mut items = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let columns: Vec<&str> = line.rsplitn(5, ',').collect();
        let [_, _, _, size, name] = columns[..] else {
            bail!("unexpected twiggy CSV line `{line}`")
        };
        let size: u64 = size.parse().with_context(|| format!("size in `{line}`"))?;
        let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => name.to_owned(),
        };
        // The summary rows of the table form do not appear in CSV, but guard against them anyway.
        if !name.starts_with("... and ") && !name.starts_with("Σ ") {
            items.push((name, size));
        }
    }
    if items.is_empty() {
        bail!("twiggy listed no items");
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_wasm_items_by_name() {
        assert_eq!(
            classify("kasse_core::validate::is_e164::h1ecdcddd9153e3fc"),
            Part::CoreOwn
        );
        assert_eq!(
            classify("<kasse_core::money::Money as serde_core::de::Deserialize>::deserialize::ha03"),
            Part::CoreOwn
        );
        assert_eq!(
            classify("core::ptr::drop_in_place<kasse_core::connectid::Party>::ha3a"),
            Part::CoreGeneric
        );
        assert_eq!(
            classify("kasse_widget::app::Checkout::submit::{{closure}}::h15c"),
            Part::Widget
        );
        assert_eq!(
            classify("<F as tachys::reactive_graph::ReactiveFunction>::invoke::ha19"),
            Part::Rest
        );
        // v0 names, as the size build's compiler prints them (disambiguators lose leading zeros).
        assert_eq!(
            classify("kasse_core[d7eb0583c19d1094]::checkout::validate_form"),
            Part::CoreOwn
        );
        assert_eq!(
            classify("<kasse_widget[9ff865d154bfa513]::app::Checkout>::submit::{closure#0}"),
            Part::Widget
        );
        assert_eq!(
            classify("core[6ea1fe0cb44a73e7]::ptr::drop_in_place::<kasse_core[7eb0583c19d1094]::Party>"),
            Part::CoreGeneric
        );
        assert_eq!(classify("data segment \".rodata.44\""), Part::Data);
        assert_eq!(classify("\"function names\" subsection"), Part::Names);
    }

    #[test]
    fn reads_twiggy_csv_with_commas_and_quotes_in_names() {
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
                   \"\"\"function names\"\" subsection\",239323,29.4,,\n\
                   \"<core::result::Result<T, E> as x>::f::h1\",12,0.1,,\n\
                   kasse_core::flow::plan::h56,331,0.04,,\n";
        let items = twiggy_items(csv).unwrap();
        assert_eq!(
            items,
            vec![
                ("\"function names\" subsection".to_owned(), 239323),
                ("<core::result::Result<T, E> as x>::f::h1".to_owned(), 12),
                ("kasse_core::flow::plan::h56".to_owned(), 331),
            ]
        );
        assert!(twiggy_items("Name,Size\n").is_err());
    }
}
