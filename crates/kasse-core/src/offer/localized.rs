//! [`LocalizedTexts`]: a text per locale tag, as a sorted list.
//!
//! An offer has a handful of locales at most, so a sorted `Vec` does what a `BTreeMap` did
//! (one text per tag, iterated by tag) with a binary search and an insert. The widget reads
//! offers, and the B-tree's node code was about 5 KB of its wasm for maps of two or three entries.

use serde::{Serialize, Serializer};

/// Texts keyed by locale tag (`nb`, `sv`, `en`, …): one per tag, in tag order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalizedTexts(Vec<(String, String)>);

impl LocalizedTexts {
    /// Sets the text for `tag`, replacing an earlier one (as a map's insert does: the last wins).
    pub fn insert(&mut self, tag: String, text: String) {
        match self.0.binary_search_by(|(known, _)| known.as_str().cmp(&tag)) {
            Ok(at) => self.0[at].1 = text,
            Err(at) => self.0.insert(at, (tag, text)),
        }
    }

    /// `(tag, text)` pairs in tag order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(tag, text)| (tag.as_str(), text.as_str()))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for LocalizedTexts {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut texts = LocalizedTexts::default();
        for (tag, text) in pairs {
            texts.insert(tag.into(), text.into());
        }
        texts
    }
}

/// Written as a JSON object (TOML table), the shape it is read from.
impl Serialize for LocalizedTexts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_text_per_tag_in_tag_order_the_last_winning() {
        let texts: LocalizedTexts = [("sv", "Månad"), ("nb", "Mnd"), ("en", "Month"), ("nb", "Måned")]
            .into_iter()
            .collect();
        let pairs: Vec<_> = texts.iter().collect();
        assert_eq!(pairs, [("en", "Month"), ("nb", "Måned"), ("sv", "Månad")]);
        assert_eq!(
            serde_json::to_string(&texts).unwrap(),
            r#"{"en":"Month","nb":"Måned","sv":"Månad"}"#
        );
        assert_eq!(LocalizedTexts::default().iter().count(), 0);
    }
}
