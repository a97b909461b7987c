//! A decision round: rank every slot and choose every section's variant from the current
//! session, apply them in the treatment arm, and log them (control included) in the session.

use reshelf_core::hash::fnv1a32;
use reshelf_core::policy::rank::moved;
use reshelf_core::policy::{
    arm_of_unit, choose_variant, Arm, Decision, DecisionKind, Signals, SlotItem, VariantPolicy,
};
use reshelf_core::SessionState;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::apply::{apply_slot, apply_variant, offered_variants, read_slot};
use crate::clock::now;
use crate::emitter::{call_all, Topic};
use crate::runtime::Shared;

/// How long after navigation a message section may still change in place.
const FRESH_PAGE_MS: f64 = 1500.0;

/// The policy's inputs that stay fixed for the page.
pub struct Decider {
    pub arm: Arm,
    /// The randomisation unit `arm` was drawn for (see `reshelf_core::policy::randomisation_unit`).
    pub unit: u32,
    pub policy: VariantPolicy,
    /// Fingerprint of the last logged decision per slot / section, so an unchanged decision is
    /// logged once, not every round. A list, not a map: a page has a handful of slots and
    /// sections, and a hash map would link hashbrown and SipHash into the capture module.
    last: Vec<(String, u32)>,
}

impl Decider {
    pub fn new(unit: u32, holdout: f64, policy: VariantPolicy) -> Self {
        Self {
            arm: arm_of_unit(unit, holdout),
            unit,
            policy,
            last: Vec::new(),
        }
    }

    /// Whether a decision was logged under `key` on this page.
    fn logged(&self, key: &str) -> bool {
        self.last.iter().any(|(k, _)| k == key)
    }

    /// Whether this decision differs from the last one logged under `key`.
    fn is_new(&mut self, key: &str, fingerprint: u32) -> bool {
        match self.last.iter_mut().find(|(k, _)| k == key) {
            Some((_, last)) => std::mem::replace(last, fingerprint) != fingerprint,
            None => {
                self.last.push((key.to_string(), fingerprint));
                true
            }
        }
    }
}

/// What one round needs from the session, taken in one short borrow.
struct Inputs {
    intent: Option<f32>,
    signals: Signals,
    arm: Arm,
    model_version: Option<String>,
}

/// A decision waiting to be logged: its dedup key and fingerprint, what it was, whether it
/// was applied, and (slots) which ranker ordered it.
struct Pending {
    key: String,
    fingerprint: u32,
    kind: DecisionKind,
    applied: bool,
    ranker: Option<String>,
}

/// The ranker's order for a slot and the ranker's name, in one short borrow.
fn order_slot(
    rt: &Shared,
    items: &[SlotItem],
    intent: Option<f32>,
) -> Option<(Vec<usize>, String)> {
    let mut guard = rt.try_borrow_mut().ok()?;
    let r = &mut *guard;
    Some(r.ranker.order(r.tracker.state(), items, intent, now()))
}

fn inputs(rt: &Shared) -> Option<Inputs> {
    let r = rt.try_borrow().ok()?;
    let state: &SessionState = r.tracker.state();
    let intent = r.intent.current(&state.session_id);
    Some(Inputs {
        intent,
        signals: Signals {
            intent,
            cart: state.add_to_cart,
            product_pages: state.page_views.product_related,
        },
        arm: r.decider.arm,
        model_version: r.intent.version().map(str::to_string),
    })
}

/// Runs a round on the page's slots and sections.
pub fn run_round(rt: &Shared) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let Some(inp) = inputs(rt) else { return };
    let painted = crate::apply::painted(&window);
    // A message section may still change in place during the first moments of a page, before
    // the shopper has clicked anything: the box keeps its size (sections reserve their
    // height), so nothing moves, and the shopper has not started reading yet.
    let fresh_page = window
        .performance()
        .is_some_and(|p| p.now() < FRESH_PAGE_MS)
        && rt.try_borrow().is_ok_and(|r| !r.clicked_on_page);
    let mut decisions = Vec::new();
    let treat = inp.arm == Arm::Treatment;

    for slot in elements(&document, "[data-reshelf-slot]") {
        let name = slot.get_attribute("data-reshelf-slot").unwrap_or_default();
        let (els, items) = read_slot(&slot);
        if items.len() < 2 {
            continue;
        }
        let Some((order, ranker)) = order_slot(rt, &items, inp.intent) else {
            continue;
        };
        let would_move = moved(&order);
        let applied = if treat && would_move > 0 {
            apply_slot(&els, &order, &window, painted)
        } else {
            0
        };
        let fingerprint = order_fingerprint(&items, &order, &ranker);
        if would_move > 0 || applied > 0 {
            decisions.push(Pending {
                key: ["slot:", &name].concat(),
                fingerprint,
                kind: DecisionKind::Slot {
                    slot: name,
                    items: items.len() as u32,
                    moved: if treat { applied } else { would_move },
                },
                applied: treat && applied > 0,
                ranker: Some(ranker),
            });
        }
    }

    let policy = rt
        .try_borrow()
        .map(|r| r.decider.policy.clone())
        .unwrap_or_default();
    for section in elements(&document, "[data-reshelf-variants]") {
        let name = section
            .get_attribute("data-reshelf-variants")
            .unwrap_or_default();
        let Some(rules) = policy.get(&name) else {
            continue;
        };
        let Some(variant) = choose_variant(rules, &inp.signals, &offered_variants(&section)) else {
            continue;
        };
        let applied = treat && apply_variant(&section, &variant, &window, painted && !fresh_page);
        let fingerprint = fnv1a32(variant.as_bytes());
        decisions.push(Pending {
            key: ["variant:", &name].concat(),
            fingerprint,
            kind: DecisionKind::Variant {
                section: name,
                variant,
            },
            applied,
            ranker: None,
        });
    }
    log(rt, decisions, inp.arm, inp.model_version);
}

