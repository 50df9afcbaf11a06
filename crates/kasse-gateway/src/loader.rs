//! The loader `kasse.js` as the gateway serves it: with each offer's back end written in. The
//! release ships one widget bundle per back end, and the loader must know an offer's back end
//! before it fetches a bundle; read from here, that costs the reader no round trip. Built once at
//! start from the release's loader and the catalog, and revalidated by ETag like the file was.
//!
//! The loader is public, and the catalog may hold offers a publisher does not advertise, so it
//! carries no offer id: the ids are hashed into buckets and each bucket names one back end
//! ([`BackendTable`]). Every id, in the catalog or not, falls in some bucket, so the table cannot
//! tell whether an id exists; it only tells which back end such an offer would be sold through.

use std::collections::BTreeMap;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::{Backend, Offer};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Where the loader's source leaves the table (`const BACKENDS = JSON.parse("{}");`): a string
/// literal, which the release build's minifier keeps as it is, where a `{}` would lose its name.
const SLOT: &str = r#"JSON.parse("{}")"#;

/// The served loader: its text, the same compressed with brotli at quality 11 (once, here,
/// as the release build precompresses the bundle), and the validator of each.
#[derive(Clone)]
pub struct Loader {
    body: String,
    brotli: Vec<u8>,
    etag: HeaderValue,
    brotli_etag: HeaderValue,
}

impl Loader {
    /// `source` with the catalog's [`BackendTable`] written in; `None` when its slot is not there
    /// exactly once (a loader of another build, then served as the file it is).
    pub fn new(source: &str, offers: &BTreeMap<String, Offer>) -> Option<Loader> {
        if source.matches(SLOT).count() != 1 {
            return None;
        }
        let ids = offers.iter().map(|(id, o)| (id.as_str(), o.backend));
        let table = BackendTable::new(ids.collect());
        let json = serde_json::to_string(&table).expect("a table is JSON");
        // The JSON as a JS string literal: JSON's string escapes are JavaScript's.
        let literal = serde_json::to_string(&json).expect("a string is JSON");
        let body = source.replacen(SLOT, &["JSON.parse(", &literal, ")"].concat(), 1);
        let hash = hex::encode(&Sha256::digest(body.as_bytes())[..8]);
        // A strong validator per representation: the compressed bytes are not the text's.
        let etag = HeaderValue::from_str(&["\"", &hash, "\""].concat()).expect("hex is a header value");
        let brotli_etag = HeaderValue::from_str(&["\"", &hash, "-br\""].concat()).expect("hex is a header value");
        let mut brotli = Vec::new();
        brotli::BrotliCompress(&mut body.as_bytes(), &mut brotli, &Default::default()).expect("in memory");
        Some(Loader {
            body,
            brotli,
            etag,
            brotli_etag,
        })
    }

    /// The loader (brotli-compressed when the browser takes it), or 304 when the browser's copy
    /// (`If-None-Match`) is this one.
    pub fn serve(&self, request: &HeaderMap) -> Response {
        let brotli = accepts_brotli(request);
        let etag = if brotli { &self.brotli_etag } else { &self.etag };
        let cached = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
        let mut response = match (cached, brotli) {
            (true, _) => StatusCode::NOT_MODIFIED.into_response(),
            (false, true) => self.brotli.clone().into_response(),
            (false, false) => self.body.clone().into_response(),
        };
        let h = response.headers_mut();
        if brotli {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        }
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        h.insert(header::ETAG, etag.clone());
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        );
        response
    }
}

/// Whether `Accept-Encoding` takes brotli (`br`, not at `q=0`).
fn accepts_brotli(request: &HeaderMap) -> bool {
    let accepted = request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok());
    accepted.flat_map(|v| v.split(',')).any(|coding| {
        let mut parts = coding.split(';').map(str::trim);
        parts.next() == Some("br") && parts.all(|p| !matches!(p, "q=0" | "q=0.0" | "q=0.00" | "q=0.000"))
    })
}

/// Each offer's back end without its id: an id's bucket is `fnv1a(seed, id) % buckets`, and the
/// bucket's bit in `mask` (hex, four buckets a digit, lowest bit first) picks `other` over
/// `default`. The loader computes the same (`backendOf` in loader/kasse.js). Buckets and seed
/// are the first found that put no two offers of different back ends in one bucket.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct BackendTable {
    #[serde(rename = "d", skip_serializing_if = "Option::is_none")]
    default: Option<Backend>,
    #[serde(rename = "o", skip_serializing_if = "Option::is_none")]
    other: Option<Backend>,
    #[serde(rename = "s")]
    seed: u32,
    #[serde(rename = "m")]
    mask: String,
}

