// Kiosk mode: one device, many shoppers. Once a shopper has touched the kiosk, `kioskIdle` ms
// without input (default 60 s) or an explicit endSession() closes their session: its summary
// is queued for delivery, every trace of it is cleared, and the kiosk's start page loads again
// in its default arrangement for the next shopper. A session nobody touched (the start page
// waiting between shoppers) is never sent, so an idle kiosk does not fill the data with
// empty visits. The service worker (opt-in) keeps all of it working offline.
import { describe } from './describe.js';
import { scriptUrl } from './trusted.js';


const DEFAULT_IDLE_MS = 60000;
const INPUT_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'scroll'];

/** Which session a shopper has touched, shared by the kiosk's pages. */
function touchedKey(site) {
  return `reshelf:kiosk-touched:${site}`;
}

function readTouched(site) {
  try {
    return localStorage.getItem(touchedKey(site));
  } catch (_) {
    return null;
  }
}

/**
 * Starts the idle watch for `session` (the wasm handle). `endSession` closes the session;
 * returns `{ touched(), stop() }`.
 */
export function startKiosk(session, options, endSession) {
  const site = options.site;
  const idleMs = Number.isFinite(options.kioskIdle) && options.kioskIdle >= 1000 ? options.kioskIdle : DEFAULT_IDLE_MS;
  let timer = null;
  let memoryTouched = null; // when localStorage is unavailable
  const sid = () => {
    try {
      return session.sessionId;
    } catch (_) {
      return null;
    }
  };
  const touched = () => {
    const id = sid();
    return !!id && (readTouched(site) === id || memoryTouched === id);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = touched() ? setTimeout(() => endSession({ reason: 'idle' }), idleMs) : null;
  };
  const onInput = () => {
    const id = sid();
    if (id && !touched()) {
      memoryTouched = id;
      try {
        localStorage.setItem(touchedKey(site), id);
      } catch (_) {
        // kept in memory for this page
      }
    }
    arm();
  };
  for (const type of INPUT_EVENTS) addEventListener(type, onInput, { capture: true, passive: true });
  arm();
  return {
    touched,
    rearm: arm,
    stop() {
      clearTimeout(timer);
      for (const type of INPUT_EVENTS) removeEventListener(type, onInput, { capture: true });
    },
  };
}

/**
 * Registers reshelf's service worker when the page asked for one. A refusal (unsupported,
 * blocked, insecure context) leaves the SDK working online, with one warning.
 */
export async function registerWorker(url, scope, warn) {
  try {
    if (!('serviceWorker' in navigator) || !navigator.serviceWorker) throw new Error('service workers are not supported here');
    await navigator.serviceWorker.register(scriptUrl(url), scope ? { scope } : undefined);
  } catch (err) {
    warn(`kiosk service worker not registered (${describe(err)}); the SDK works online only`);
  }
}
