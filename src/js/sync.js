// Sync: turns the live session into summaries for the outbox, and brings the backend's page
// statistics into the model. Summaries are built in the wasm (one Rust type, shared with the
// server); this file only decides when, and never lets a failure reach the page.
import { createOutbox } from './outbox.js';
import { watchNavigations, park, takeParked } from './handoff.js';
import { nativeFetch } from './native.js';
import { describe } from './describe.js';
import { syncTarget } from './sync-config.js';

const DEFAULT_INTERVAL_MS = 10000;

/** The session id and sequence number of a summary's JSON text ([null, NaN] if absent). */
export function idOf(json) {
  const m = /"sid":"([^"\\]*)","seq":(\d+)/.exec(json);
  return m ? [m[1], Number(m[2])] : [null, NaN];
}

/** A summary without its sequence number and time on page: what makes it worth sending. */
export function materialOf(json) {
  return json.replace(/"seq":\d+,/, '').replace(/"secs":\[[^\]]*\],/, '');
}

/**
 * Starts syncing `session` to `options.endpoint` (with `options.site` and `options.key`).
 * Returns a controller, or null when the page configured no endpoint (capture and
 * personalisation still run; nothing leaves the device).
 */
export function startSync(session, options, warn, shouldSend = () => true) {
  const target = syncTarget(options);
  if (!target) return null;
  const { site, endpoint, key } = target;
  const outbox = createOutbox({
    site,
    endpoint,
    key,
    consent: options.consent ?? 'granted',
    respectDnt: options.respectDnt === true,
    onError: (err) => warn(`summary delivery: ${describe(err)}`),
  });
  let last = '';
  let latest = null;
  let stopped = false;
  // Queues the current summary when it says something new. Time on page alone does not
  // count while the page is open (`material`): the summary sent on leaving carries it.
  const capture = (leaving = false) => {
    if (!shouldSend()) return Promise.resolve();
    let json;
    try {
      // Written in the wasm: the page's JSON or a toJSON on its prototypes cannot change it.
      json = session.summaryJson();
    } catch (_) {
      return Promise.resolve(); // shut down or inert: nothing to send
    }
    latest = json;
    const material = leaving ? json : materialOf(json);
    if (material === last) return Promise.resolve();
    // Only what the outbox took counts as sent: a refusal (consent pending, storage full,
    // too big) leaves `last` alone, so the next sync offers it again.
    const [sid, seq] = idOf(json);
    return outbox.put(sid, seq, json).then((taken) => {
      if (taken) last = material;
    });
  };
  // What a previous page handed over: superseded when this page continues that session.
  const parked = takeParked(site);
  if (parked !== null) {
    let current = null;
    try {
      current = idOf(session.summaryJson())[0];
    } catch (_) { /* no live session here: the parked one is sent as it is */ }
    const [sid, seq] = idOf(parked);
    if (sid && sid !== current) outbox.put(sid, seq, parked);
  }
  const navigations = watchNavigations();
  const tick = () => capture().then(() => outbox.flush());
  const every = Number.isFinite(options.syncInterval) && options.syncInterval >= 1000 ? options.syncInterval : DEFAULT_INTERVAL_MS;
  const timer = setInterval(tick, every);
  // Hidden (another tab, minimised, backgrounded on a phone): the page still runs, so the
  // latest summary is queued and what waits is sent with sendBeacon.
  // Going to another page of the site, nothing is sent: see handoff.js.
  const hide = () => {
    if (navigations.leavingWithinSite()) return;
    capture(true).then(() => outbox.flush({ beacon: true }));
  };
  // Leaving (navigation, close): no further task runs, so the current summary goes out
  // synchronously by beacon; the queue keeps its copy for the next page if that fails.
  const leave = () => {
    // Pending or denied consent: nothing is parked for the next page either.
    if (!shouldSend() || !outbox.granted()) return;
    if (navigations.leavingWithinSite()) {
      try {
        if (park(site, session.summaryJson())) return;
      } catch (_) { /* shut down: send what was captured */ }
    }
    capture(true);
    // The queue's write may not finish while the page unloads, and the beacon can be refused
    // (another tag used the in-flight budget, offline, backing off): a synchronous copy is
    // parked, and the next page of the store — the next visit, whenever it comes — queues it
    // unless it continues the same session.
    if (latest && !outbox.beaconNow(latest)) park(site, latest);
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') hide();
  };
  addEventListener('pagehide', leave);
  document.addEventListener('visibilitychange', onVisibility);
  loadPageStats(session, endpoint, site, warn, () => !stopped);
  // What earlier pages queued (or a crash left behind) goes out soon after start.
  const first = setTimeout(() => outbox.flush(), 1000);
  return {
    consent(state) {
      const before = outbox.granted();
      const now = outbox.consent(state);
      // Granted after pending or denied: what was held back goes at the next sync, which is
      // now — a task later, never inside the consent manager's own callback.
      if (now === 'granted' && !before) {
        last = '';
        setTimeout(tick, 0);
      }
      return now;
    },
    flush: () => capture(true).then(() => outbox.flush()),
    pending: () => outbox.pending(),
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(first);
      removeEventListener('pagehide', leave);
      document.removeEventListener('visibilitychange', onVisibility);
      leave();
      outbox.close();
    },
  };
}

/**
 * Per-page statistics across all shoppers (bounce, exit, page value) feed the model. The
 * feed is public and cacheable; without it the model uses the priors shipped in its weights.
 * `live()` is false once sync stopped (shutdown() frees the session while this is in flight).
 */
async function loadPageStats(session, endpoint, site, warn, live) {
  try {
    const url = `${endpoint.replace(/\/+$/, '')}/page-stats?site=${encodeURIComponent(site)}`;
    const res = await nativeFetch()(url, { credentials: 'omit' });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    const stats = await res.json();
    if (live()) session.setPageStats(stats);
  } catch (err) {
    if (live()) warn(`page statistics not loaded (${describe(err)}); shipped priors are used`);
  }
}
