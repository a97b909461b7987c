//! Page types from `data-reshelf-page` and the three kinds the intent model's training data
//! counts (administrative, informational, product-related).

use serde::{Deserialize, Serialize};

/// The value of `<body data-reshelf-page>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageType {
    Home,
    Category,
    Product,
    Info,
    Account,
    Cart,
    Checkout,
    /// Missing or unrecognised attribute: still counted, never guessed.
    Unmarked,
}

/// The three page kinds of the training data, plus pages the store did not mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Administrative,
    Informational,
    ProductRelated,
    Unmarked,
}

impl PageType {
    /// Parses the attribute value; anything unknown (or absent) is `Unmarked`.
    pub fn parse(raw: Option<&str>) -> Self {
        match raw.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            Some("home") => PageType::Home,
            Some("category") => PageType::Category,
            Some("product") => PageType::Product,
            Some("info") => PageType::Info,
            Some("account") => PageType::Account,
            Some("cart") => PageType::Cart,
            Some("checkout") => PageType::Checkout,
            _ => PageType::Unmarked,
        }
    }

    /// The attribute value naming this type (`unmarked` for [`PageType::Unmarked`]): its
    /// serde name too.
    pub fn name(self) -> &'static str {
        match self {
            PageType::Home => "home",
            PageType::Category => "category",
            PageType::Product => "product",
            PageType::Info => "info",
            PageType::Account => "account",
            PageType::Cart => "cart",
            PageType::Checkout => "checkout",
            PageType::Unmarked => "unmarked",
        }
    }

    /// The mapping onto the training data's kinds. Browsing pages (home, category, product)
    /// are product-related: in the source store's data those were the pages listing and showing
    /// products. Account, cart and checkout are administrative (the shopper managing their own
    /// state); info (shipping, returns, about) is informational.
    pub fn kind(self) -> PageKind {
        match self {
            PageType::Home | PageType::Category | PageType::Product => PageKind::ProductRelated,
            PageType::Info => PageKind::Informational,
            PageType::Account | PageType::Cart | PageType::Checkout => PageKind::Administrative,
            PageType::Unmarked => PageKind::Unmarked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_value_case_insensitively() {
        let cases = [
            ("home", PageType::Home),
            ("category", PageType::Category),
            ("PRODUCT", PageType::Product),
            (" info ", PageType::Info),
            ("account", PageType::Account),
            ("cart", PageType::Cart),
            ("checkout", PageType::Checkout),
        ];
        for (raw, want) in cases {
            assert_eq!(PageType::parse(Some(raw)), want, "{raw}");
        }
    }

    #[test]
    fn missing_or_unknown_is_unmarked() {
        assert_eq!(PageType::parse(None), PageType::Unmarked);
        assert_eq!(PageType::parse(Some("")), PageType::Unmarked);
        assert_eq!(PageType::parse(Some("blog")), PageType::Unmarked);
        assert_eq!(PageType::Unmarked.kind(), PageKind::Unmarked);
    }

    #[test]
    fn kinds_cover_the_three_training_columns() {
        assert_eq!(PageType::Info.kind(), PageKind::Informational);
        assert_eq!(PageType::Cart.kind(), PageKind::Administrative);
        assert_eq!(PageType::Product.kind(), PageKind::ProductRelated);
    }
}
