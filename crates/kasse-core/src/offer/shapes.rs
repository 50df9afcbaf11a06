//! How [`Text`] and [`ProductSpec`] are read: the same JSON and TOML shapes serde's derive reads
//! for an untagged and an internally tagged enum, read in one pass.
//!
//! The derive reads those two enums by first buffering the value into serde's private `Content`
//! tree and then reading it again per variant. In the widget's wasm that second deserializer is
//! instantiated for every type inside the offer; reading the shapes directly leaves it out.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::{LocalizedTexts, ProductSpec, Text};

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a text, or a map of locale tags to texts")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Text, E> {
        Ok(Text::Plain(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Text, E> {
        Ok(Text::Plain(text))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
        let mut texts = LocalizedTexts::default();
        while let Some((tag, text)) = map.next_entry::<String, String>()? {
            texts.insert(tag, text);
        }
        Ok(Text::Localized(texts))
    }
}

impl<'de> Deserialize<'de> for ProductSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ProductSpec, D::Error> {
        deserializer.deserialize_map(ProductSpecVisitor)
    }
}

struct ProductSpecVisitor;

const KINDS: &[&str] = &["coupon", "product"];

/// Sets `slot` from the map's next value, refusing a key given twice (as the derive does).
fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> Visitor<'de> for ProductSpecVisitor {
    type Value = ProductSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a product spec with a `type` of coupon or product")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ProductSpec, A::Error> {
        let (mut kind, mut code, mut number, mut product) = (None::<String>, None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => once(&mut map, &mut kind, "type")?,
                "code" => once(&mut map, &mut code, "code")?,
                "number" => once(&mut map, &mut number, "number")?,
                "product" => once(&mut map, &mut product, "product")?,
                // Another variant's or an unknown key: ignored, as the derive ignores it.
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        let missing = de::Error::missing_field;
        match kind.as_deref() {
            Some("coupon") => Ok(ProductSpec::Coupon {
                code: code.ok_or_else(|| missing("code"))?,
                number: number.ok_or_else(|| missing("number"))?,
            }),
            Some("product") => Ok(ProductSpec::Product {
                product: product.ok_or_else(|| missing("product"))?,
            }),
            Some(other) => Err(de::Error::unknown_variant(other, KINDS)),
            None => Err(missing("type")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: serde_json::Value) -> Result<Text, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    fn spec(value: serde_json::Value) -> Result<ProductSpec, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn a_text_is_one_string_or_one_per_locale() {
        assert_eq!(text(json!("Digital")), Ok(Text::Plain("Digital".into())));
        let localized = text(json!({"nb": "Måned", "en": "Month"})).unwrap();
        assert_eq!(
            localized,
            Text::Localized([("en", "Month"), ("nb", "Måned")].into_iter().collect())
        );
        // What is written reads back the same.
        let written = serde_json::to_value(&localized).unwrap();
        assert_eq!(text(written), Ok(localized));
        assert!(text(json!(12)).is_err());
        assert!(text(json!({"nb": 1})).is_err());
        assert!(text(json!(["nb"])).is_err());
    }

    #[test]
    fn a_text_reads_from_toml_too() {
        #[derive(serde::Deserialize)]
        struct Catalog {
            plain: Text,
            localized: Text,
        }
        let catalog: Catalog =
            toml::from_str("plain = \"Gave\"\nlocalized = { nb = \"Gave\", sv = \"Gåva\" }").unwrap();
        assert_eq!(catalog.plain, Text::Plain("Gave".into()));
        assert_eq!(catalog.localized.get(crate::Locale::Sv), "Gåva");
    }

    #[test]
    fn a_product_spec_is_tagged_by_its_type() {
        let coupon = ProductSpec::Coupon {
            code: "DIGI1M".into(),
            number: 1001,
        };
        assert_eq!(
            spec(json!({"type": "coupon", "code": "DIGI1M", "number": 1001})),
            Ok(coupon.clone())
        );
        // Key order does not matter, and another variant's key is ignored.
        assert_eq!(
            spec(json!({"number": 1001, "product": "X", "code": "DIGI1M", "type": "coupon"})),
            Ok(coupon.clone())
        );
        assert_eq!(spec(serde_json::to_value(&coupon).unwrap()), Ok(coupon));
        assert_eq!(
            spec(json!({"type": "product", "product": "DIGI"})),
            Ok(ProductSpec::Product { product: "DIGI".into() })
        );
    }

    #[test]
    fn a_product_spec_that_does_not_read_says_why() {
        let error = |value| spec(value).unwrap_err();
        assert!(error(json!({"code": "A", "number": 1})).contains("missing field `type`"));
        assert!(error(json!({"type": "coupon", "code": "A"})).contains("missing field `number`"));
        assert!(error(json!({"type": "product"})).contains("missing field `product`"));
        assert!(error(json!({"type": "gift"})).contains("unknown variant `gift`"));
        let twice = serde_json::from_str::<ProductSpec>(r#"{"type": "coupon", "type": "product"}"#);
        assert!(twice.unwrap_err().to_string().contains("duplicate field `type`"));
        assert!(error(json!({"type": "coupon", "code": "A", "number": "1"})).contains("invalid type"));
        assert!(error(json!("coupon")).contains("invalid type"));
    }
}
