//! Reordering a `data-reshelf-slot`.

use reshelf_core::policy::SlotItem;
use wasm_bindgen::JsCast;
use web_sys::{Element, Window};

use super::guard::pinned;
use crate::markup::{item_ref, item_ref_with_id, marked_item_id};

/// Items considered per slot; beyond this the rest keep their place.
pub const MAX_SLOT_ITEMS: usize = 1000;

/// A slot's direct item children, in page order, with what ranking needs.
pub fn read_slot(slot: &Element) -> (Vec<Element>, Vec<SlotItem>) {
    read_items(slot)
}

/// A clicked tile and the tiles just above it, as the ranker sees them in their slot.
pub struct AroundClick {
    /// The slot's item count, as [`read_slot`] counts them (at most [`MAX_SLOT_ITEMS`]).
    pub slot_len: usize,
    /// The position in the slot of the first of `items`.
    pub first: usize,
    /// Up to `above` items above the clicked one, then the clicked one.
    pub items: Vec<SlotItem>,
}

/// The clicked tile `clicked` with up to `above` items above it, and the slot's item count:
/// what a ranking example needs. Every tile's id is read to count the slot as a decision
/// round does; the other attributes only of the tiles kept. `None` when `clicked` is not one
/// of the slot's first [`MAX_SLOT_ITEMS`] direct item children.
pub fn read_around(slot: &Element, clicked: &Element, above: usize) -> Option<AroundClick> {
    let children = slot.children();
    let mut kept: Vec<(Element, String)> = Vec::new();
    let mut clicked_at = None;
    let mut count = 0;
    for i in 0..children.length() {
        if count >= MAX_SLOT_ITEMS {
            break;
        }
        let Some(el) = children.item(i) else { continue };
        let Some(id) = marked_item_id(&el) else {
            continue;
        };
        if clicked_at.is_none() {
            if kept.len() > above {
                kept.remove(0);
            }
            if &el == clicked {
                clicked_at = Some(count);
            }
            kept.push((el, id));
        }
        count += 1;
    }
    let at = clicked_at?;
    Some(AroundClick {
        slot_len: count,
        first: at + 1 - kept.len(),
        items: kept
            .into_iter()
            .map(|(el, id)| item_ref_with_id(&el, id))
            .collect(),
    })
}

fn read_items(slot: &Element) -> (Vec<Element>, Vec<SlotItem>) {
    let children = slot.children();
    let mut elements = Vec::new();
    let mut items = Vec::new();
    for i in 0..children.length() {
        if elements.len() >= MAX_SLOT_ITEMS {
            break;
        }
        let Some(el) = children.item(i) else { continue };
        let Some(r) = item_ref(&el) else { continue };
        items.push(SlotItem {
            id: r.id,
            category: r.category,
            price: r.price,
            brand: r.brand,
        });
        elements.push(el);
    }
    (elements, items)
}

/// Puts `elements` into `order` as far as allowed: pinned items keep their place, movable
/// ones fill the movable positions in ranked order. Only movable nodes are ever re-inserted.
/// Returns how many items changed position.
pub fn apply_slot(elements: &[Element], order: &[usize], window: &Window, painted: bool) -> u32 {
    let movable: Vec<bool> = elements
        .iter()
        .map(|el| !painted || !pinned(el, window))
        .collect();
    let wanted: Vec<usize> = order.iter().copied().filter(|&i| movable[i]).collect();
    let mut target: Vec<usize> = (0..elements.len()).collect();
    let mut next = wanted.into_iter();
    for (pos, slot) in target.iter_mut().enumerate() {
        if movable[pos] {
            if let Some(i) = next.next() {
                *slot = i;
            }
        }
    }
    let moved = target
        .iter()
        .enumerate()
        .filter(|(pos, i)| pos != *i)
        .count() as u32;
    if moved == 0 {
        return moved;
    }
    // Walk the target left to right; the node at each position is fixed by inserting the
    // wanted node before whatever currently sits there.
    let mut current: Vec<usize> = (0..elements.len()).collect();
    for pos in 0..target.len() {
        let want = target[pos];
        if current[pos] == want {
            continue;
        }
        let anchor = &elements[current[pos]];
        if let Some(parent) = anchor.parent_node() {
            let node: &web_sys::Node = elements[want].unchecked_ref();
            if parent
                .insert_before(node, Some(anchor.unchecked_ref()))
                .is_err()
            {
                break;
            }
        }
        let from = current.iter().position(|&c| c == want).unwrap_or(pos);
        let v = current.remove(from);
        current.insert(pos, v);
    }
    moved
}
