// Delivery starts after first paint. The code that sends summaries (sync.js, the outbox) is
// the sync script, loaded then (own-script.js), so it is not on the way to capture. Until it
// runs, this stand-in holds the page's consent calls and, should the shopper leave first,
// parks the session's summary for the next page of the store (handoff.js), which sends it.
import { park } from './handoff.js';
import { describe } from './describe.js';
import { CONSENT, doNotTrack, syncTarget } from './sync-config.js';

/**
 * Starts syncing `session` once `load()` resolves with the sync script's `{ startSync }`;
 * `options`, `warn` and `shouldSend` are startSync's. Returns startSync's controller
 * (`consent`, `flush`, `pending`, `stop`) at once, or null when the page configured no
 * endpoint. If the script cannot load, `warn` says so once and leaving keeps parking the
 * summary, so a later page that can send sends it.
 */
export function deferSync(session, options, warn, shouldSend, load) {
  const target = syncTarget(options);
  if (!target) return null;
  const { site } = target;
  let consent = CONSENT.includes(options.consent) ? options.consent : 'granted';
  let asked = false;
  const dnt = options.respectDnt === true && doNotTrack();
  const effective = () => (dnt ? 'denied' : consent);
  let real = null;
  let stopped = false;
  const leave = () => {
    if (real || !shouldSend() || effective() !== 'granted') return;
    try {
      park(site, session.summaryJson());
    } catch (_) {
      // shut down: nothing to park
    }
  };
  addEventListener('pagehide', leave);
  const started = load().then(({ startSync }) => {
    if (stopped) return null;
    removeEventListener('pagehide', leave);
    real = startSync(session, { ...options, consent }, warn, shouldSend);
    // Denied before the script ran: erase what earlier pages queued, as consent('denied') does.
    if (asked && real && effective() === 'denied') real.consent('denied');
    return real;
  }).catch((err) => {
    warn(`summaries are not sent from this page (${describe(err)}); the session is kept for the next page`);
    return null;
  });
  return {
    consent(state) {
      if (real) return real.consent(state);
      if (CONSENT.includes(state)) {
        consent = state;
        asked = true;
      } else {
        warn(`summary delivery: unknown consent state ${state}`);
      }
      return effective();
    },
    // Without the script, the summary is parked as on leaving (e.g. before endSession()).
    flush: () => started.then((s) => (s ? s.flush() : leave())),
    pending: () => started.then((s) => (s ? s.pending() : 0)),
    stop() {
      stopped = true;
      if (real) return real.stop();
      removeEventListener('pagehide', leave);
      leave();
    },
  };
}
