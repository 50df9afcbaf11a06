use super::*;
use std::collections::BTreeMap;
use wasm_encoder::{
    ConstExpr, CustomSection, ElementSection, Elements, EntityType, ExportKind, ExportSection, Function, ImportSection,
    Instruction, RefType, StartSection, TableSection, TableType, TypeSection,
};
use wasmparser::Operator;

/// One defined function: its marker (the `i32.const` it starts with), the functions it calls and
/// takes the address of (by index), and a run of filler that makes it look like its twin.
struct Spec {
    marker: i32,
    calls: Vec<u32>,
    filler: i32,
}

/// An import (index 0), then `specs` (indices 1…), a table whose elements are functions 2 and 4,
/// the export `run` of function 3 and the start function 1.
fn module(specs: &[Spec], custom: Option<&str>) -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []);
    module.section(&types);
    let mut imports = ImportSection::new();
    imports.import("env", "f", EntityType::Function(0));
    module.section(&imports);
    let mut functions = FunctionSection::new();
    specs.iter().for_each(|_| {
        functions.function(0);
    });
    module.section(&functions);
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        minimum: 2,
        maximum: None,
        table64: false,
        shared: false,
    });
    module.section(&tables);
    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, 3);
    module.section(&exports);
    module.section(&StartSection { function_index: 1 });
    let mut elements = ElementSection::new();
    elements.active(
        Some(0),
        &ConstExpr::i32_const(0),
        Elements::Functions([2, 4].as_slice().into()),
    );
    module.section(&elements);
    let mut code = CodeSection::new();
    for spec in specs {
        let mut function = Function::new([]);
        function
            .instruction(&Instruction::I32Const(spec.marker))
            .instruction(&Instruction::Drop);
        for _ in 0..12 {
            function
                .instruction(&Instruction::I32Const(spec.filler))
                .instruction(&Instruction::Drop);
        }
        for &callee in &spec.calls {
            function.instruction(&Instruction::Call(callee));
        }
        function
            .instruction(&Instruction::RefFunc(4))
            .instruction(&Instruction::Drop);
        function.instruction(&Instruction::End);
        code.function(&function);
    }
    module.section(&code);
    if let Some(name) = custom {
        module.section(&CustomSection {
            name: name.into(),
            data: [0u8; 4].as_slice().into(),
        });
    }
    module.finish()
}

/// Functions 1 and 3 are twins, and so are 2 and 4; LLVM's order interleaves them.
fn interleaved() -> Vec<Spec> {
    vec![
        Spec {
            marker: 101,
            calls: vec![0, 3],
            filler: 1_000_000,
        },
        Spec {
            marker: 102,
            calls: vec![4],
            filler: -7_777_777,
        },
        Spec {
            marker: 103,
            calls: vec![1, 2],
            filler: 1_000_000,
        },
        Spec {
            marker: 104,
            calls: vec![],
            filler: -7_777_777,
        },
    ]
}

/// What a module says, by marker instead of index: each function's marker in order, what each
/// calls or references, the export `run`, the start function and the table's elements.
#[derive(Debug, PartialEq)]
struct Meaning {
    order: Vec<i32>,
    refers: BTreeMap<i32, Vec<i32>>,
    run: i32,
    start: i32,
    table: Vec<i32>,
}

fn meaning(wasm: &[u8]) -> Meaning {
    let mut bodies = Vec::new();
    let (mut run, mut start, mut table) = (0, 0, Vec::new());
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.unwrap() {
            Payload::CodeSectionEntry(body) => {
                let ops: Vec<Operator> = body
                    .get_operators_reader()
                    .unwrap()
                    .into_iter()
                    .map(Result::unwrap)
                    .collect();
                bodies.push(ops);
            }
            Payload::ExportSection(reader) => run = reader.into_iter().next().unwrap().unwrap().index,
            Payload::StartSection { func, .. } => start = func,
            Payload::ElementSection(reader) => {
                let element = reader.into_iter().next().unwrap().unwrap();
                let wasmparser::ElementItems::Functions(items) = element.items else {
                    panic!("functions")
                };
                table = items.into_iter().map(Result::unwrap).collect();
            }
            _ => {}
        }
    }
    let markers: Vec<i32> = bodies
        .iter()
        .map(|ops| match ops[0] {
            Operator::I32Const { value } => value,
            _ => panic!("a marker first"),
        })
        .collect();
    // Index 0 is the import, marker 0.
    let marker = |index: u32| if index == 0 { 0 } else { markers[index as usize - 1] };
    let refers = bodies
        .iter()
        .zip(&markers)
        .map(|(ops, &own)| {
            let targets = ops.iter().filter_map(|op| match op {
                Operator::Call { function_index } | Operator::RefFunc { function_index } => {
                    Some(marker(*function_index))
                }
                _ => None,
            });
            (own, targets.collect())
        })
        .collect();
    Meaning {
        order: markers.clone(),
        refers,
        run: marker(run),
        start: marker(start),
        table: table.into_iter().map(marker).collect(),
    }
}

#[test]
fn twins_end_up_next_to_each_other() {
    let order = meaning(&for_compression(&module(&interleaved(), None)).unwrap()).order;
    let next_to = |a: i32, b: i32| order.windows(2).any(|pair| pair == [a, b] || pair == [b, a]);
    assert!(next_to(101, 103) && next_to(102, 104), "{order:?}");
}

#[test]
fn calls_references_exports_the_table_and_start_follow_their_functions() {
    let original = module(&interleaved(), None);
    let ordered = for_compression(&original).unwrap();
    let (before, after) = (meaning(&original), meaning(&ordered));
    assert_ne!(before.order, after.order, "the test must move functions");
    assert_eq!(after.refers, before.refers);
    assert_eq!(
        (after.run, after.start, after.table.clone()),
        (103, 101, vec![102, 104])
    );
    assert_eq!(
        (before.run, before.start, before.table),
        (after.run, after.start, after.table)
    );
}

#[test]
fn an_order_that_is_already_best_leaves_the_bytes_as_they_were() {
    let specs = vec![
        Spec {
            marker: 101,
            calls: vec![],
            filler: 1_000_000,
        },
        Spec {
            marker: 102,
            calls: vec![0],
            filler: 1_000_000,
        },
        Spec {
            marker: 103,
            calls: vec![],
            filler: -7_777_777,
        },
        Spec {
            marker: 104,
            calls: vec![],
            filler: -7_777_777,
        },
    ];
    let original = module(&specs, None);
    assert_eq!(for_compression(&original).unwrap(), original);
}

#[test]
fn sections_that_name_functions_by_index_are_refused() {
    for name in ["name", ".debug_info"] {
        let error = for_compression(&module(&interleaved(), Some(name))).unwrap_err();
        assert!(error.to_string().contains(name), "{error}");
    }
    let kept = for_compression(&module(&interleaved(), Some("target_features"))).unwrap();
    assert!(kept.windows(15).any(|window| window == b"target_features"));
}

#[test]
fn jaccard_of_shingles() {
    assert_eq!(jaccard(&[], &[]), 1.0);
    assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
    assert_eq!(
        shingles(&[1, 2, 3, 4, 1, 2, 3, 4]).len(),
        4,
        "four distinct windows of five"
    );
    assert!(shingles(&[1, 2, 3]).is_empty());
}
