// Hand-over between pages of one store: when the shopper follows a link to another page of the
// same site, that page carries the session on and sends it later, so the leaving page need not
// send the session's summary at all. Sending one summary per session rather than one per page
// view is most of what keeps reshelf's traffic small.
//
// The leaving page parks its summary in localStorage (synchronous, so it survives the unload).
// The next page with reshelf takes it: it is dropped when that page continues the same session
// (whose own summary supersedes it) and queued for sending otherwise — a later visit after the
// shopper left through pages without reshelf. Browsers without the Navigation API, and every
// other way of leaving (closing the tab, another site, the address bar, back/forward), send on
// leaving as before.

// A navigation event older than this no longer explains a pagehide (e.g. a cancelled click).
const FRESH_MS = 5000;

/** Watches the page's own navigations; `leavingWithinSite()` tells whether one is under way. */
export function watchNavigations() {
  let at = -Infinity;
  let within = false;
  try {
    const nav = globalThis.navigation;
    if (!nav || typeof nav.addEventListener !== 'function') return { leavingWithinSite: () => false };
    nav.addEventListener('navigate', (e) => {
      try {
        if (e.destination.sameDocument || e.downloadRequest) return;
        within = new URL(e.destination.url).origin === location.origin;
        at = performance.now();
      } catch (_) {
        within = false;
      }
    });
    // Back from the bfcache: the navigation that left this page is over; leaving again is
    // a new departure (closing the tab must send, not park).
    addEventListener('pageshow', (e) => {
      if (e.persisted) within = false;
    });
  } catch (_) {
    return { leavingWithinSite: () => false };
  }
  return { leavingWithinSite: () => within && performance.now() - at < FRESH_MS };
}

const keyFor = (site) => `reshelf:handoff:${site}`;

/** Parks `json` (a summary) for the next page; false when storage refuses it. */
export function park(site, json) {
  try {
    localStorage.setItem(keyFor(site), json);
    return true;
  } catch (_) {
    return false;
  }
}

/** Takes what a previous page parked (removing it), or null. */
export function takeParked(site) {
  try {
    const key = keyFor(site);
    const json = localStorage.getItem(key);
    if (json !== null) localStorage.removeItem(key);
    return json;
  } catch (_) {
    return null;
  }
}
