// reshelf's public JS API (ES module). A thin facade over the wasm exports whose one promise
// is that nothing reshelf does throws into the page: every call is guarded, a refused call
// returns a clear result, and if the wasm cannot load the page carries on with one warning.
import initWasm, { start } from 'reshelf:wasm-glue';
import { deferSync } from './deferred-sync.js';
import { startKiosk, registerWorker } from './kiosk.js';
import { nativeFetch } from './native.js';
import { describe } from './describe.js';
import { takeEarly } from './early.js';
import { ownScript } from './own-script.js';
import { workerEngine } from './engine-client.js';

// Module-private: the instance method that loads the model engine.
const START_ENGINE = Symbol('startEngine');
const TOPICS = new Set(['event', 'session', 'intent', 'decision', 'error']);
// One running instance per page whatever mix of script tags, bundles and init() calls: every
// copy of this module on the page finds the first one under this key and hands it back.
const SLOT = Symbol.for('reshelf.instance');
let own = null; // the slot when the global object refuses it (a frozen global)
let wasmLoaded = null;
let wasmMemory = null;
let painted = null;
// The engine's and the sync script load after first paint, when the browser is idle or at the
// latest this long after: scores, model-ranked slots and delivery come soon after load,
// never before capture.
const FIRST_PAINT_IDLE_TIMEOUT_MS = 200;
let warned = false;

function warnOnce(message, detail) {
  if (warned) return;
  warned = true;
  try {
    console.warn(`reshelf: ${message}; the page works as usual without personalisation.`, detail);
  } catch (_) {
    // a page that replaced console still must not see an exception from us
  }
}

/**
 * Starts reshelf on this page. Resolves to the one instance: calling it again, or another
 * copy of reshelf on the page (a second script tag, the npm build beside the tag) calling
 * it, returns the same promise and ignores its options. Never rejects: when the SDK cannot
 * start, the instance is inert (`active === false`, `error` says why).
 */
export function init(options = {}) {
  const held = slot();
  if (held) return held.ready;
  const entry = { ready: null, instance: null };
  own = entry;
  try {
    Object.defineProperty(globalThis, SLOT, { value: entry, configurable: true, writable: true });
  } catch (_) {
    // this copy alone keeps it
  }
  entry.ready = boot(options).then((r) => (entry.instance = r));
  return entry.ready;
}

function slot() {
  try {
    return globalThis[SLOT] || own;
  } catch (_) {
    return own;
  }
}

/** Where a kiosk goes back to for the next shopper: `kioskHome`, or the page it started on. */
function kioskHome(options) {
  try {
    return new URL(options.kioskHome ?? location.href, location.href).href;
  } catch (_) {
    return location.href;
  }
}

/** A warning per distinct message per page: an offline kiosk should not flood the console. */
function warnEach() {
  const seen = new Set();
  return (message) => {
    const kind = String(message).split(':')[0];
    if (seen.has(kind)) return;
    seen.add(kind);
    try {
      console.warn(`reshelf: ${message}`);
    } catch (_) {
      // no console: nothing to tell
    }
  };
}

/** User Timing marks let page owners see reshelf's start-up in their own performance tools. */
function mark(name) {
  try {
    performance.mark(name);
  } catch (_) {
    // no User Timing: nothing to record
  }
}

