//! The macros the locale tables are written with: `texts!`, and the back ends' and the preview's
//! own texts, which a build without them leaves empty.

// A text only one back end shows (`connectid!("…")`, `s4!("…")`) is empty in a build without that
// back end (a widget bundle of the other), which never shows it: its place in the string stays.
#[cfg(feature = "connectid")]
macro_rules! connectid {
    ($text:literal) => {
        $text
    };
}
#[cfg(not(feature = "connectid"))]
macro_rules! connectid {
    ($text:literal) => {
        ""
    };
}
#[cfg(feature = "s4")]
macro_rules! s4 {
    ($text:literal) => {
        $text
    };
}
#[cfg(not(feature = "s4"))]
macro_rules! s4 {
    ($text:literal) => {
        ""
    };
}

// A text only the gateway's preview shows (the loader's, around the widget) is empty in a build
// without `preview` (the widget's bundles), which never shows it.
#[cfg(feature = "preview")]
macro_rules! preview {
    ($text:literal) => {
        $text
    };
}
#[cfg(not(feature = "preview"))]
macro_rules! preview {
    ($text:literal) => {
        ""
    };
}

/// A locale's texts: `texts! { FirstName => "Fornavn", … }` lists every [`MessageKey`] in its
/// order, which the compiler checks, and keeps them as one string with a NUL after each. A
/// `match` from key to `&str` compiles to a table of pointers and lengths, 8 bytes per text
/// (3 KB for five locales in the widget), which compresses far worse than the texts.
macro_rules! texts {
    ($($key:ident => $text:expr,)*) => {
        const ORDER: &[super::MessageKey] = &[$($key),*];
        const _: () = assert!(super::in_key_order(ORDER), "texts missing or out of MessageKey order");
        const TEXTS: &str = concat!($($text, "\0"),*);

        /// The text of `key`.
        pub(super) fn text(key: super::MessageKey) -> &'static str {
            super::nth_text(TEXTS, key)
        }
    };
}
