//! Validating `track(name, props)` calls. A refused call stores nothing and says why.

use reshelf_core::decimal;
use reshelf_core::{EventKind, ItemRef};
use wasm_bindgen::JsValue;

use crate::errors::Error;
use crate::markup::parse_price;
use crate::plain::{self, get};

/// Largest accepted `props`, as JSON text. Props describe one event, not a payload.
pub const MAX_PROPS_BYTES: usize = 4096;
const MAX_NAME_BYTES: usize = 64;

/// The props reshelf understands; other keys are allowed and ignored.
#[derive(Debug, Default)]
struct Props {
    item: Option<String>,
    category: Option<String>,
    brand: Option<String>,
    price: Option<PriceValue>,
    value: Option<f64>,
}

/// Prices arrive as numbers or as the strings found in `data-price`.
#[derive(Debug)]
enum PriceValue {
    Number(f64),
    Text(String),
}

/// Turns a `track()` call into a session event, or explains why it was refused.
pub fn parse_track(name: &JsValue, props: &JsValue) -> Result<EventKind, Error> {
    let name = name
        .as_string()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::Track("the event name must be a non-empty string".into()))?;
    if name.len() > MAX_NAME_BYTES {
        return Err(too_long(
            "the event name is ",
            name.len(),
            " bytes",
            MAX_NAME_BYTES,
        ));
    }
    let props = parse_props(props)?;
    let item = props
        .item
        .filter(|i| !i.trim().is_empty())
        .map(|id| ItemRef {
            id,
            category: props.category,
            price: props.price.and_then(|p| match p {
                PriceValue::Number(n) => Some(n).filter(|n| n.is_finite() && *n >= 0.0),
                PriceValue::Text(t) => parse_price(&t),
            }),
            brand: props.brand.filter(|b| !b.trim().is_empty()),
        });
    Ok(match name.as_str() {
        "add_to_cart" => EventKind::AddToCart { item },
        "purchase" => EventKind::Purchase { value: props.value },
        _ => EventKind::Custom { name },
    })
}

/// A refusal of something `len` bytes long where `max` are allowed: `subject` (e.g. "props
/// are "), `len`, `unit` (e.g. " bytes as JSON"), then the limit.
fn too_long(subject: &str, len: usize, unit: &str, max: usize) -> Error {
    Error::Track(
        [
            subject,
            &decimal(len as u64),
            unit,
            "; at most ",
            &decimal(max as u64),
            " are allowed",
        ]
        .concat(),
    )
}

fn parse_props(props: &JsValue) -> Result<Props, Error> {
    if plain::absent(props) {
        return Ok(Props::default());
    }
    if !plain::is_record(props) {
        return Err(Error::Track("props must be a plain object".into()));
    }
    let text = js_sys::JSON::stringify(props)
        .map_err(|e| {
            let why = js_sys::Error::from(e).message();
            Error::Track(["props are not JSON-serialisable (", &String::from(why), ")"].concat())
        })?
        .as_string()
        .unwrap_or_default();
    if text.len() > MAX_PROPS_BYTES {
        return Err(too_long(
            "props are ",
            text.len(),
            " bytes as JSON",
            MAX_PROPS_BYTES,
        ));
    }
    read_props(props)
        .map_err(|e| Error::Track(["props have a field of the wrong type: ", &e].concat()))
}

fn read_props(p: &JsValue) -> Result<Props, String> {
    let price = get(p, "price");
    Ok(Props {
        item: plain::string(get(p, "item"), "item")?,
        category: plain::string(get(p, "category"), "category")?,
        brand: plain::string(get(p, "brand"), "brand")?,
        price: match price.as_string() {
            Some(text) => Some(PriceValue::Text(text)),
            None => plain::number(price, "price")?.map(PriceValue::Number),
        },
        value: plain::number(get(p, "value"), "value")?,
    })
}