async function boot(options) {
  mark('reshelf:init');
  // Capture listens from here in JS (or since <head>, with the inline snippet), and the module
  // takes over what was heard once it runs.
  const early = takeEarly();
  try {
    const { wasmUrl, wasmIntegrity, engineUrl, engineIntegrity, engineWorkerUrl, syncScriptUrl, ...rest } = options && typeof options === 'object' ? options : {};
    // The fingerprinted names (__CAPTURE_WASM__, __ENGINE_WASM__, __ENGINE_SCRIPT__,
    // __SYNC_SCRIPT__) are string literals set by src/js/build.mjs: a new build is a new URL,
    // so the files can be cached as immutable, and bundlers see `new URL('…', import.meta.url)`
    // and emit the files.
    const url = wasmUrl ?? new URL(__CAPTURE_WASM__, import.meta.url);
    // The module is fetched and compiled once per page; an instance started again after
    // shutdown() reuses it. Fetched here, with the browser's own fetch, so a page's fetch
    // wrapper never sees it; with Subresource Integrity a wasm whose hash differs is refused.
    wasmLoaded ??= initWasm({
      module_or_path: nativeFetch()(url, {
        credentials: 'same-origin',
        ...(typeof wasmIntegrity === 'string' ? { integrity: wasmIntegrity } : {}),
      }),
    });
    const exports = await wasmLoaded.catch((err) => {
      wasmLoaded = null;
      throw err;
    });
    wasmMemory = exports && exports.memory;
    mark('reshelf:wasm-loaded');
    const warn = warnEach();
    if (rest.serviceWorker) {
      const url = typeof rest.serviceWorker === 'string' ? rest.serviceWorker : new URL('./reshelf-sw.js', import.meta.url).href;
      registerWorker(url, rest.serviceWorkerScope ?? '/', warn);
    }
    // Synchronous from here to start(): no event falls between the two sets of listeners.
    const session = start(rest, early());
    // The page's markup (page type, policy, slots, variants) lives in <body>: a script that runs
    // before the parser reached it (an async tag in <head> served from cache, a streamed page)
    // captures from the start and reads the markup again once the document is parsed.
    if (typeof document !== 'undefined' && !document.body && document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', () => {
        try {
          session.markupReady();
        } catch (_) {
          // shut down meanwhile
        }
      }, { once: true });
    }
    let instance = null;
    const kiosk = rest.kiosk ? startKiosk(session, rest, () => instance && instance.endSession()) : null;
    const sync = deferSync(session, rest, warn, () => !kiosk || kiosk.touched(), () => afterFirstPaint()
      .then(() => ownScript(syncScriptUrl ?? new URL(__SYNC_SCRIPT__, import.meta.url), __SYNC_SCRIPT_SRI__, 'reshelfSync')));
    instance = new Reshelf(session, null, { sync, kiosk, kioskHome: kiosk ? kioskHome(rest) : null });
    mark('reshelf:ready');
    instance[START_ENGINE]({
      url: engineUrl ?? new URL(__ENGINE_WASM__, import.meta.url),
      integrity: engineIntegrity,
      workerUrl: engineWorkerUrl ?? new URL(__ENGINE_SCRIPT__, import.meta.url),
      ...rest,
    });
    return instance;
  } catch (err) {
    early(); // the page is left as it was
    warnOnce('could not start', err);
    return new Reshelf(null, err);
  }
}

/**
 * Resolves after the first frame is painted and the browser is idle (or the timeout). One
 * wait per page, which the sync script and the engine both follow.
 */
function afterFirstPaint() {
  return (painted ??= new Promise((resolve) => {
    const idle = () => {
      if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: FIRST_PAINT_IDLE_TIMEOUT_MS });
      else setTimeout(resolve, 0);
    };
    // A hidden tab paints no frames: no reason to wait for one.
    if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') {
      requestAnimationFrame(() => setTimeout(idle, 0));
    } else {
      idle();
    }
  }));
}

/** A refusal the caller can act on (bad options, bad track props), as opposed to a fault. */
function isRefusal(err) {
  return err instanceof Error && err.message.startsWith('reshelf') && !(err instanceof WebAssembly.RuntimeError);
}

export class Reshelf {
  #session;
  #error;
  #sync;
  #kiosk;
  #kioskHome;
  #engine = null;
  #ending = null;
  // Framework mode: the items each slot was last ranked with, ranked again when the model
  // engine attaches and when a worker engine answers for a slot (see #rankAgain). At most 16
  // slots: a page renders a few.
  #ranked = new Map();

  constructor(session, error, { sync = null, kiosk = null, kioskHome = null } = {}) {
    this.#session = session;
    this.#error = error;
    this.#sync = sync;
    this.#kiosk = kiosk;
    this.#kioskHome = kioskHome;
  }

