// Sync: turns the live session into summaries for the outbox, and brings the backend's page
// statistics into the model. Summaries are built in the wasm (one Rust type, shared with the
// server); this file only decides when, and never lets a failure reach the page.
import { createOutbox } from './outbox.js';
import { watchNavigations, park, takeParked } from './handoff.js';

const DEFAULT_INTERVAL_MS = 10000;

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
  const { endpoint, key } = options;
  const site = options.site ?? 'default';
  if (typeof endpoint !== 'string' || !endpoint || typeof key !== 'string' || !key || typeof site !== 'string') {
    return null;
  }
  const outbox = createOutbox({
    site,
    endpoint,
    key,
    consent: options.consent ?? 'granted',
    respectDnt: options.respectDnt === true,
    onError: (err) => warn(`summary delivery: ${err && err.message ? err.message : err}`),
  });
  let last = '';
  let latest = null;
  // Queues the current summary when it says something new. Time on page alone does not
  // count while the page is open (`material`): the summary sent on leaving carries it.
  const capture = (leaving = false) => {
    if (!shouldSend()) return Promise.resolve();
    let summary;
    try {
      summary = session.summary();
    } catch (_) {
      return Promise.resolve(); // shut down or inert: nothing to send
    }
    const json = JSON.stringify(summary);
    latest = json;
    const material = leaving ? json : materialOf(json);
    if (material === last) return Promise.resolve();
    last = material;
    return outbox.put(summary.sid, summary.seq, json);
  };
  // What a previous page handed over: superseded when this page continues that session.
  const parked = takeParked(site);
  if (parked !== null) {
    let current = null;
    try {
      current = session.summary().sid;
    } catch (_) { /* no live session here: the parked one is sent as it is */ }
    try {
      const p = JSON.parse(parked);
      if (p && typeof p.sid === 'string' && p.sid !== current) outbox.put(p.sid, p.seq, parked);
    } catch (_) { /* unreadable: nothing worth keeping */ }
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
    if (!shouldSend()) return;
    if (navigations.leavingWithinSite()) {
      try {
        if (park(site, JSON.stringify(session.summary()))) return;
      } catch (_) { /* shut down: send what was captured */ }
    }
    capture(true);
    if (latest) outbox.beaconNow(latest);
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') hide();
  };
  addEventListener('pagehide', leave);
  document.addEventListener('visibilitychange', onVisibility);
  loadPageStats(session, endpoint, site, warn);
  // What earlier pages queued (or a crash left behind) goes out soon after start.
  const first = setTimeout(() => outbox.flush(), 1000);
  return {
    consent: (state) => outbox.consent(state),
    flush: () => capture(true).then(() => outbox.flush()),
    pending: () => outbox.pending(),
    stop() {
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
 */
async function loadPageStats(session, endpoint, site, warn) {
  try {
    const url = `${endpoint.replace(/\/+$/, '')}/page-stats?site=${encodeURIComponent(site)}`;
    const res = await fetch(url, { credentials: 'omit' });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    session.setPageStats(await res.json());
  } catch (err) {
    warn(`page statistics not loaded (${err && err.message ? err.message : err}); shipped priors are used`);
  }
}
