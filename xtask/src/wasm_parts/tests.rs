//! The classifier on names as twiggy prints them for the widget's wasm.

use super::*;

#[test]
fn classifies_by_the_first_crate_in_the_name() {
    for (name, part) in [
        ("kasse_core::validate::is_e164::h1ecdcddd9153e3fc", Part::Core),
        (
            "kasse_widget::app::flow::<impl kasse_widget::app::Checkout>::submit::{{closure}}::h02",
            Part::Widget,
        ),
        (
            "kasse_core::offer::_::<impl serde_core::de::Deserialize for kasse_core::offer::Text>::deserialize::h3",
            Part::Core,
        ),
        (
            "serde_core::de::impls::<impl serde_core::de::Deserialize for core::option::Option<T>>::deserialize::he",
            Part::Serde,
        ),
        (
            "tachys::reactive_graph::<impl tachys::view::Render for F>::build::{{closure}}::h58",
            Part::Leptos,
        ),
        (
            "url::host::Host<alloc::borrow::Cow<str>>::parse_cow::h65ad382f0c08d9b1",
            Part::Url,
        ),
        (
            "core::ptr::drop_in_place<kasse_core::connectid::Party>::ha3a",
            Part::Std,
        ),
        ("core[c5930c85a12de822]::str::slice_error_fail", Part::Std),
        (
            "js_sys::futures::future_to_promise::{{closure}}::{{closure}}::hb03",
            Part::Bindgen,
        ),
        ("gloo_net::http::request::Request::send::{{closure}}::h1", Part::Bindgen),
        (
            "leptos_dom::helpers::closure_once::{{closure}}::h931ee64256acf7b3",
            Part::Leptos,
        ),
        ("zmij::Buffer::format_finite::h8670e593e167982c", Part::Serde),
        ("__rustc[b7974e8690430dd9]::__rdl_realloc", Part::Std),
        (
            "idna::uts46::Uts46::after_punycode_decode::h74830f9f3ab63e16",
            Part::Url,
        ),
        ("some_new_crate::f::h1", Part::Other),
    ] {
        assert_eq!(part_of(name), part, "{name}");
    }
}

#[test]
fn classifies_trait_impls_by_self_type_or_trait() {
    for (name, part) in [
        // The self type's crate…
        ("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_struct::he9", Part::Serde),
        ("<kasse_core::money::Money as serde_core::de::Deserialize>::deserialize::ha03", Part::Core),
        ("<reactive_graph::computed::async_derived::ScopedFuture<Fut> as core::future::future::Future>::poll::h5", Part::Leptos),
        ("<leptos::into_view::View<T> as tachys::view::Render>::rebuild::h3aed3f7343cf29c3", Part::Leptos),
        ("<dlmalloc[e24a27700634d609]::dlmalloc::Dlmalloc<dlmalloc[e24a27700634d609]::sys::System>>::malloc", Part::Std),
        ("<std[a543996e6e7dbf1e]::thread::thread::Thread>::new", Part::Std),
        ("<gloo_net::http::request::Request as core::convert::TryFrom<gloo_net::http::request::RequestBuilder>>::try_from::hc", Part::Bindgen),
        // …the trait's when the self type has no crate (parameter, tuple, primitive, &str)…
        ("<F as tachys::reactive_graph::ReactiveFunction>::invoke::h8b12155f97870d55", Part::Leptos),
        ("<T as tachys::view::any_view::IntoAny>::into_any::rebuild::h3484d11436090c53", Part::Leptos),
        ("<(A,B,C,D,E) as tachys::html::attribute::Attribute>::build::h2b2a1740d1a3cd87", Part::Leptos),
        ("<&str as url::parser::Pattern>::split_prefix::h3ae0243be8520414", Part::Url),
        ("<u64 as itoa::Unsigned>::fmt::h23bcde70d64dc3e8", Part::Serde),
        ("<&T as core::fmt::Debug>::fmt::h2c14afa90cfd753d", Part::Std),
        ("<usize as core[c5930c85a12de822]::str::traits::FromStr>::from_str", Part::Std),
        // …and when a std type implements another crate's trait.
        ("<alloc::vec::Vec<T> as serde_core::de::Deserialize>::deserialize::h1", Part::Serde),
        ("<alloc::string::String as tachys::view::Render>::build::h2", Part::Leptos),
        ("<serde::private::de::content::ContentVisitor as serde_core::de::Visitor>::visit_seq::h3bdc", Part::Serde),
        ("<wasm_bindgen::convert::closures::Closure<dyn core::ops::function::FnMut(web_sys::Event) -> R> as core::ops::drop::Drop>::drop::h1", Part::Bindgen),
    ] {
        assert_eq!(part_of(name), part, "{name}");
    }
}