  /**
   * After first paint, starts the model engine in a worker (engine-client.js) or, adding the
   * engine's script, on the main thread (engine-start.js), and hands the engine to the session. Until then (and
   * for good if either cannot load) intent is unscored and slots get the hand-set order, which
   * decisions record as `ranker: 'heuristic'`; a failed load is said once.
   */
  async [START_ENGINE]({ engine: where = 'worker', ...how }) {
    const warn = (what, err) => {
      try {
        console.warn(`reshelf: the model engine ${what} (${describe(err)}); capture and sync go on, slots keep the hand-set order.`);
      } catch (_) {
        // no console: nothing to tell
      }
    };
    try {
      if (where !== 'main' && where !== 'worker') throw new Error(`engine must be 'main' or 'worker', got ${JSON.stringify(where)}`);
      // A browser starts a worker only from the page's own origin: an engine script served
      // from elsewhere (reshelf.js from a CDN) runs the engine on the page instead.
      if (new URL(how.workerUrl, location.href).origin !== location.origin) where = 'main';
      await afterFirstPaint();
      if (!this.#session) return;
      mark('reshelf:engine-start');
      // A worker needs nothing more on the page; on the main thread, the engine's script holds
      // the engine and how it starts.
      const engine = where === 'worker'
        ? await workerEngine(how,
          (answers) => {
            // One decision round after the batch's last answer, not one per answer.
            let slot = false;
            answers.forEach(({ id, scores }, i) => {
              slot = this.#guard(() => this.#session.engineAnswer(id, scores, i === answers.length - 1), false) || slot;
            });
            if (slot) this.#rankAgain();
          },
          (reason) => {
            warn('failed', reason);
            this.#guard(() => this.#session.detachEngine(), undefined);
          })
        : await (await ownScript(how.workerUrl, __ENGINE_SCRIPT_SRI__, 'reshelfEngine')).startEngine(how, { fetch: nativeFetch() });
      if (!this.#session) {
        engine.worker?.terminate();
        return;
      }
      this.#engine = engine;
      this.#guard(() => this.#session.attachEngine(engine), undefined);
      this.#rankAgain();
      mark('reshelf:engine-ready');
    } catch (err) {
      warn('could not load', err);
    }
  }

  /**
   * Closes the shopper's session: its summary is queued (and sent when online), then a new,
   * empty session starts. In kiosk mode the kiosk's start page then loads again, in its
   * default arrangement, for the next shopper. Calling it again while it runs returns the
   * same promise.
   */
  endSession() {
    if (!this.#session) return Promise.resolve();
    if (this.#ending) return this.#ending;
    this.#ending = (async () => {
      // Never inside a callback reshelf is running (a decision, an event): after it.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await this.flush();
      this.#guard(() => this.#session.newSession(), undefined);
      if (this.#kioskHome) location.replace(this.#kioskHome);
    })()
      .catch((err) => warnOnce('endSession failed', err))
      .finally(() => {
        this.#ending = null;
      });
    return this.#ending;
  }

  /** Whether reshelf is capturing on this page. */
  get active() {
    return this.#guard(() => !!this.#session && this.#session.active, false);
  }

  /** Why the instance is inert, when it is. */
  get error() {
    return this.#error ? String(this.#error.message ?? this.#error) : null;
  }

  /** A plain-object snapshot of the session, or null when inert. */
  state() {
    return this.#guard(() => this.#session.state(), null);
  }

  /** Records an event; true when stored, false (with a console warning) when refused. */
  track(name, props) {
    return this.#guard(() => {
      this.#session.track(name, props);
      return true;
    }, false);
  }

  /** Scores the session now; the calibrated purchase probability, or null without a model. */
  intentNow() {
    return this.#guard(() => this.#session.intentNow() ?? null, null);
  }

  /** Runs a decision round now (after the page's own code changed slots or sections). */
  decide() {
    this.#guard(() => this.#session.decide(), undefined);
  }

