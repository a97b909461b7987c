//! The variant policy: `options.policy`, or the page's
//! `<script type="application/json" data-reshelf-policy>`. A malformed policy is reported with
//! a clear console error and replaced by the empty policy (every section keeps its default);
//! a malformed rule is reported and left out, the other rules apply.

use reshelf_core::policy::VariantPolicy;
use wasm_bindgen::JsValue;
use web_sys::Document;

pub fn read_policy(from_options: &JsValue, document: &Document) -> VariantPolicy {
    let value = if !from_options.is_undefined() && !from_options.is_null() {
        from_options.clone()
    } else {
        let Some(script) = document
            .query_selector("script[data-reshelf-policy]")
            .ok()
            .flatten()
        else {
            return VariantPolicy::new();
        };
        let text = script.text_content().unwrap_or_default();
        match js_sys::JSON::parse(&text) {
            Ok(v) => v,
            Err(e) => {
                report(&["the variant policy is not valid JSON (", &message(&e), ")"].concat());
                return VariantPolicy::new();
            }
        }
    };
    match crate::plain::variant_policy(&value) {
        Ok((policy, left_out)) => {
            for why in left_out {
                web_sys::console::error_1(
                    &[
                        "reshelf: a variant rule is ignored: ",
                        &why,
                        "; the other rules apply.",
                    ]
                    .concat()
                    .into(),
                );
            }
            policy
        }
        Err(e) => {
            report(&["the variant policy does not match its schema (", &e, ")"].concat());
            VariantPolicy::new()
        }
    }
}

fn message(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_default()
}

fn report(what: &str) {
    web_sys::console::error_1(
        &[
            "reshelf: ",
            what,
            "; every section keeps its default content.",
        ]
        .concat()
        .into(),
    );
}
