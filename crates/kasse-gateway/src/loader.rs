//! The loader `kasse.js` as the gateway serves it: with each offer's back end written in. The
//! release ships one widget bundle per back end, and the loader must know an offer's back end
//! before it fetches a bundle; read from here, that costs the reader no round trip. Built once at
//! start from the release's loader and the catalog, and revalidated by ETag like the file was.

use std::collections::BTreeMap;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kasse_core::{Backend, Offer};
use sha2::{Digest, Sha256};

/// Where the loader's source leaves the map (`const OFFERS = JSON.parse("{}");`): a string literal,
/// which the release build's minifier keeps as it is, where a `{}` would lose its name.
const SLOT: &str = r#"JSON.parse("{}")"#;

/// The served loader.
#[derive(Clone)]
pub struct Loader {
    body: String,
    etag: HeaderValue,
}

impl Loader {
    /// `source` with each offer's back end written in; `None` when its slot is not there exactly
    /// once (a loader of another build, then served as the file it is).
    pub fn new(source: &str, offers: &BTreeMap<String, Offer>) -> Option<Loader> {
        if source.matches(SLOT).count() != 1 {
            return None;
        }
        let backends: BTreeMap<&str, Backend> = offers.iter().map(|(id, o)| (id.as_str(), o.backend)).collect();
        let json = serde_json::to_string(&backends).expect("ids and back ends are JSON");
        // The JSON as a JS string literal: JSON's string escapes are JavaScript's, so an offer id
        // cannot end the literal or the statement.
        let literal = serde_json::to_string(&json).expect("a string is JSON");
        let body = source.replacen(SLOT, &["JSON.parse(", &literal, ")"].concat(), 1);
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(body.as_bytes())[..8]));
        let etag = HeaderValue::from_str(&etag).expect("hex is a header value");
        Some(Loader { body, etag })
    }

    /// The loader, or 304 when the browser's copy (`If-None-Match`) is this one.
    pub fn serve(&self, request: &HeaderMap) -> Response {
        let cached = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| tags.split(',').any(|t| t.trim() == self.etag || t.trim() == "*"));
        let mut response = if cached {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            self.body.clone().into_response()
        };
        let h = response.headers_mut();
        h.insert(header::ETAG, self.etag.clone());
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        );
        response
    }
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
    fn each_offer_s_back_end_is_written_into_the_slot() {
        let source = "const BUNDLES={};const OFFERS=JSON.parse(\"{}\");f(OFFERS);";
        let loader = Loader::new(
            source,
            &offers(&[("digital", Backend::ConnectId), ("pakke", Backend::S4)]),
        )
        .unwrap();
        assert_eq!(
            loader.body,
            r#"const BUNDLES={};const OFFERS=JSON.parse("{\"digital\":\"connectId\",\"pakke\":\"s4\"}");f(OFFERS);"#
        );
    }

    /// An offer id is the publisher's text: whatever it holds stays inside the string literal.
    #[test]
    fn an_offer_id_cannot_break_out_of_the_literal() {
        let id = "x\");alert(1);(\"\\\n\u{2028}</script>";
        let loader = Loader::new("const OFFERS=JSON.parse(\"{}\");", &offers(&[(id, Backend::S4)])).unwrap();
        let literal = loader
            .body
            .strip_prefix("const OFFERS=JSON.parse(")
            .unwrap()
            .strip_suffix(");")
            .unwrap();
        let json: String = serde_json::from_str(literal).unwrap();
        let map: BTreeMap<String, String> = serde_json::from_str(&json).unwrap();
        assert_eq!(map[id], "s4");
    }

    #[test]
    fn a_loader_without_exactly_one_slot_is_left_alone() {
        assert!(Loader::new("const OFFERS={};", &offers(&[])).is_none());
        assert!(Loader::new("JSON.parse(\"{}\");JSON.parse(\"{}\");", &offers(&[])).is_none());
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
    }
}
