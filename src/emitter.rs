//! `on(event, cb)` listeners. Callbacks are page code: one that throws is reported and skipped,
//! never allowed to break the SDK or the other listeners.

use js_sys::Function;
use wasm_bindgen::JsValue;

use crate::errors::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// Every event folded into the session: `{ type, t }`.
    Event,
    /// A new session began (first visit, or after the idle timeout): `{ session_id }`.
    Session,
    /// The purchase-intent score changed: `{ score, model_version }`.
    Intent,
    /// A rearrangement decision was taken (or, in control, withheld).
    Decision,
    /// A call was refused (e.g. `track()` with bad props): `{ message }`.
    Error,
}

impl Topic {
    pub fn parse(name: &str) -> Result<Self, Error> {
        match name {
            "event" => Ok(Topic::Event),
            "session" => Ok(Topic::Session),
            "error" => Ok(Topic::Error),
            "intent" => Ok(Topic::Intent),
            "decision" => Ok(Topic::Decision),
            other => Err(Error::UnknownTopic(other.to_string())),
        }
    }
}

#[derive(Default)]
pub struct Emitter {
    next_id: u32,
    listeners: Vec<(u32, Topic, Function)>,
}

impl Emitter {
    pub fn on(&mut self, topic: Topic, callback: Function) -> u32 {
        self.next_id += 1;
        self.listeners.push((self.next_id, topic, callback));
        self.next_id
    }

    pub fn off(&mut self, id: u32) -> bool {
        let before = self.listeners.len();
        self.listeners.retain(|(i, _, _)| *i != id);
        self.listeners.len() != before
    }

    pub fn has(&self, topic: Topic) -> bool {
        self.listeners.iter().any(|(_, t, _)| *t == topic)
    }

    /// The callbacks for a topic, cloned so they can be called after the runtime's borrow is
    /// released (a callback may call back into the SDK).
    pub fn targets(&self, topic: Topic) -> Vec<Function> {
        self.listeners
            .iter()
            .filter(|(_, t, _)| *t == topic)
            .map(|(_, _, f)| f.clone())
            .collect()
    }

    pub fn clear(&mut self) {
        self.listeners.clear();
    }
}

/// Calls each callback with the payload, reporting (not propagating) any that throws.
pub fn call_all(callbacks: &[Function], payload: &JsValue) {
    for f in callbacks {
        if let Err(e) = f.call1(&JsValue::UNDEFINED, payload) {
            web_sys::console::warn_2(&"reshelf: an on() listener threw:".into(), &e);
        }
    }
}
