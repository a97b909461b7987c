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

impl Error {
    /// The message the page sees. Joined from its parts rather than by `write!`, which would
    /// link `core::fmt` into the capture module; `Display` gives the same text.
    pub fn message(&self) -> String {
        match self {
            Error::Options(m) => ["reshelf.init: ", m].concat(),
            Error::Track(m) => ["reshelf.track: ", m].concat(),
            Error::Usage(m) => ["reshelf.", m].concat(),
            Error::UnknownTopic(t) => [
                "reshelf.on: unknown event \"",
                t,
                "\" (expected one of: event, session, intent, decision, error)",
            ]
            .concat(),
            Error::Unsupported(what) => ["reshelf: this page has no ", what].concat(),
            Error::ShutDown => "reshelf: the instance was shut down".to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

impl From<Error> for JsValue {
    fn from(e: Error) -> Self {
        js_sys::Error::new(&e.message()).into()
    }
}