#[test]
fn classifies_float_code_with_serde() {
    for name in [
        "<f64 as core[c5930c85a12de822]::fmt::Display>::fmt",
        "core[c5930c85a12de822]::num::flt2dec::strategy::dragon::mul_pow10",
        "<core[c5930c85a12de822]::num::bignum::Big32x40>::mul_digits",
        "<core[c5930c85a12de822]::num::dec2flt::decimal_seq::DecimalSeq>::left_shift",
        "core[c5930c85a12de822]::num::dec2flt::lemire::compute_float::<f32>",
    ] {
        assert_eq!(part_of(name), Part::Serde, "{name}");
    }
    // Other primitives' formatting stays std.
    assert_eq!(part_of("<u32 as core[c5930c85a12de822]::fmt::Display>::fmt"), Part::Std);
    assert_eq!(part_of("<u64>::_fmt"), Part::Std);
    assert_eq!(part_of("<char>::escape_debug_ext"), Part::Std);
    assert_eq!(part_of("<[u8]>::starts_with"), Part::Std);
}

#[test]
fn classifies_module_items_and_glue() {
    for (name, part) in [
        ("data segment \".rodata.58\"", Part::Data),
        ("\"function names\" subsection", Part::Names),
        ("\"data names\" subsection", Part::Names),
        ("custom section 'name' headers", Part::Names),
        (
            "import ./kasse_bg.js::__wbg_new_with_byte_offset_and_length_3cd32055a417f095",
            Part::Bindgen,
        ),
        ("export \"mount\"", Part::Bindgen),
        ("__wbindgen_malloc", Part::Bindgen),
        ("__externref_table_alloc", Part::Bindgen),
        ("intounderlyingbytesource_pull externref shim", Part::Bindgen),
        ("mount externref shim multivalue shim", Part::Bindgen),
        ("mounthandle_unmount", Part::Bindgen),
        ("intounderlyingbytesource_autoAllocateChunkSize", Part::Bindgen),
        ("memcmp", Part::Std),
        ("__multi3", Part::Std),
        ("code[2518]", Part::Other),
        ("type[49]: (i32, i32, i32) -> nil", Part::Other),
        ("elem[0]", Part::Other),
        ("custom section 'producers'", Part::Other),
        ("wasm magic bytes", Part::Other),
    ] {
        assert_eq!(part_of(name), part, "{name}");
    }
}

#[test]
fn strips_only_crate_disambiguators() {
    assert_eq!(
        strip_disambiguators("<f64 as core[c5930c85a12de822]::fmt::Display>::fmt"),
        "<f64 as core::fmt::Display>::fmt"
    );
    assert_eq!(strip_disambiguators("<char>::to_digit[1]"), "<char>::to_digit[1]");
    assert_eq!(strip_disambiguators("code[2518]"), "code[2518]");
    // Leading zeros dropped: 14 and 15 digits.
    assert_eq!(
        strip_disambiguators("<leptos[2a5039b2411e46]::View as serde_core[c9569693ca37151]::Serialize>::f"),
        "<leptos::View as serde_core::Serialize>::f"
    );
    assert_eq!(strip_disambiguators("x[ab]"), "x[ab]");
    assert_eq!(strip_disambiguators("<[u8]>::starts_with"), "<[u8]>::starts_with");
}

#[test]
fn sums_items_by_part_without_the_name_section() {
    let items: Vec<(String, u64)> = [
        ("kasse_core[d7eb0583c19d1094]::checkout::validate_form", 300),
        (
            "<kasse_core::money::Money as serde_core::de::Deserialize>::deserialize",
            20,
        ),
        ("tachys::html::element::mount", 50),
        ("data segment \".rodata\"", 7),
        ("\"function names\" subsection", 9000),
    ]
    .into_iter()
    .map(|(name, size)| (name.to_owned(), size))
    .collect();
    let parts = by_part(&items);
    assert_eq!(parts.get(&Part::Core), Some(&320));
    assert_eq!(parts.get(&Part::Leptos), Some(&50));
    assert_eq!(parts.get(&Part::Data), Some(&7));
    assert_eq!(parts.get(&Part::Names), None);
    assert_eq!(parts.values().sum::<u64>(), 377);
}