/// Bucket counts tried, smallest first (a multiple of four: the mask's hex digits), and seeds per
/// count. A mixed catalog of a few dozen offers separates at the first or second count.
const BUCKET_COUNTS: [u32; 6] = [16, 64, 256, 1024, 4096, 16384];
const SEEDS: u32 = 4096;

impl BackendTable {
    /// The table for `offers` (id, back end). The more common back end is the default; with
    /// one back end (or none) the mask is empty. No separating seed within the bounds leaves
    /// the default alone and the mask empty, and the loader corrects a wrong guess from the
    /// offer's own answer.
    pub fn new(offers: Vec<(&str, Backend)>) -> BackendTable {
        let connect_id = offers.iter().filter(|(_, b)| *b == Backend::ConnectId).count();
        let (default, other) = if connect_id * 2 >= offers.len() {
            (Backend::ConnectId, Backend::S4)
        } else {
            (Backend::S4, Backend::ConnectId)
        };
        let mut table = BackendTable {
            default: (!offers.is_empty()).then_some(default),
            other: None,
            seed: 0,
            mask: String::new(),
        };
        let (others, defaults): (Vec<_>, Vec<_>) = offers.iter().partition(|(_, b)| *b == other);
        if others.is_empty() {
            return table;
        }
        for buckets in BUCKET_COUNTS {
            for seed in 0..SEEDS {
                let bucket = |(id, _): &&(&str, Backend)| bucket_of(seed, id, buckets);
                let taken: std::collections::HashSet<u32> = others.iter().map(bucket).collect();
                if defaults.iter().map(bucket).any(|b| taken.contains(&b)) {
                    continue;
                }
                table.other = Some(other);
                table.seed = seed;
                table.mask = mask(&taken, buckets);
                return table;
            }
        }
        table
    }

    /// The back end the table gives `id`.
    pub fn backend_of(&self, id: &str) -> Option<Backend> {
        let default = self.default?;
        let buckets = self.mask.len() as u32 * 4;
        if buckets == 0 {
            return Some(default);
        }
        let bucket = bucket_of(self.seed, id, buckets);
        let digit = self.mask.as_bytes()[(bucket / 4) as usize];
        let bits = (digit as char).to_digit(16).expect("the mask is hex");
        Some(if bits >> (bucket % 4) & 1 == 1 {
            self.other?
        } else {
            default
        })
    }
}

