//! Integers as decimal text, and the texts built from them, without `core::fmt`.
//!
//! `format!` and `to_string` go through core's formatting machinery (`fmt::write`, the
//! `Formatter` with its padding, a `Display` per type, an `Arguments` table per call): about 5 KB
//! of the widget's wasm with the call sites. What kasse-core builds for the widget is plain
//! concatenation instead, with numbers from itoa.

/// `n` in decimal (`-42`). One integer type for every caller: itoa's code is per type.
pub fn decimal(n: i64) -> String {
    itoa::Buffer::new().format(n).to_owned()
}

/// Appends `n` in decimal to `out`.
pub fn push_decimal(out: &mut String, n: i64) {
    out.push_str(itoa::Buffer::new().format(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_display_writes() {
        for n in [0i64, 7, -7, 10, 1_990, i64::MAX, i64::MIN] {
            assert_eq!(decimal(n), n.to_string());
        }
        let mut out = String::from("orderLines[");
        push_decimal(&mut out, 12);
        assert_eq!(out, "orderLines[12");
    }
}