  /**
   * Framework mode: `items` ({ id, category?, price? }) in the order to render for `slot`.
   * The page is not touched; the control arm (and any failure) gets `items` as given.
   */
  rank(slot, items) {
    if (!Array.isArray(items)) return items;
    const name = String(slot);
    const order = this.#guard(() => this.#session.rank(name, items), null);
    if (!order) return items.slice();
    if (this.#ranked.size < 16 || this.#ranked.has(name)) this.#ranked.set(name, items);
    return Array.from(order, (i) => items[i]);
  }

  /** Framework mode: the variant of `section` to render among `offered`, or null (default). */
  variant(section, offered) {
    return this.#guard(() => this.#session.variant(String(section), Array.isArray(offered) ? offered : []) ?? null, null);
  }

  /** Subscribes to 'event', 'session' or 'error'; returns a function that unsubscribes. */
  on(topic, callback) {
    const noop = () => {};
    if (!TOPICS.has(topic) || typeof callback !== 'function') {
      console.warn(`reshelf.on: expected one of ${[...TOPICS].join(', ')} and a function`);
      return noop;
    }
    const id = this.#guard(() => this.#session.on(topic, callback), null);
    return id === null ? noop : () => this.#guard(() => this.#session.off(id), false);
  }

  /**
   * Consent for sending summaries: 'granted' starts delivery, 'denied' clears what is queued
   * and sends nothing more, 'pending' stores and sends nothing. Returns the state in effect
   * ('denied' under Do-Not-Track with `respectDnt`), or null when no endpoint is configured.
   */
  consent(state) {
    if (!this.#sync) return null;
    return this.#guard(() => this.#sync.consent(state), null);
  }

  /** Queues the current summary and sends what is waiting; resolves when done (or failed). */
  flush() {
    if (!this.#sync || !this.#session) return Promise.resolve();
    return this.#sync.flush().catch(() => {});
  }

  /** Diagnostics: the size of reshelf's WebAssembly memory in bytes (it never shrinks). */
  heapBytes() {
    return this.#guard(() => (wasmMemory ? wasmMemory.buffer.byteLength : null), null);
  }

  /**
   * Diagnostics: the intent model's calibrated scores for rows laid out as its input (a flat
   * Float32Array, `reshelf-train export` documents the layout); null until the model engine
   * has loaded, and always with the engine in a worker (its scores arrive asynchronously).
   */
  scoreInputs(rows) {
    return this.#guard(() => (this.#engine && !this.#engine.deferred ? this.#engine.scoreIntent(rows) ?? null : null), null);
  }

  /** The session's summary as it would be sent: the only data that leaves the device. */
  summary() {
    return this.#guard(() => this.#session.summary(), null);
  }

  /** Ends the session now and starts a new one (e.g. after sign-out). */
  newSession() {
    this.#guard(() => this.#session.newSession(), undefined);
  }

  /** Saves the session and removes every listener, observer and timer reshelf installed. */
  shutdown() {
    const session = this.#session;
    const sync = this.#sync;
    this.#sync = null;
    this.#kiosk?.stop();
    this.#kiosk = null;
    if (sync) {
      try {
        sync.stop();
      } catch (_) {
        // delivery is best effort at shutdown: the queue keeps what was not sent
      }
    }
    this.#session = null;
    this.#ranked.clear();
    this.#engine?.worker?.terminate();
    this.#engine = null;
    const held = slot();
    if (held && held.instance === this) {
      try {
        delete globalThis[SLOT];
      } catch (_) {
        // a frozen global never held it
      }
      own = null;
    }
    if (!session) return;
    try {
      session.shutdown();
      session.free();
    } catch (err) {
      warnOnce('shutdown failed', err);
    }
  }

  /**
   * Framework mode: ranks each slot the app ranked again with the items it was last ranked
   * with, once the model has something new to say (its engine attached, or a worker's answer
   * for a slot arrived). An order that changed is a new decision, and its 'decision' event is
   * the app's cue to render the slot again; `rank()` then returns that order.
   */
  #rankAgain() {
    this.#ranked.forEach((items, name) => this.#guard(() => this.#session.rank(name, items)));
  }

  #guard(fn, fallback) {
    if (!this.#session) return fallback;
    try {
      return fn();
    } catch (err) {
      if (isRefusal(err)) {
        console.warn(err.message);
      } else {
        // A fault inside the wasm leaves it unusable: go inert rather than fail again.
        this.#error = err;
        this.#session = null;
        warnOnce('stopped after an internal error', err);
      }
      return fallback;
    }
  }
}