/// Framework mode: the order for an app-rendered slot (identity in the control arm), logged.
pub fn rank_for_app(rt: &Shared, slot: &str, items: &[SlotItem]) -> Vec<usize> {
    let Some(inp) = inputs(rt) else {
        return (0..items.len()).collect();
    };
    let Some((order, ranker)) = order_slot(rt, items, inp.intent) else {
        return (0..items.len()).collect();
    };
    let would_move = moved(&order);
    let treat = inp.arm == Arm::Treatment;
    let key = ["slot:", slot].concat();
    // The page's own order is no decision, unless an earlier one moved this slot: then the
    // app shows that order, and going back to the given one is a change it must hear of.
    let back = would_move == 0 && rt.try_borrow().is_ok_and(|r| r.decider.logged(&key));
    if would_move > 0 || back {
        let kind = DecisionKind::Slot {
            slot: slot.to_string(),
            items: items.len() as u32,
            moved: would_move,
        };
        log(
            rt,
            vec![Pending {
                key,
                fingerprint: order_fingerprint(items, &order, &ranker),
                kind,
                applied: treat,
                ranker: Some(ranker),
            }],
            inp.arm,
            inp.model_version,
        );
    }
    if treat {
        order
    } else {
        (0..items.len()).collect()
    }
}

/// Framework mode: the variant for an app-rendered section (`None`: keep the default).
pub fn variant_for_app(rt: &Shared, section: &str, offered: &[String]) -> Option<String> {
    let inp = inputs(rt)?;
    let rules = rt.try_borrow().ok()?.decider.policy.get(section).cloned()?;
    let variant = choose_variant(&rules, &inp.signals, offered)?;
    let treat = inp.arm == Arm::Treatment;
    let kind = DecisionKind::Variant {
        section: section.to_string(),
        variant: variant.clone(),
    };
    log(
        rt,
        vec![Pending {
            key: ["variant:", section].concat(),
            fingerprint: fnv1a32(variant.as_bytes()),
            kind,
            applied: treat,
            ranker: None,
        }],
        inp.arm,
        inp.model_version,
    );
    treat.then_some(variant)
}

fn log(rt: &Shared, decisions: Vec<Pending>, arm: Arm, model_version: Option<String>) {
    let mut payloads = Vec::new();
    let targets = {
        let Ok(mut r) = rt.try_borrow_mut() else {
            return;
        };
        let t = now();
        for p in decisions {
            if !r.decider.is_new(&p.key, p.fingerprint) {
                continue;
            }
            let d = Decision {
                t,
                arm,
                model_version: model_version.clone(),
                ranker: p.ranker,
                applied: p.applied,
                kind: p.kind,
            };
            payloads.push(crate::objects::decision(&d));
            r.tracker.record_decision(d);
        }
        r.emitter.targets(Topic::Decision)
    };
    for p in payloads {
        call_all(&targets, &p);
    }
}

/// The order and the ranker that made it: the same order from the model once the engine is
/// attached is logged again, so the log says which ranker decided.
fn order_fingerprint(items: &[SlotItem], order: &[usize], ranker: &str) -> u32 {
    let mut key = ranker.to_string();
    key.push('\u{1f}');
    for &i in order {
        key.push_str(&items[i].id);
        key.push('\u{1f}');
    }
    fnv1a32(key.as_bytes())
}

fn elements(document: &web_sys::Document, selector: &str) -> Vec<Element> {
    let Ok(list) = document.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}
