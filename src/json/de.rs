//! Parsed JSON (a `JsValue` from `JSON.parse` or `Response.json()`) read into serde types.
//!
//! Every `deserialize_*` is instantiated once per visitor, that is per type read, so the generic
//! methods stay a few lines and the JS inspection lives in non-generic functions.

use js_sys::{Array, Object};
use serde::de::{self, DeserializeSeed, Visitor};
use wasm_bindgen::{JsCast, JsValue};

use super::Error;

/// `Number.MAX_SAFE_INTEGER`: beyond it a JS number no longer holds every integer, so larger
/// ones are not read as integers (nor written, see `ser`).
pub(super) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// One JS value, read as the type asks.
pub(super) struct Deserializer(pub JsValue);

/// What a JSON value is, as serde's self-describing `deserialize_any` reports it (untagged and
/// internally tagged enums and `Money` go through it).
enum Kind {
    Null,
    Bool(bool),
    /// A negative safe integer.
    Int(i64),
    /// A non-negative safe integer: `u64` like serde_json, so `u32` fields read it directly.
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Array),
    /// The object's `[key, value]` pairs.
    Map(Array),
    /// Functions, symbols, bigints: never in JSON.
    Other,
}

fn kind(value: JsValue) -> Kind {
    if value.is_null() || value.is_undefined() {
        Kind::Null
    } else if let Some(b) = value.as_bool() {
        Kind::Bool(b)
    } else if let Some(n) = value.as_f64() {
        number(n)
    } else if let Some(s) = value.as_string() {
        Kind::Str(s)
    } else {
        match entries(value) {
            Ok(pairs) => Kind::Map(pairs),
            Err(value) if Array::is_array(&value) => Kind::Seq(value.unchecked_into()),
            Err(_) => Kind::Other,
        }
    }
}

/// An integer when the number is one that JS holds exactly, else a float.
fn number(n: f64) -> Kind {
    // NaN fails the comparison and the infinities the bound.
    if n.trunc() == n && n.abs() <= MAX_SAFE_INTEGER {
        if n < 0.0 {
            Kind::Int(n as i64)
        } else {
            Kind::Uint(n as u64)
        }
    } else {
        Kind::Float(n)
    }
}

/// A plain object's `[key, value]` pairs; anything else (arrays too) back unchanged.
fn entries(value: JsValue) -> Result<Array, JsValue> {
    if value.is_object() && !Array::is_array(&value) {
        Ok(Object::entries(value.unchecked_ref()))
    } else {
        Err(value)
    }
}

impl<'de> de::Deserializer<'de> for Deserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match kind(self.0) {
            Kind::Null => visitor.visit_unit(),
            Kind::Bool(b) => visitor.visit_bool(b),
            Kind::Int(i) => visitor.visit_i64(i),
            Kind::Uint(u) => visitor.visit_u64(u),
            Kind::Float(f) => visitor.visit_f64(f),
            Kind::Str(s) => visitor.visit_string(s),
            Kind::Seq(items) => visitor.visit_seq(Items::new(items)),
            Kind::Map(pairs) => visitor.visit_map(Pairs::new(pairs)),
            Kind::Other => Err(Error),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_bool(self.0.as_bool().ok_or(Error)?)
    }

    /// Every integer type: a safe integer or nothing (a fraction, a string, 2^53 and beyond are
    /// refused); the visitor checks its own range.
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.as_f64().map(number) {
            Some(Kind::Int(i)) => visitor.visit_i64(i),
            Some(Kind::Uint(u)) => visitor.visit_u64(u),
            _ => Err(Error),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f64(self.0.as_f64().ok_or(Error)?)
    }

    /// Strings, field and variant names, and `char` (its visitor takes a one-character string).
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.0.as_string().ok_or(Error)?)
    }

    /// `null` and `undefined` (a missing key) are `None`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_unit()
        } else {
            Err(Error)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.dyn_into::<Array>() {
            Ok(items) => visitor.visit_seq(Items::new(items)),
            Err(_) => Err(Error),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    /// Maps and structs: every key of the object goes to the visitor, so `deny_unknown_fields`
    /// refuses a key the type does not know.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(Pairs::new(entries(self.0).map_err(|_| Error)?))
    }

    /// Only the object form: a struct is never read from an array (serde would instantiate every
    /// struct's sequence visitor for that).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// Externally tagged, as serde_json writes them: `"Variant"` or `{"Variant": payload}`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(variant(self.0).ok_or(Error)?)
    }

    /// An unknown field's value: skipped without looking at it.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
}

/// The elements of an array, in order.
struct Items {
    items: Array,
    next: u32,
    len: u32,
}

impl Items {
    fn new(items: Array) -> Items {
        let len = items.length();
        Items { items, next: 0, len }
    }

    /// The next `[key, value]` pair's key, its value left in `value`.
    fn next_pair(&mut self, value: &mut JsValue) -> Option<JsValue> {
        if self.next == self.len {
            return None;
        }
        let pair: Array = self.items.get(self.next).unchecked_into();
        self.next += 1;
        *value = pair.get(1);
        Some(pair.get(0))
    }
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        if self.next == self.len {
            return Ok(None);
        }
        self.next += 1;
        seed.deserialize(Deserializer(self.items.get(self.next - 1))).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.len - self.next) as usize)
    }
}

/// An object's `[key, value]` pairs, in the object's order.
struct Pairs {
    pairs: Items,
    value: JsValue,
}

impl Pairs {
    fn new(pairs: Array) -> Pairs {
        Pairs {
            pairs: Items::new(pairs),
            value: JsValue::UNDEFINED,
        }
    }
}

impl<'de> de::MapAccess<'de> for Pairs {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some(key) = self.pairs.next_pair(&mut self.value) else {
            return Ok(None);
        };
        seed.deserialize(Deserializer(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(Deserializer(std::mem::replace(&mut self.value, JsValue::UNDEFINED)))
    }

    fn size_hint(&self) -> Option<usize> {
        de::SeqAccess::size_hint(&self.pairs)
    }
}

/// An enum value's variant name and payload (`undefined` for a bare name).
fn variant(value: JsValue) -> Option<Variant> {
    if value.is_string() {
        return Some(Variant {
            name: value,
            payload: JsValue::UNDEFINED,
        });
    }
    let mut pairs = Items::new(entries(value).ok()?);
    let mut payload = JsValue::UNDEFINED;
    let name = pairs.next_pair(&mut payload)?;
    (pairs.len == 1).then_some(Variant { name, payload })
}

struct Variant {
    name: JsValue,
    payload: JsValue,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = Deserializer;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Deserializer), Error> {
        Ok((seed.deserialize(Deserializer(self.name))?, Deserializer(self.payload)))
    }
}

impl<'de> de::VariantAccess<'de> for Deserializer {
    type Error = Error;

    /// `"Variant"`, or `{"Variant": null}` as serde_json also reads.
    fn unit_variant(self) -> Result<(), Error> {
        de::Deserializer::deserialize_unit(self, serde::de::IgnoredAny).map(drop)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
