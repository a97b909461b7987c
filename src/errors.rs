//! One error type for the shell. Every variant becomes a JS `Error` whose message starts with
//! `reshelf` so a developer reading the console knows where it came from.

use std::fmt;

use wasm_bindgen::JsValue;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// `init()` options of the wrong type or out of range.
    Options(String),
    /// A `track()` call that was refused; nothing was stored.
    Track(String),
    /// A framework-mode call with arguments of the wrong shape.
    Usage(String),
    /// `on()` with an event name the SDK does not emit.
    UnknownTopic(String),
    /// The page lacks an API the SDK needs (e.g. no `document`).
    Unsupported(&'static str),
    /// The instance was shut down.
    ShutDown,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Options(m) => write!(f, "reshelf.init: {m}"),
            Error::Track(m) => write!(f, "reshelf.track: {m}"),
            Error::Usage(m) => write!(f, "reshelf.{m}"),
            Error::UnknownTopic(t) => write!(
                f,
                "reshelf.on: unknown event \"{t}\" (expected one of: event, session, intent, decision, error)"
            ),
            Error::Unsupported(what) => write!(f, "reshelf: this page has no {what}"),
            Error::ShutDown => write!(f, "reshelf: the instance was shut down"),
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for JsValue {
    fn from(e: Error) -> Self {
        js_sys::Error::new(&e.to_string()).into()
    }
}
