//! [`super::WebUrl`] natively: the `url` crate, a WHATWG parser like the browser's.

#[derive(Clone, Debug)]
pub(super) struct Inner(url::Url);

impl Inner {
    pub(super) fn parse(s: &str) -> Option<Inner> {
        url::Url::parse(s).ok().map(Inner)
    }

    pub(super) fn href(&self) -> &str {
        self.0.as_str()
    }

    pub(super) fn scheme(&self) -> &str {
        self.0.scheme()
    }

    pub(super) fn host(&self) -> &str {
        self.0.host_str().unwrap_or("")
    }

    pub(super) fn port(&self) -> Option<u16> {
        self.0.port()
    }

    pub(super) fn has_userinfo(&self) -> bool {
        !self.0.username().is_empty() || self.0.password().is_some()
    }

    pub(super) fn has_query_or_fragment(&self) -> bool {
        self.0.query().is_some() || self.0.fragment().is_some()
    }

    pub(super) fn origin(&self) -> String {
        self.0.origin().ascii_serialization()
    }

    pub(super) fn with_query_pairs(&self, pairs: &[(&str, &str)]) -> String {
        let mut u = self.0.clone();
        u.query_pairs_mut().extend_pairs(pairs);
        u.into()
    }
}

pub(super) fn form_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// What `encodeURIComponent` leaves as it is: ASCII letters, digits and `-_.!~*'()`.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

pub(super) fn encode_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}