/// FNV-1a (32 bits) of `id`'s UTF-8 bytes, its start mixed with `seed`, into `buckets`.
fn bucket_of(seed: u32, id: &str, buckets: u32) -> u32 {
    let hash = id.bytes().fold(0x811c_9dc5 ^ seed, |h, byte| {
        (h ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash % buckets
}

/// The buckets `taken` as hex digits, four buckets a digit, lowest bit first.
fn mask(taken: &std::collections::HashSet<u32>, buckets: u32) -> String {
    (0..buckets / 4)
        .map(|digit| {
            let bits = (0..4)
                .filter(|bit| taken.contains(&(digit * 4 + bit)))
                .fold(0, |acc, bit| acc | 1 << bit);
            char::from_digit(bits, 16).expect("four bits are a hex digit")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offers(entries: &[(&str, Backend)]) -> BTreeMap<String, Offer> {
        let base: Offer = toml::from_str(
            "id = \"x\"\nbackend = \"connectId\"\ntitle = \"Digital\"\nprice = 10\ncurrency = \"NOK\"\nperiod = { unit = \"month\" }",
        )
        .unwrap();
        entries
            .iter()
            .map(|(id, backend)| {
                let offer = Offer {
                    id: (*id).to_owned(),
                    backend: *backend,
                    ..base.clone()
                };
                ((*id).to_owned(), offer)
            })
            .collect()
    }

    #[test]
    fn every_catalog_offer_gets_its_back_end_and_no_id_is_written() {
        let catalog = offers(&[
            ("digital-month", Backend::ConnectId),
            ("invoice-year", Backend::ConnectId),
            ("gift-3m", Backend::ConnectId),
            ("winback-half-price", Backend::S4),
            ("s4-avis-velg", Backend::S4),
        ]);
        let source = "const BUNDLES={};const BACKENDS=JSON.parse(\"{}\");f(BACKENDS);";
        let loader = Loader::new(source, &catalog).unwrap();
        for (id, offer) in &catalog {
            assert!(!loader.body.contains(id.as_str()), "{id} is not in the served loader");
            let table = BackendTable::new(catalog.iter().map(|(id, o)| (id.as_str(), o.backend)).collect());
            assert_eq!(table.backend_of(id), Some(offer.backend), "{id}");
        }
        assert!(
            loader
                .body
                .contains(r#"JSON.parse("{\"d\":\"connectId\",\"o\":\"s4\",\"s\":"#),
            "{}",
            loader.body
        );
    }

    /// Larger mixed catalogs separate too, whichever back end is the more common.
    #[test]
    fn mixed_catalogs_separate() {
        for (connect_id, s4) in [(1, 1), (40, 3), (3, 40), (60, 60)] {
            let mut entries = Vec::new();
            let ids: Vec<String> = (0..connect_id + s4).map(|i| format!("offer-{i}")).collect();
            for (i, id) in ids.iter().enumerate() {
                entries.push((
                    id.as_str(),
                    if i < connect_id {
                        Backend::ConnectId
                    } else {
                        Backend::S4
                    },
                ));
            }
            let table = BackendTable::new(entries.clone());
            assert!(!table.mask.is_empty(), "{connect_id}+{s4} separated");
            for (id, backend) in entries {
                assert_eq!(table.backend_of(id), Some(backend), "{id} of {connect_id}+{s4}");
            }
        }
    }

    #[test]
    fn a_one_back_end_catalog_needs_no_mask() {
        let table = BackendTable::new(vec![("a", Backend::S4), ("b", Backend::S4)]);
        assert_eq!(serde_json::to_string(&table).unwrap(), r#"{"d":"s4","s":0,"m":""}"#);
        assert_eq!(table.backend_of("anything"), Some(Backend::S4));
        let empty = BackendTable::new(Vec::new());
        assert_eq!(serde_json::to_string(&empty).unwrap(), r#"{"s":0,"m":""}"#);
        assert_eq!(empty.backend_of("a"), None);
    }

    /// The loader hashes as this module does (the same FNV-1a over UTF-8): fixed values for both.
    #[test]
    fn the_hash_is_fnv_1a_over_utf_8() {
        assert_eq!(bucket_of(0, "", u32::MAX), 0x811c_9dc5);
        assert_eq!(bucket_of(0, "a", 1 << 31), 0xe40c_292c % (1 << 31));
        assert_eq!(bucket_of(0, "digital-month", 16384), 0xbb9b_4494 % 16384);
        assert_eq!(bucket_of(0, "ø€", u32::MAX), 0x1c10_7e8a);
        assert_ne!(
            bucket_of(1, "digital-month", 16384),
            bucket_of(0, "digital-month", 16384)
        );
    }

    #[test]
    fn a_loader_without_exactly_one_slot_is_left_alone() {
        assert!(Loader::new("const OFFERS={};", &offers(&[])).is_none());
        assert!(Loader::new("JSON.parse(\"{}\");JSON.parse(\"{}\");", &offers(&[])).is_none());
    }

    #[test]
    fn brotli_when_accepted_and_each_encoding_its_own_validator() {
        let loader = Loader::new("const BACKENDS = JSON.parse(\"{}\");", &offers(&[("a", Backend::S4)])).unwrap();
        let mut asked = HeaderMap::new();
        asked.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br, zstd"),
        );
        let compressed = loader.serve(&asked);
        assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(compressed.headers()[header::VARY], "accept-encoding");
        let mut text = Vec::new();
        brotli::BrotliDecompress(&mut loader.brotli.as_slice(), &mut text).unwrap();
        assert_eq!(text, loader.body.as_bytes());
        let plain = loader.serve(&HeaderMap::new());
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_ne!(plain.headers()[header::ETAG], compressed.headers()[header::ETAG]);
        for refused in ["gzip", "br;q=0", "br; q=0, gzip", "brotli"] {
            asked.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(refused));
            assert!(!accepts_brotli(&asked), "{refused}");
        }
    }

    #[test]
    fn the_etag_revalidates() {
        let loader = Loader::new("JSON.parse(\"{}\")", &offers(&[("a", Backend::S4)])).unwrap();
        let fresh = loader.serve(&HeaderMap::new());
        assert_eq!(fresh.status(), StatusCode::OK);
        let etag = fresh.headers()[header::ETAG].clone();
        let mut asked = HeaderMap::new();
        asked.insert(header::IF_NONE_MATCH, etag.clone());
        assert_eq!(loader.serve(&asked).status(), StatusCode::NOT_MODIFIED);
        // Another catalog is another loader.
        let other = Loader::new("JSON.parse(\"{}\")", &offers(&[("a", Backend::ConnectId)])).unwrap();
        assert_eq!(other.serve(&asked).status(), StatusCode::OK);
    }

    /// The source the release minifies has the slot once (the built loader is checked by xtask).
    #[test]
    fn the_loader_source_has_the_slot() {
        let source = include_str!("../../../loader/kasse.js");
        assert!(Loader::new(source, &offers(&[])).is_some());
        assert!(source.contains(&["const BACKENDS = ", SLOT, ";"].concat()));
    }
}
