//! Normalising identifiers that come from page markup or `track()` calls.

use crate::limits::MAX_ID_BYTES;

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
    Some(trimmed[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
