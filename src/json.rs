//! JSON text of plain JS data (what `store::to_js` makes), written here rather than by the
//! page's `JSON.stringify`: a page that put a `toJSON` on `Array.prototype` (old libraries
//! do) or replaced `JSON` would otherwise change what reshelf stores and sends. Only own
//! enumerable keys are read, so nothing inherited from a patched prototype is written.
//!
//! Numbers are written by the engine's `Number.prototype.toString` (the same digits as
//! `JSON.stringify`), which keeps a float formatter out of the wasm.

use js_sys::{Array, Number, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The JSON text of `value`: `null`, booleans, finite numbers (non-finite ones as `null`, as
/// `JSON.stringify` does), strings, arrays and plain objects; `undefined` members are skipped.
pub fn stringify(value: &JsValue) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(v: &JsValue, out: &mut String) {
    if let Some(b) = v.as_bool() {
        out.push_str(if b { "true" } else { "false" });
    } else if let Some(n) = v.as_f64() {
        if n.is_finite() {
            let digits = Number::from(n).to_string_with_radix(10).unwrap_or_default();
            out.push_str(&String::from(digits));
        } else {
            out.push_str("null");
        }
    } else if let Some(s) = v.as_string() {
        quote(&s, out);
    } else if Array::is_array(v) {
        out.push('[');
        let array: &Array = v.unchecked_ref();
        for (i, item) in array.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if item.is_undefined() {
                out.push_str("null");
            } else {
                write(&item, out);
            }
        }
        out.push(']');
    } else if v.is_object() {
        out.push('{');
        let mut first = true;
        let object: &Object = v.unchecked_ref();
        for key in Object::keys(object).iter() {
            let item = Reflect::get(v, &key).unwrap_or(JsValue::UNDEFINED);
            if item.is_undefined() {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            quote(&key.as_string().unwrap_or_default(), out);
            out.push(':');
            write(&item, out);
        }
        out.push('}');
    } else {
        out.push_str("null");
    }
}

fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
