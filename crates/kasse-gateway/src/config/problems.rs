//! Configuration problems, gathered rather than thrown: the operator sees every missing or bad
//! key at once.

use url::Url;

use super::Secret;

/// Reads a secret by environment variable name.
pub(super) type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Every problem found so far, as `key: what is wrong` lines.
#[derive(Default)]
pub(super) struct Problems(pub(super) Vec<String>);

impl Problems {
    pub(super) fn push(&mut self, p: String) {
        self.0.push(p);
    }

    pub(super) fn required<'a>(&mut self, key: &str, value: &'a Option<String>) -> Option<&'a str> {
        match value.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Some(v),
            _ => {
                self.push(format!("{key}: missing"));
                None
            }
        }
    }

    pub(super) fn url(&mut self, key: &str, value: &Option<String>) -> Option<Url> {
        let text = self.required(key, value)?;
        match Url::parse(text) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Some(u),
            _ => {
                self.push(format!("{key}: `{text}` is not an absolute http(s) URL"));
                None
            }
        }
    }

    pub(super) fn secret(&mut self, key: &str, var: &Option<String>, env: Env<'_>) -> Option<Secret> {
        let name = self.required(key, var)?;
        match env(name) {
            Some(v) if !v.is_empty() => Some(Secret::new(v)),
            _ => {
                self.push(format!("{key}: environment variable `{name}` is not set"));
                None
            }
        }
    }
}
