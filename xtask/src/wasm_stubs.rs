//! Code that only a dropped export could reach, stubbed before wasm-opt.
//!
//! Dropping wasm-streams' exports ([`crate::wasm_interface::UNUSED_EXPORTS`]) is not enough: the
//! futures and closures those exports create keep their code linked through the function table.
//! wasm-ld puts every function whose address is taken there, vtables in the data name them by
//! table index, and wasm-opt keeps every entry. In the release wasm that was 7.2 KB of code
//! (futures_util's `Abortable`, the sink's and sources' futures, `std::io::Error`'s messages);
//! stubbing it took the shipped wasm from 105,196 to 102,198 B brotli.
//! Here each function whose name (in the name section, which wasm-bindgen keeps) contains the
//! crate's path gets the body `unreachable`: the table keeps its entries and indices, and wasm-opt
//! drops everything only those bodies called.

use anyhow::{bail, Result};
use std::collections::BTreeSet;
use wasm_encoder::{CodeSection, Function, Module, RawSection};
use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

/// `wasm` with the body of every function whose name contains `path` replaced by
/// `unreachable`, and how many there were. An error if there is none: then the name section is
/// gone or the crate is no longer linked, and the caller's list needs a look.
pub fn stub_functions(wasm: &[u8], path: &str) -> Result<(Vec<u8>, usize)> {
    let stubbed = functions_named(wasm, path)?;
    if stubbed.is_empty() {
        bail!("the wasm names no function of {path}: update xtask/src/wasm_interface.rs");
    }
    let mut module = Module::new();
    let (mut imported, mut next) = (0u32, 0u32);
    let mut code: Option<(CodeSection, u32)> = None;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        match &payload {
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    imported += u32::from(matches!(import?.ty, TypeRef::Func(_)));
                }
            }
            Payload::CodeSectionStart { count, .. } => {
                code = Some((CodeSection::new(), *count));
                continue;
            }
            Payload::CodeSectionEntry(body) => {
                let Some((section, count)) = code.as_mut() else {
                    bail!("a function body outside the code section");
                };
                if stubbed.contains(&(imported + next)) {
                    let mut stub = Function::new([]);
                    stub.instructions().unreachable().end();
                    section.function(&stub);
                } else {
                    section.raw(body.as_bytes());
                }
                next += 1;
                if next == *count {
                    module.section(&code.take().expect("the code section").0);
                }
                continue;
            }
            _ => {}
        }
        if let Some((id, range)) = payload.as_section() {
            let data = &wasm[usize::try_from(range.start)?..usize::try_from(range.end)?];
            module.section(&RawSection { id, data });
        }
    }
    Ok((module.finish(), stubbed.len()))
}

/// The indices of the functions whose names contain `path`.
fn functions_named(wasm: &[u8], path: &str) -> Result<BTreeSet<u32>> {
    let mut found = BTreeSet::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let Payload::CustomSection(reader) = payload? else {
            continue;
        };
        let KnownCustom::Name(names) = reader.as_known() else {
            continue;
        };
        for name in names {
            let Name::Function(map) = name? else { continue };
            for naming in map {
                let naming = naming?;
                if naming.name.contains(path) {
                    found.insert(naming.index);
                }
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{
        CodeSection, ElementSection, Elements, EntityType, ExportKind, ExportSection, FunctionSection, ImportSection,
        IndirectNameMap, NameMap, NameSection, RefType, TableSection, TableType, TypeSection,
    };

    /// An import, then `mount` (exported, calls the import), `helper` (called only by `pull`)
    /// and `pull`, whose address is in the table. Named like rustc names them.
    fn with_table_only_code() -> Vec<u8> {
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut imports = ImportSection::new();
        imports.import("a", "b", EntityType::Function(0));
        module.section(&imports);
        let mut functions = FunctionSection::new();
        for _ in 0..3 {
            functions.function(0);
        }
        module.section(&functions);
        let mut tables = TableSection::new();
        tables.table(TableType {
            element_type: RefType::FUNCREF,
            minimum: 1,
            maximum: None,
            table64: false,
            shared: false,
        });
        module.section(&tables);
        let mut exports = ExportSection::new();
        exports.export("mount", ExportKind::Func, 1);
        module.section(&exports);
        let mut elements = ElementSection::new();
        let offset = wasm_encoder::ConstExpr::i32_const(0);
        elements.active(None, &offset, Elements::Functions([3].as_slice().into()));
        module.section(&elements);
        let mut code = CodeSection::new();
        for callee in [0, 0, 2] {
            let mut body = Function::new([]);
            body.instructions().call(callee).end();
            code.function(&body);
        }
        module.section(&code);
        let mut names = NameSection::new();
        let mut map = NameMap::new();
        map.append(1, "kasse_widget::mount");
        map.append(2, "futures_util::Abortable<wasm_streams::pull>::poll");
        map.append(3, "<wasm_streams::readable::IntoUnderlyingSource>::pull");
        names.functions(&map);
        names.locals(&IndirectNameMap::new());
        module.section(&names);
        module.finish()
    }

    #[test]
    fn stubs_the_named_functions_and_keeps_the_rest() {
        let wasm = with_table_only_code();
        let (stubbed, count) = stub_functions(&wasm, "wasm_streams").unwrap();
        wasmparser::validate(&stubbed).unwrap();
        assert_eq!(count, 2);
        let bodies: Vec<Vec<u8>> = Parser::new(0)
            .parse_all(&stubbed)
            .filter_map(|p| match p.unwrap() {
                Payload::CodeSectionEntry(body) => Some(body.as_bytes().to_vec()),
                _ => None,
            })
            .collect();
        // `mount` still calls the import; the other two are `unreachable` (0x00) alone.
        assert_eq!(
            bodies,
            [
                vec![0x00, 0x10, 0x00, 0x0b],
                vec![0x00, 0x00, 0x0b],
                vec![0x00, 0x00, 0x0b]
            ]
        );
        assert!(
            String::from_utf8_lossy(&stubbed).contains("kasse_widget::mount"),
            "names stay"
        );
    }

    #[test]
    fn refuses_when_nothing_is_named_so() {
        let error = stub_functions(&with_table_only_code(), "not_linked").unwrap_err();
        assert!(error.to_string().contains("no function of not_linked"), "{error}");
    }
}
