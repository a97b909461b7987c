//! Reordering a `data-reshelf-slot`.

use reshelf_core::policy::SlotItem;
use wasm_bindgen::JsCast;
use web_sys::{Element, Window};

use super::guard::pinned;
use crate::markup::item_ref;

/// Items considered per slot; beyond this the rest keep their place.
pub const MAX_SLOT_ITEMS: usize = 1000;

/// A slot's direct item children, in page order, with what ranking needs.
pub fn read_slot(slot: &Element) -> (Vec<Element>, Vec<SlotItem>) {
    read_items(slot, None)
}

/// The slot's items from the first through `last`, or `None` when `last` is not one of its
/// direct item children: a click needs only the tiles above the clicked one, and reading
/// attributes is most of a click's cost on a long slot.
pub fn read_slot_through(slot: &Element, last: &Element) -> Option<Vec<SlotItem>> {
    let (elements, items) = read_items(slot, Some(last));
    (elements.last() == Some(last)).then_some(items)
}

fn read_items(slot: &Element, stop_after: Option<&Element>) -> (Vec<Element>, Vec<SlotItem>) {
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
        let last = stop_after == Some(&el);
        elements.push(el);
        if last {
            break;
        }
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
