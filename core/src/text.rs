//! Normalising identifiers that come from page markup or `track()` calls.

use crate::limits::MAX_ID_BYTES;

/// Where `needle` first occurs in `haystack`, byte for byte. A plain window scan: the needles
/// reshelf looks for are a few ASCII bytes, and `str::find` or `str::contains` with a string
/// pattern link the two-way string searcher into the SDK's capture module.
pub fn find_bytes(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        // As `str::find` answers; `windows(0)` would panic.
        return Some(0);
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// Appends `n` in base `radix` (2 to 16, lowercase digits) with at least `width` digits,
/// zero-padded. Here rather than `to_string()` or `format!`, which link `core::fmt` (its
/// writer, padding and integer formatting) into the SDK's capture module.
fn push_digits(out: &mut String, mut n: u64, radix: u64, width: usize) {
    let mut digits = [0u8; 64];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b"0123456789abcdef"[(n % radix) as usize];
        n /= radix;
        if n == 0 {
            break;
        }
    }
    for _ in digits.len() - at..width {
        out.push('0');
    }
    for &d in digits.iter().skip(at) {
        out.push(char::from(d));
    }
}

/// Appends `n` in decimal, as `{n}` formats it (see [`push_digits`] for why not `format!`).
pub fn push_decimal(out: &mut String, n: u64) {
    push_digits(out, n, 10, 1);
}

/// `n` in decimal (see [`push_decimal`]).
pub fn decimal(n: u64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

/// Appends `n` in lowercase hexadecimal with at least `width` digits, zero-padded, as
/// `{n:0width$x}` formats it (see [`push_digits`] for why not `format!`).
pub fn push_hex(out: &mut String, n: u64, width: usize) {
    push_digits(out, n, 16, width);
}

/// `n` in lowercase hexadecimal with at least `width` digits (see [`push_hex`]).
pub fn hex(n: u64, width: usize) -> String {
    let mut out = String::new();
    push_hex(&mut out, n, width);
    out
}

/// Trims whitespace and cuts to [`MAX_ID_BYTES`] on a character boundary. `None` for empty.
pub fn clean_id(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    let mut end = trimmed.len().min(MAX_ID_BYTES);
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    // `get`, not `[..end]`: `end` is a boundary, and indexing would link the str slicing
    // panic (with its `char` formatting) into the capture module.
    Some(trimmed.get(..end).unwrap_or_default().to_string())
}

/// Digits of a price that are read: up to 15 they form an exactly representable integer, so
/// one division by a power of ten rounds correctly (Clinger's fast path).
const PRICE_DIGITS: usize = 15;

/// A price as written in markup: `digits[.digits]` (trimmed), e.g. `59.90`, `.5` or
/// `19.990000000000002`; `None` for anything else (signs, exponents, `NaN`, grouping commas,
/// currency symbols, more than [`PRICE_DIGITS`] digits before the point).
///
/// Parsed here rather than by `str::parse::<f64>` because that links a general float parser
/// and its power-of-five table into the SDK's capture module. Leading zeros are skipped; of
/// the digits after the point, those past the 15th digit read are dropped (a change below
/// 10⁻¹⁴ of the price). Up to 15 digits, the result is the standard parser's.
pub fn parse_price(raw: &str) -> Option<f64> {
    let s = raw.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.len() + frac.len() == 0 || !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int = int.trim_start_matches('0');
    if int.len() > PRICE_DIGITS {
        return None;
    }
    // Bytes, not a str slice: the digits are ASCII (checked above).
    let frac = &frac.as_bytes()[..frac.len().min(PRICE_DIGITS - int.len())];
    let mantissa = int
        .bytes()
        .chain(frac.iter().copied())
        .fold(0u64, |m, b| m * 10 + u64::from(b - b'0'));
    Some(mantissa as f64 / 10f64.powi(frac.len() as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_bytes_answers_as_str_find() {
        for (h, n) in [
            ("https://a.b/c://", "://"),
            ("abc", "abcd"),
            ("abc", ""),
            ("", "a"),
            ("aab", "ab"),
        ] {
            assert_eq!(find_bytes(h, n), h.find(n), "{h:?} {n:?}");
        }
    }

    #[test]
    fn prices_are_plain_decimals() {
        assert_eq!(parse_price("59.90"), Some(59.9));
        assert_eq!(parse_price(" 7 "), Some(7.0));
        assert_eq!(parse_price(".5"), Some(0.5));
        assert_eq!(parse_price("5."), Some(5.0));
        for bad in [
            "$59", "59,00", "NaN", "inf", "-3", "", ".", "1e3", "1.2.3", "+4",
        ] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
        assert_eq!(parse_price("1234567890.12345"), Some(1234567890.12345));
        assert_eq!(parse_price("000059.90"), Some(59.9));
        // What templating leaves of a float sum: close enough to the price it shows.
        for (raw, price) in [("19.990000000000002", 19.99), ("53.910000000000004", 53.91)] {
            let got = parse_price(raw).unwrap();
            assert!((got - price).abs() < 1e-12, "{raw}: {got}");
        }
        assert_eq!(
            parse_price("1234567890123456"),
            None,
            "16 digits before the point"
        );
    }

    proptest::proptest! {
        /// The same text as `format!` for every number and width.
        #[test]
        fn numbers_match_format(n in proptest::num::u64::ANY, width in 0usize..20) {
            proptest::prop_assert_eq!(decimal(n), format!("{n}"));
            proptest::prop_assert_eq!(hex(n, width), format!("{n:0width$x}"));
        }
    }

    #[test]
    fn numbers_at_their_edges() {
        assert_eq!(decimal(0), "0");
        assert_eq!(decimal(u64::MAX), "18446744073709551615");
        assert_eq!(hex(0, 0), "0");
        assert_eq!(hex(0, 8), "00000000");
        assert_eq!(hex(0xdead_beef, 2), "deadbeef");
        assert_eq!(hex(u64::MAX, 0), "ffffffffffffffff");
    }

    proptest::proptest! {
        /// The same `f64` as the standard library's parser for every accepted string.
        #[test]
        fn prices_match_the_standard_parser(int in "[0-9]{0,8}", frac in proptest::option::of("[0-9]{0,7}")) {
            let s = match &frac { Some(f) => format!("{int}.{f}"), None => int.clone() };
            if s != "." && !s.is_empty() {
                proptest::prop_assert_eq!(parse_price(&s), s.parse::<f64>().ok());
            }
        }
    }

    #[test]
    fn trims_and_cuts_on_char_boundary() {
        assert_eq!(clean_id("  sku-1 "), Some("sku-1".into()));
        assert_eq!(clean_id("   "), None);
        let long = "é".repeat(100);
        let cut = clean_id(&long).unwrap();
        assert!(cut.len() <= MAX_ID_BYTES);
        assert!(cut.chars().all(|c| c == 'é'));
    }
}
