//! Reading plain JS data (options, `track()` props, the variant policy, the page-stats feed)
//! field by field. Written out rather than derived through serde: a JS-value deserializer and
//! serde's visitors were the largest part of the capture module, and these few shapes need
//! only a handful of checks. Errors name the field and what it must be; they quote no number
//! (formatting floats would link a float formatter).

use js_sys::{Array, Object, Reflect};
use reshelf_core::decimal;
use reshelf_core::features::PageStatsFeed;
use reshelf_core::policy::{Conditions, VariantPolicy, VariantRule};
use reshelf_core::ItemRef;
use wasm_bindgen::{JsCast, JsValue};

/// `obj[key]`; `undefined` when `obj` is not an object or the getter throws.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `undefined` or `null`: a field left out.
pub fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A plain object (not an array, function or primitive).
pub fn is_record(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v) && !v.is_function()
}

/// The own enumerable keys of an object.
pub fn keys(obj: &JsValue) -> Vec<String> {
    if !obj.is_object() {
        return Vec::new();
    }
    Object::keys(obj.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect()
}

/// An optional field read by `read`; a present value it refuses is an error saying `what`
/// must be `kind`.
fn optional<T>(
    v: &JsValue,
    what: &str,
    kind: &str,
    read: impl FnOnce(&JsValue) -> Option<T>,
) -> Result<Option<T>, String> {
    if absent(v) {
        return Ok(None);
    }
    read(v)
        .map(Some)
        .ok_or_else(|| [what, " must be ", kind].concat())
}

/// An optional string field; any other type is an error naming `what`.
pub fn string(v: JsValue, what: &str) -> Result<Option<String>, String> {
    optional(&v, what, "a string", JsValue::as_string)
}

/// An optional number field.
pub fn number(v: JsValue, what: &str) -> Result<Option<f64>, String> {
    optional(&v, what, "a number", JsValue::as_f64)
}

/// An optional boolean field.
pub fn boolean(v: JsValue, what: &str) -> Result<Option<bool>, String> {
    optional(&v, what, "true or false", JsValue::as_bool)
}

/// An optional whole number in `0..=max`.
pub fn whole(v: JsValue, max: u32, what: &str) -> Result<Option<u32>, String> {
    match number(v, what)? {
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(max)).contains(&n) => Ok(Some(n as u32)),
        Some(_) => Err([
            what,
            " must be a whole number from 0 to ",
            &decimal(u64::from(max)),
        ]
        .concat()),
        None => Ok(None),
    }
}

