//! Showing a `data-reshelf-variants` section's chosen `<template data-reshelf-variant>`.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTemplateElement, Window};

use super::guard::pinned;

const SHOWN: &str = "data-reshelf-shown";

/// The variant names a section offers.
pub fn offered_variants(section: &Element) -> Vec<String> {
    let Ok(list) = section.query_selector_all(":scope > template[data-reshelf-variant]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| {
            list.item(i)?
                .dyn_into::<Element>()
                .ok()?
                .get_attribute("data-reshelf-variant")
        })
        .collect()
}

/// The variant the section shows now (`default` until reshelf changes it).
pub fn shown(section: &Element) -> String {
    section
        .get_attribute(SHOWN)
        .unwrap_or_else(|| "default".into())
}

/// Swaps the section's content for the variant's template, unless the shopper could see the
/// swap. Returns whether it changed. A missing template changes nothing.
pub fn apply_variant(section: &Element, variant: &str, window: &Window, painted: bool) -> bool {
    if shown(section) == variant || (painted && pinned(section, window)) {
        return false;
    }
    let selector = [
        ":scope > template[data-reshelf-variant=\"",
        &variant.replace(['"', '\\'], ""),
        "\"]",
    ]
    .concat();
    let Some(template) = section
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<HtmlTemplateElement>().ok())
    else {
        return false;
    };
    let Ok(content) = template.content().clone_node_with_deep(true) else {
        return false;
    };
    let children = section.children();
    let mut old = Vec::new();
    for i in 0..children.length() {
        if let Some(c) = children.item(i) {
            if c.tag_name() != "TEMPLATE" {
                old.push(c);
            }
        }
    }
    for c in old {
        c.remove();
    }
    let wrapper = window.document().and_then(|d| d.create_element("div").ok());
    let Some(wrapper) = wrapper else { return false };
    let _ = wrapper.set_attribute("data-reshelf-variant-content", variant);
    let _ = wrapper.append_child(&content);
    let _ = section.append_child(&wrapper);
    let _ = section.set_attribute(SHOWN, variant);
    true
}
