//! The release wasm's functions in the order brotli compresses best that we know how to find.
//!
//! wasm-opt leaves the functions in LLVM's order, roughly crate by crate. Monomorphised code
//! (serde visitors, tachys's views, drop glue, futures) is full of near-twins that this order
//! scatters, and brotli pays for every repeat by its distance and by how well its neighbourhood
//! predicts it. So each function is followed by the most similar one not yet placed: a greedy
//! nearest-neighbour chain from the first function, similarity being the Jaccard index of the
//! two bodies' 4-byte shingles. On the release bundles this took the S4 wasm from 78,079 to
//! 74,969 B brotli and the ConnectID wasm from 90,480 to 86,630 B. Shingles of 2 to 12 bytes
//! other than 4, and similarity by shared count, by the smaller set or by cosine, measured worse
//! (Dice the same); other start functions and looking further back than one function moved it
//! by ±0.3 KB either way; improving the chain's total similarity with 2-opt made it worse;
//! sorting the bodies bytewise saved about half as much.
//!
//! Only the order changes: every function index (calls, `ref.func`, exports, the table's
//! elements, the start function) is renumbered with it, and imports keep their indices. A module
//! whose custom sections refer to functions by index (`name`, DWARF) is refused, as they would
//! go stale; the shipped wasm carries neither.

use anyhow::{bail, Context, Result};
use wasm_encoder::reencode::{self, Reencode};
use wasm_encoder::{CodeSection, FunctionSection, Module};
use wasmparser::{BinaryReader, FunctionBody, Parser, Payload, TypeRef};

/// Bytes per shingle: 4 measured best (see the module's documentation).
const SHINGLE: usize = 4;

/// `wasm` with its functions in compression order. Its behaviour is the same; the result is
/// validated before it is returned.
pub fn for_compression(wasm: &[u8]) -> Result<Vec<u8>> {
    let functions = Functions::read(wasm)?;
    let order = nearest_neighbour_chain(&functions.bodies);
    let mut new_of_old = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old] = u32::try_from(new)?;
    }
    let mut renumber = Renumber {
        functions,
        order,
        new_of_old,
    };
    let mut module = Module::new();
    renumber
        .parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|error| anyhow::anyhow!("reordering the wasm's functions: {error:?}"))?;
    let ordered = module.finish();
    wasmparser::Validator::new()
        .validate_all(&ordered)
        .context("the reordered wasm does not validate")?;
    Ok(ordered)
}

/// What the reorder needs of a module: its imported function count, and each defined function's
/// type and body.
struct Functions {
    imported: u32,
    types: Vec<u32>,
    bodies: Vec<Vec<u8>>,
}

impl Functions {
    fn read(wasm: &[u8]) -> Result<Functions> {
        let mut functions = Functions {
            imported: 0,
            types: Vec::new(),
            bodies: Vec::new(),
        };
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        functions.imported += u32::from(matches!(import?.ty, TypeRef::Func(_)));
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        functions.types.push(ty?);
                    }
                }
                Payload::CodeSectionEntry(body) => functions.bodies.push(body.as_bytes().to_vec()),
                Payload::CustomSection(section) => {
                    let name = section.name();
                    if name == "name" || name.starts_with(".debug") {
                        bail!("the wasm has a `{name}` section, whose function indices would go stale");
                    }
                }
                _ => {}
            }
        }
        if functions.types.len() != functions.bodies.len() {
            bail!(
                "{} function types but {} bodies",
                functions.types.len(),
                functions.bodies.len()
            );
        }
        Ok(functions)
    }
}

/// The bodies' indices, each followed by the most similar one not yet placed, from the first on.
/// Ties go to the one nearest after the current function in the original order, which keeps
/// runs of equally similar functions in LLVM's order.
fn nearest_neighbour_chain(bodies: &[Vec<u8>]) -> Vec<usize> {
    let shingles: Vec<Vec<u64>> = bodies.iter().map(|body| shingles(body)).collect();
    let mut placed = vec![false; bodies.len()];
    let mut order = Vec::with_capacity(bodies.len());
    let mut current = 0;
    while order.len() < bodies.len() {
        placed[current] = true;
        order.push(current);
        let candidates = (current + 1..bodies.len())
            .chain(0..current)
            .filter(|&next| !placed[next]);
        let mut best: Option<(usize, f64)> = None;
        for next in candidates {
            let similarity = jaccard(&shingles[current], &shingles[next]);
            if best.is_none_or(|(_, top)| similarity > top) {
                best = Some((next, similarity));
            }
        }
        match best {
            Some((next, _)) => current = next,
            None => break,
        }
    }
    order
}

/// The distinct 4-byte windows of `body`, hashed (FNV-1a) and sorted.
fn shingles(body: &[u8]) -> Vec<u64> {
    let mut hashes: Vec<u64> = body
        .windows(SHINGLE)
        .map(|window| {
            window.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
            })
        })
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// |a ∩ b| / |a ∪ b| of two sorted sets; two empty sets are alike.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    let union = a.len() + b.len() - shared;
    if union == 0 {
        1.0
    } else {
        shared as f64 / union as f64
    }
}

/// The re-encoder: defined functions written in `order`, every function index renumbered.
struct Renumber {
    functions: Functions,
    order: Vec<usize>,
    new_of_old: Vec<u32>,
}

impl Reencode for Renumber {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, reencode::Error<Self::Error>> {
        let imported = self.functions.imported;
        Ok(match func.checked_sub(imported) {
            Some(defined) => imported + self.new_of_old[defined as usize],
            None => func,
        })
    }

    fn parse_function_section(
        &mut self,
        section: &mut FunctionSection,
        _: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        for &old in &self.order {
            section.function(self.functions.types[old]);
        }
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        section: &mut CodeSection,
        _: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        for position in 0..self.order.len() {
            let body = std::mem::take(&mut self.functions.bodies[self.order[position]]);
            self.parse_function_body(section, FunctionBody::new(BinaryReader::new(&body, 0)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "wasm_order_tests.rs"]
mod tests;