/// An optional array of strings.
pub fn strings(v: JsValue, what: &str) -> Result<Option<Vec<String>>, String> {
    if absent(&v) {
        return Ok(None);
    }
    if !Array::is_array(&v) {
        return Err([what, " must be an array of strings"].concat());
    }
    let array: Array = v.unchecked_into();
    array
        .iter()
        .map(|s| {
            s.as_string()
                .ok_or_else(|| [what, " must hold only strings"].concat())
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

/// An error when `obj` has an own key outside `known`.
pub fn only(obj: &JsValue, known: &[&str], what: &str) -> Result<(), String> {
    match keys(obj).into_iter().find(|k| !known.contains(&k.as_str())) {
        Some(k) => {
            // A loop, not `join`: this is the capture module's only user of it.
            let mut expected = String::new();
            for (i, name) in known.iter().enumerate() {
                if i > 0 {
                    expected.push_str(", ");
                }
                expected.push_str(name);
            }
            Err([
                what,
                " has an unknown field \"",
                &k,
                "\" (expected one of: ",
                &expected,
                ")",
            ]
            .concat())
        }
        None => Ok(()),
    }
}

/// Slot items for `rank()`: `[{ id, category?, brand?, price? }]`.
pub fn slot_items(v: JsValue) -> Result<Vec<ItemRef>, String> {
    if !Array::is_array(&v) {
        return Err("not an array".into());
    }
    let array: Array = v.unchecked_into();
    array
        .iter()
        .map(|item| {
            if !is_record(&item) {
                return Err("an item is not an object".to_string());
            }
            Ok(ItemRef {
                id: string(get(&item, "id"), "id")?.ok_or("an item has no id")?,
                category: string(get(&item, "category"), "category")?,
                brand: string(get(&item, "brand"), "brand")?,
                price: number(get(&item, "price"), "price")?,
            })
        })
        .collect()
}

/// The page-stats feed, `{ v, pages: { "<8 hex digits>": [bounce, exit, value] } }`
/// ([`PageStatsFeed`]); entries whose values are not three numbers are an error.
pub fn page_stats_feed(v: &JsValue) -> Result<PageStatsFeed, String> {
    if !is_record(v) {
        return Err("the feed is not an object".into());
    }
    let version = whole(get(v, "v"), 255, "v")?.ok_or("the feed has no version")?;
    let pages = get(v, "pages");
    if !is_record(&pages) {
        return Err("pages must be an object".into());
    }
    let mut feed = PageStatsFeed {
        v: version as u8,
        ..PageStatsFeed::default()
    };
    for key in keys(&pages) {
        let stat = get(&pages, &key);
        let values: Option<Vec<f32>> = Array::is_array(&stat)
            .then(|| stat.unchecked_into::<Array>())
            .filter(|a| a.length() == 3)
            .and_then(|a| a.iter().map(|x| x.as_f64().map(|x| x as f32)).collect());
        let [b, e, val] = values
            .as_deref()
            .and_then(|v| <[f32; 3]>::try_from(v).ok())
            .ok_or_else(|| ["page ", &key, " is not [bounce, exit, value]"].concat())?;
        feed.pages.insert(key, [b, e, val]);
    }
    Ok(feed)
}

/// The variant policy, `{ section: [{ variant, when?: { min_intent?, max_intent?, min_cart?,
/// max_cart?, min_product_pages? } }] }` ([`VariantPolicy`]), and what was left out of it.
/// A rule that does not match this shape is left out, with its reason; so is a rule with an
/// unknown field, since a misspelt condition would otherwise hold always. The other rules and
/// sections stay. An error when the policy is not an object of sections.
pub fn variant_policy(v: &JsValue) -> Result<(VariantPolicy, Vec<String>), String> {
    if !is_record(v) {
        return Err("the policy is not an object of sections".into());
    }
    let mut policy = VariantPolicy::new();
    let mut left_out = Vec::new();
    for section in keys(v) {
        let rules = get(v, &section);
        if !Array::is_array(&rules) {
            left_out.push(["section \"", &section, "\" is not an array of rules"].concat());
            continue;
        }
        let rules: Array = rules.unchecked_into();
        let mut kept = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            match variant_rule(&rule) {
                Ok(rule) => kept.push(rule),
                Err(e) => left_out.push(
                    [
                        "section \"",
                        &section,
                        "\", rule ",
                        &decimal(i as u64 + 1),
                        ": ",
                        &e,
                    ]
                    .concat(),
                ),
            }
        }
        policy.insert(section, kept);
    }
    Ok((policy, left_out))
}

fn variant_rule(rule: &JsValue) -> Result<VariantRule, String> {
    if !is_record(rule) {
        return Err("a rule is not an object".into());
    }
    only(rule, &["variant", "when"], "a rule")?;
    let variant = string(get(rule, "variant"), "variant")?.ok_or("a rule has no variant")?;
    let when = get(rule, "when");
    if absent(&when) {
        return Ok(VariantRule {
            variant,
            when: Conditions::default(),
        });
    }
    if !is_record(&when) {
        return Err("when must be an object".into());
    }
    only(
        &when,
        &[
            "min_intent",
            "max_intent",
            "min_cart",
            "max_cart",
            "min_product_pages",
        ],
        "when",
    )?;
    let count = |key: &str| whole(get(&when, key), u32::MAX, key);
    Ok(VariantRule {
        variant,
        when: Conditions {
            min_intent: number(get(&when, "min_intent"), "min_intent")?.map(|x| x as f32),
            max_intent: number(get(&when, "max_intent"), "max_intent")?.map(|x| x as f32),
            min_cart: count("min_cart")?.map(u64::from),
            max_cart: count("max_cart")?.map(u64::from),
            min_product_pages: count("min_product_pages")?,
        },
    })
}
