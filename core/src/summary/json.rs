//! The summary's JSON text, written field by field: the same text `serde_json::to_string`
//! gives for [`Summary`] (a test holds them equal), without linking a serializer into the
//! SDK's capture module. A summary holds no floats, so no float formatter is needed either.

use super::types::Summary;

impl Summary {
    /// The JSON text sent to `POST /v1/summaries`: keys in declaration order, optional fields
    /// left out exactly where serde leaves them out.
    pub fn to_json(&self) -> String {
        let mut w = Json(String::with_capacity(512));
        w.0.push('{');
        w.key("v", false);
        w.uint(u64::from(self.v));
        w.key("sid", true);
        w.str(&self.sid);
        w.key("seq", true);
        w.uint(self.seq);
        w.key("ctl", true);
        w.bool(self.ctl);
        w.key("model", true);
        match &self.model {
            Some(m) => w.str(m),
            None => w.0.push_str("null"),
        }
        if let Some(rk) = &self.rk {
            w.key("rk", true);
            w.str(rk);
        }
        if !self.rx.is_empty() {
            w.key("rx", true);
            w.list(&self.rx, |w, e| w.str(&String::from(e.clone())));
        }
        if let Some(u) = self.unit {
            w.key("u", true);
            w.uint(u64::from(u));
        }
        w.key("pv", true);
        w.list(&self.pv, |w, n| w.uint(u64::from(*n)));
        w.key("secs", true);
        w.list(&self.secs, |w, n| w.uint(u64::from(*n)));
        w.key("pages", true);
        w.str(&self.pages);
        if !self.pk.is_empty() {
            w.key("pk", true);
            w.str(&self.pk);
        }
        w.key("cats", true);
        w.list(&self.cats, |w, (name, e)| {
            w.0.push('[');
            w.str(name);
            w.0.push(',');
            w.uint(u64::from(*e));
            w.0.push(']');
        });
        w.key("intent", true);
        w.str(&self.intent);
        if let Some(ipc) = self.ipc {
            w.key("ipc", true);
            w.uint(u64::from(ipc));
        }
        w.key("dec", true);
        w.list(&self.dec, |w, d| w.str(&String::from(*d)));
        w.key("out", true);
        w.0.push('{');
        w.key("c", false);
        w.uint(u64::from(self.out.cart));
        w.key("p", true);
        w.bool(self.out.purchase);
        w.key("vb", true);
        w.uint(u64::from(self.out.value_band));
        w.0.push('}');
        w.key("dev", true);
        w.str(self.dev.code());
        w.key("br", true);
        w.str(self.br.code());
        w.key("src", true);
        w.str(self.src.code());
        for (key, n) in [("hr", self.hr), ("wd", self.wd), ("mo", self.mo)] {
            w.key(key, true);
            w.uint(u64::from(n));
        }
        w.key("ts", true);
        w.uint(self.ts);
        w.key("ret", true);
        w.bool(self.ret);
        w.key("sd", true);
        w.uint(u64::from(self.sd));
        w.0.push('}');
        w.0
    }
}

struct Json(String);

impl Json {
    fn key(&mut self, key: &str, comma: bool) {
        if comma {
            self.0.push(',');
        }
        self.str(key);
        self.0.push(':');
    }

    fn uint(&mut self, n: u64) {
        crate::text::push_decimal(&mut self.0, n);
    }

    fn bool(&mut self, b: bool) {
        self.0.push_str(if b { "true" } else { "false" });
    }

    /// A JSON string, escaped as serde_json escapes: `"`, `\` and control characters.
    fn str(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.0.push('"');
        for c in s.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                '\n' => self.0.push_str("\\n"),
                '\r' => self.0.push_str("\\r"),
                '\t' => self.0.push_str("\\t"),
                '\u{8}' => self.0.push_str("\\b"),
                '\u{c}' => self.0.push_str("\\f"),
                c if u32::from(c) < 0x20 => {
                    let b = c as u8;
                    self.0.push_str("\\u00");
                    self.0.push(char::from(HEX[usize::from(b >> 4)]));
                    self.0.push(char::from(HEX[usize::from(b & 0xf)]));
                }
                c => self.0.push(c),
            }
        }
        self.0.push('"');
    }

    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.0.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            f(self, item);
        }
        self.0.push(']');
    }
}
