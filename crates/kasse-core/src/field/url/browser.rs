//! [`super::WebUrl`] in the browser: its own `URL` and `URLSearchParams`.

use wasm_bindgen::JsCast;

#[derive(Clone, Debug)]
pub(super) struct Inner {
    url: web_sys::Url,
    // Read once: the accessors hand out `&str`.
    href: String,
    scheme: String,
    host: String,
}

impl Inner {
    pub(super) fn parse(s: &str) -> Option<Inner> {
        let url = web_sys::Url::new(s).ok()?;
        let protocol = url.protocol();
        Some(Inner {
            href: url.href(),
            scheme: protocol.strip_suffix(':').unwrap_or(&protocol).to_owned(),
            host: url.hostname(),
            url,
        })
    }

    pub(super) fn href(&self) -> &str {
        &self.href
    }

    pub(super) fn scheme(&self) -> &str {
        &self.scheme
    }

    pub(super) fn host(&self) -> &str {
        &self.host
    }

    pub(super) fn port(&self) -> Option<u16> {
        // Empty when the URL names none, or names its scheme's default.
        self.url.port().parse().ok()
    }

    pub(super) fn has_userinfo(&self) -> bool {
        !self.url.username().is_empty() || !self.url.password().is_empty()
    }

    pub(super) fn has_query_or_fragment(&self) -> bool {
        // `search` and `hash` are empty for a bare `?` or `#`, so read the serialization: both
        // characters are percent-encoded everywhere before the query.
        self.href.contains(['?', '#'])
    }

    pub(super) fn origin(&self) -> String {
        self.url.origin()
    }

    pub(super) fn with_query_pairs(&self, pairs: &[(&str, &str)]) -> String {
        let url = web_sys::Url::new(&self.href).expect("a URL's own serialization parses");
        let params = url.search_params();
        for (k, v) in pairs {
            params.append(k, v);
        }
        url.href()
    }
}

pub(super) fn encode_component(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

pub(super) fn form_pairs(query: &str) -> Vec<(String, String)> {
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(query) else {
        return Vec::new();
    };
    let Ok(Some(entries)) = js_sys::try_iter(&params) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pair = entry.dyn_into::<js_sys::Array>().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}
