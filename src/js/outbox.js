// The outbox: a persistent delivery queue for session summaries. Summaries wait in IndexedDB
// (localStorage as a fallback) until they are delivered, so a reload, a crash or a flaky
// network loses nothing; a cap keeps the queue small. No dependencies, and, like the rest of
// the SDK, nothing here throws into the page: failures go to `onError`.
import { nativeFetch } from './native.js';
import { CONSENT, doNotTrack } from './sync-config.js';

const CONTENT_TYPE = 'text/plain;charset=UTF-8'; // CORS-safelisted: no preflight, beacon-safe
const BASE_MS = 1000;
const CAP_MS = 5 * 60 * 1000;
const MAX_WAIT_MS = 24 * 3600 * 1000; // setTimeout overflows past 2^31 ms; a day is plenty
const KEEPALIVE_BUDGET = 65536; // browsers cap in-flight beacon/keepalive bodies at 64 KiB
const LEASE_MS = 10000;
const LEASE_SETTLE_MS = 50;
const OPEN_TIMEOUT_MS = 3000;
const FETCH_TIMEOUT_MS = 30000; // a hung request would otherwise hold the lock for every tab
const DROPPED_DIGITS = 16; // room reserved in a batch for the `dropped` number
const OUTBOX_ID_BYTES = ',"outbox":""'.length + 16;
// The device's clock when a batch leaves: the server corrects a skewed clock from it.
const sentAt = () => `,"sent_at":${Date.now()}`;
const SENT_AT_BYTES = ',"sent_at":'.length + 16;
const ITEMS = 'summaries';
const META = 'meta';

/** Full-jitter exponential backoff: random in [0, min(5 min, 1 s × 2^(failures-1))), at least retryAfterMs. */
export function backoffDelay(failures, retryAfterMs = 0, random = Math.random) {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(Math.max(1, failures | 0) - 1, 30));
  const floor = Math.min(Math.max(0, Number(retryAfterMs) || 0), MAX_WAIT_MS);
  return Math.max(Math.floor(random() * ceiling), floor);
}

/** Retry-After is either delay-seconds or an HTTP date; anything else means no hint. */
function parseRetryAfter(value, now) {
  if (!value) return 0;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}

let encoder = null;
function utf8Length(text) {
  encoder = encoder || new TextEncoder();
  return encoder.encode(text).length;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const isQuota = (err) => !!err && (err.name === 'QuotaExceededError' || err.name === 'NS_ERROR_DOM_QUOTA_REACHED' || err.code === 22);

/** 16 random hex digits: this outbox's id, under which the server keeps its running total of drops. */
function newOutboxId() {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The queue as read inside one storage transaction; writes go through to the backend's `ops`.
 * `meta` holds `dropped`, the running total of summaries this outbox ever had to drop, and `id`,
 * the outbox's id (made on the first drop). Every batch reports both; the server keeps the
 * largest total per id, so a batch sent twice (a lost answer, a beacon that did arrive) counts
 * nothing twice.
 */
function makeView(entries, meta, ops) {
  const bySid = new Map(entries.map((e) => [e.sid, e]));
  return {
    bySid,
    dropped: Math.max(0, Number(meta?.dropped) || 0),
    outbox: typeof meta?.id === 'string' ? meta.id : null,
    oldestFirst: () => [...bySid.values()].sort((a, b) => a.at - b.at),
    set(entry) { bySid.set(entry.sid, entry); ops.set(entry); },
    del(sid) { if (bySid.delete(sid)) ops.del(sid); },
    /** Adds `n` drops to the running total. */
    addDropped(n) {
      if (!(n > 0)) return;
      this.outbox = this.outbox || newOutboxId();
      this.dropped += n;
      ops.meta({ dropped: this.dropped, id: this.outbox });
    },
  };
}

function openIdb(name) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    let late = false;
    // Some private modes never answer an open request; waiting forever would stall capture.
    const timer = setTimeout(() => { late = true; reject(new Error('IndexedDB open timed out')); }, OPEN_TIMEOUT_MS);
    req.onupgradeneeded = () => { req.result.createObjectStore(ITEMS, { keyPath: 'sid' }); req.result.createObjectStore(META); };
    req.onsuccess = () => { clearTimeout(timer); if (late) req.result.close(); else resolve(req.result); };
    req.onerror = () => { clearTimeout(timer); reject(req.error); };
    req.onblocked = () => { clearTimeout(timer); reject(new Error('IndexedDB open blocked')); };
  });
}

/** One readwrite (or readonly) transaction per update: IndexedDB serialises them across tabs. */
function idbStore(db, lost) {
  // Let another tab delete the database (consent denied there); we reopen when needed.
  db.onversionchange = () => { db.close(); lost(); };
  db.onclose = lost;
  return {
    close: () => db.close(),
    update: (fn, mode = 'readwrite') => new Promise((resolve, reject) => {
      const tx = db.transaction([ITEMS, META], mode);
      const [items, meta] = [tx.objectStore(ITEMS), tx.objectStore(META)];
      const [all, m] = [items.getAll(), meta.get('meta')];
      let result, failure;
      m.onsuccess = () => {
        const ops = { set: (e) => items.put(e), del: (sid) => items.delete(sid), meta: (v) => meta.put(v, 'meta') };
        try { result = fn(makeView(all.result, m.result, ops)); } catch (err) { failure = err; tx.abort(); }
      };
      tx.oncomplete = () => resolve(result);
      tx.onabort = () => reject(failure || tx.error || new Error('IndexedDB transaction aborted'));
    }),
  };
}

/**
 * A JSON string literal, written without `JSON.stringify`: a `toJSON` the page put on a
 * prototype cannot change what reshelf stores.
 */
const quote = (s) =>
  `"${String(s).replace(/["\\\u0000-\u001f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;

/** The queue as JSON text (see `quote`). */
function queueText(view) {
  const items = [...view.bySid.values()]
    .map((e) => `${quote(e.sid)}:{"sid":${quote(e.sid)},"seq":${Number(e.seq)},"json":${quote(e.json)},"bytes":${Number(e.bytes)},"at":${Number(e.at)}}`)
    .join(',');
  const id = view.outbox ? `,"id":${quote(view.outbox)}` : '';
  return `{"items":{${items}},"dropped":${Number(view.dropped)}${id}}`;
}

/** The same interface over one JSON text (localStorage, or memory when even that is blocked). */
function textStore(load, save) {
  return {
    close() {},
    async update(fn) {
      let data = null;
      try { data = JSON.parse(load()); } catch (_) { /* corrupt or missing: start empty */ }
      data = data && typeof data === 'object' ? data : {};
      let dirty = false;
      const touch = () => { dirty = true; };
      const view = makeView(Object.values(data.items || {}), data, { set: touch, del: touch, meta: touch });
      const result = fn(view);
      // An empty queue leaves no key behind.
      if (dirty) save(view.bySid.size || view.dropped ? queueText(view) : null);
      return result;
    },
  };
}

async function openStore(site, lost, report) {
  try {
    if (typeof indexedDB === 'undefined' || !indexedDB) throw new Error('no IndexedDB');
    return idbStore(await openIdb(`reshelf-outbox:${site}`), lost);
  } catch (_) {
    try {
      const ls = localStorage;
      const key = `reshelf:outbox:${site}`;
      ls.getItem(key); // throws when storage is blocked
      return textStore(() => ls.getItem(key), (text) => (text === null ? ls.removeItem(key) : ls.setItem(key, text)));
    } catch (err) {
      report(err); // the queue now lives only as long as the page
      let memory = null;
      return textStore(() => memory, (text) => { memory = text; });
    }
  }
}

function deleteIdb(name) {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined' || !indexedDB) return resolve();
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    // onblocked: other tabs close their connections on versionchange, then this succeeds.
  });
}

/** Runs `work` only if no other tab (or flush in this tab) is sending; resolves with its value early while it holds the lock until `hold` settles. */
function exclusive(site, work) {
  return new Promise((resolve, reject) => {
    const run = async (granted) => {
      if (!granted) return resolve(0);
      const { value, hold } = await work();
      resolve(value);
      await hold;
    };
    const locks = typeof navigator !== 'undefined' && navigator.locks;
    const request = locks && typeof locks.request === 'function'
      ? locks.request(`reshelf-outbox:${site}`, { ifAvailable: true }, run)
      : withLease(site, run);
    request.catch(reject);
  });
}

/** Fallback mutual exclusion without Web Locks: a short lease in localStorage, renewed while held. */
async function withLease(site, run) {
  const key = `reshelf:outbox-lease:${site}`;
  let ls;
  try { ls = localStorage; ls.getItem(key); } catch (_) { return run(true); } // no shared storage: no other tab shares our queue
  const read = () => { try { return JSON.parse(ls.getItem(key)); } catch (_) { return null; } };
  const owner = Math.random().toString(36).slice(2);
  const claim = () => { try { ls.setItem(key, `{"owner":"${owner}","until":${Date.now() + LEASE_MS}}`); } catch (_) { /* keep the old lease */ } };
  const held = read();
  if (held && held.until > Date.now()) return run(false);
  claim();
  // Two tabs may both have seen a free lease; writes reach other tabs within milliseconds, last one wins.
  await sleep(LEASE_SETTLE_MS);
  const winner = read();
  if (!winner || winner.owner !== owner) return run(false);
  const renew = setInterval(claim, LEASE_MS / 3);
  try {
    return await run(true);
  } finally {
    clearInterval(renew);
    if ((read() || {}).owner === owner) ls.removeItem(key);
  }
}

const positive = (value, fallback) => (Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback);

/** Creates the outbox of one site. Never throws: bad options give an inert outbox and an onError call. */
export function createOutbox(options) {
  const o = options && typeof options === 'object' ? options : {};
  const report = (err) => { try { if (typeof o.onError === 'function') o.onError(err); } catch (_) { /* the page's handler failed */ } };
  try {
    if (typeof o.site !== 'string' || !o.site || typeof o.endpoint !== 'string') throw new TypeError('reshelf outbox: site and endpoint are required');
    return makeOutbox({
      site: o.site, endpoint: o.endpoint, key: String(o.key ?? ''),
      consent: CONSENT.includes(o.consent) ? o.consent : 'granted', respectDnt: o.respectDnt === true,
      maxItems: positive(o.maxItems, 1000), maxBytes: positive(o.maxBytes, 1048576),
      batchSize: positive(o.batchSize, 50), batchBytes: positive(o.batchBytes, 60000),
    }, report);
  } catch (err) {
    report(err);
    return { put: async () => false, flush: async () => ({ sent: 0, pending: 0 }), beaconNow: () => false, consent: () => 'denied', granted: () => false, pending: async () => 0, close() {} };
  }
}

function makeOutbox(cfg, report) {
  const { site } = cfg;
  const url = `${cfg.endpoint.replace(/\/+$/, '')}/summaries?site=${encodeURIComponent(site)}&key=${encodeURIComponent(cfg.key)}`;
  const head = `{"site":${JSON.stringify(site)},"dropped":`;
  const envelopeBytes = utf8Length(head) + DROPPED_DIGITS + OUTBOX_ID_BYTES + SENT_AT_BYTES + utf8Length(',"summaries":[]}');
  const entryLimit = Math.min(cfg.maxBytes, cfg.batchBytes - envelopeBytes);
  const nav = typeof navigator !== 'undefined' ? navigator : {};
  const dnt = cfg.respectDnt && doNotTrack();
  let consentState = cfg.consent;
  let storeP = null; // the open store, opened lazily so that nothing is created before consent
  let clearing = Promise.resolve(); // a running erase (consent denied) that opening must wait for
  let nextAt = 0; // no sending before this (backoff)...
  let hardUntil = 0; // ...and, even when back online, not before the server's Retry-After
  let failures = 0, lastAt = 0, timer = null, closed = false;

  // "Nothing waits": set by a flush that left the queue empty, cleared before every put, so
  // that a page whose queue is empty (most pages) sends nothing without opening IndexedDB or
  // taking the lock. A put from another tab racing a flush's mark can hide an entry only until
  // the next put anywhere on the site clears the mark again; nothing is lost.
  const emptyKey = `reshelf:outbox-empty:${site}`;
  const markEmpty = (empty) => {
    try {
      if (empty) localStorage.setItem(emptyKey, '1');
      else localStorage.removeItem(emptyKey);
    } catch (_) { /* no localStorage: every flush looks */ }
  };
  const knownEmpty = () => {
    try {
      return localStorage.getItem(emptyKey) === '1';
    } catch (_) {
      return false;
    }
  };
  const effective = () => (dnt ? 'denied' : consentState);
  const granted = () => effective() === 'granted';
  const online = () => nav.onLine !== false;
  function store() {
    if (storeP) return storeP;
    const opened = clearing.then(() => openStore(site, () => { if (storeP === opened) storeP = null; }, report));
    return (storeP = opened);
  }

  async function withStore(fn) {
    for (let tries = 0; ; tries++) {
      const opened = store();
      try {
        return await fn(await opened);
      } catch (err) {
        // The connection was closed under us (another tab deleted the database): reopen once.
        if (tries || !err || err.name !== 'InvalidStateError') throw err;
        if (storeP === opened) storeP = null;
      }
    }
  }
  const read = (fn) => withStore((s) => s.update(fn, 'readonly'));
  const write = (fn) => withStore((s) => s.update(fn));

  function validEntry(sid, seq, json) {
    if (typeof sid !== 'string' || !sid) throw new TypeError('reshelf outbox: sid must be a non-empty string');
    if (typeof seq !== 'number' || !Number.isFinite(seq)) throw new TypeError('reshelf outbox: seq must be a finite number');
    if (typeof json !== 'string') throw new TypeError('reshelf outbox: summary must be a JSON string');
    JSON.parse(json); // one malformed text would make every batch it joins unreadable
    const bytes = utf8Length(json);
    if (bytes > entryLimit) throw new RangeError(`reshelf outbox: summary of ${bytes} bytes exceeds ${entryLimit}`);
    return { sid, seq, json, bytes };
  }

  function dropOldest(view, count, keepSid) {
    const victims = view.oldestFirst().filter((e) => e.sid !== keepSid).slice(0, count);
    victims.forEach((e) => view.del(e.sid));
    return victims.length;
  }

  function enforceCaps(view) {
    const list = view.oldestFirst();
    let bytes = list.reduce((n, e) => n + e.bytes, 0);
    let i = 0;
    while (i < list.length && (list.length - i > cfg.maxItems || bytes > cfg.maxBytes)) {
      bytes -= list[i].bytes;
      view.del(list[i++].sid);
    }
    return i;
  }

  /**
   * Runs inside the write transaction; `attempt` > 0 after a quota error makes room first.
   * Whether the entry (or a newer one of its session) now waits in the queue.
   */
  function upsert(view, entry, attempt) {
    if (!granted()) return false; // consent may have changed while the store was opening
    const old = view.bySid.get(entry.sid);
    if (old && old.seq > entry.seq) return true;
    // Strictly increasing within a tab so that "oldest first" is exact even within one millisecond.
    const at = old ? old.at : (lastAt = Math.max(Date.now(), lastAt + 1));
    let dropped = attempt ? dropOldest(view, 2 ** (attempt - 1), entry.sid) : 0;
    view.set({ ...entry, at });
    dropped += enforceCaps(view);
    view.addDropped(dropped);
    return view.bySid.get(entry.sid)?.seq === entry.seq; // not dropped again by the caps
  }

  /** Queues a summary; resolves to whether it was taken (false: no consent, refused, failed). */
  async function put(sid, seq, json) {
    try {
      if (!granted()) return false;
      const entry = validEntry(sid, seq, json);
      markEmpty(false);
      for (let attempt = 0; ; attempt++) {
        try {
          return (await write((view) => upsert(view, entry, attempt))) === true;
        } catch (err) {
          if (!isQuota(err) || attempt >= 10) throw err;
        }
      }
    } catch (err) {
      report(err);
      return false;
    }
  }

  /** How many summaries wait; rejects when the store cannot be read. */
  const count = () => read((view) => view.bySid.size);

  async function pending() {
    try {
      return granted() ? await count() : 0;
    } catch (err) {
      report(err);
      return 0;
    }
  }

  /** Oldest first, cut into batches of at most batchSize entries and batchBytes of body. */
  async function snapshot() {
    const { entries, dropped } = await read((view) => ({ entries: view.oldestFirst(), dropped: { total: view.dropped, id: view.outbox } }));
    const batches = [];
    let size = envelopeBytes;
    for (const e of entries) {
      const last = batches[batches.length - 1];
      if (last && last.length < cfg.batchSize && size + 1 + e.bytes <= cfg.batchBytes) {
        last.push(e);
        size += 1 + e.bytes;
      } else {
        batches.push([e]);
        size = envelopeBytes + e.bytes;
      }
    }
    return { batches, dropped };
  }

  // Stored texts are already JSON, so the body is concatenated rather than re-serialised.
  const body = (dropped, batch) => {
    const outbox = dropped.id ? `,"outbox":${JSON.stringify(dropped.id)}` : '';
    return `${head}${dropped.id ? dropped.total : 0}${outbox}${sentAt()},"summaries":[${batch.map((e) => e.json).join(',')}]}`;
  };

  async function post(text, keepalive) {
    const abort = typeof AbortController === 'function' ? new AbortController() : null;
    const timeout = abort && !keepalive ? setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS) : null;
    try {
      const res = await nativeFetch()(url, {
        method: 'POST', body: text, keepalive, credentials: 'omit', mode: 'cors',
        headers: { 'Content-Type': CONTENT_TYPE }, signal: abort ? abort.signal : undefined,
      });
      const hinted = res.status === 429 || res.status === 503;
      // Summaries the server refused one by one (the valid ones beside them were stored).
      let refused = [];
      if (res.ok && !keepalive) {
        try {
          const answer = await res.json();
          if (answer && Array.isArray(answer.refused)) refused = answer.refused;
        } catch (_) { /* no body to read: nothing was refused */ }
      }
      return { status: res.status, retryAfter: hinted ? parseRetryAfter(res.headers.get('Retry-After'), Date.now()) : 0, refused };
    } catch (_) {
      return { status: 0, retryAfter: 0 }; // network error, CORS failure or our timeout: retry later
    } finally {
      clearTimeout(timeout);
    }
  }

  const verdict = (status) => (status >= 200 && status < 300 ? 'ok' : status >= 400 && status < 500 && status !== 408 && status !== 429 ? 'reject' : 'retry');

  /**
   * After a definite answer: delete what was sent unless a newer version replaced it
   * meanwhile. `refused` summaries of an accepted batch count as dropped (the server said
   * why; sending them again cannot help), as does a rejected batch.
   */
  function settle(batch, ok, refused = 0) {
    return write((view) => {
      let removed = 0;
      for (const e of batch) {
        const cur = view.bySid.get(e.sid);
        if (cur && cur.seq === e.seq && cur.json === e.json) { view.del(e.sid); removed++; }
      }
      view.addDropped(ok ? refused : removed);
    });
  }

  /** Applies one response: 'ok' (delivered), 'reject' (can never succeed: dropped) or 'retry'. */
  async function outcome(batch, res) {
    const kind = verdict(res.status);
    if (kind === 'retry') {
      failed(res.retryAfter);
      return kind;
    }
    const refused = (res.refused || []).length;
    await settle(batch, kind === 'ok', refused);
    if (kind === 'ok' && refused) {
      const why = res.refused.slice(0, 3).map((r) => `${r && r.sid}: ${r && r.error}`).join('; ');
      report(new Error(`reshelf outbox: the server refused ${refused} summar${refused === 1 ? 'y' : 'ies'} (${why})`));
    }
    if (kind === 'ok') failures = 0;
    else report(Object.assign(new Error(`reshelf outbox: batch rejected with HTTP ${res.status}`), { status: res.status }));
    return kind;
  }

  function failed(retryAfter) {
    const now = Date.now();
    failures++;
    hardUntil = now + Math.min(retryAfter, MAX_WAIT_MS);
    nextAt = now + backoffDelay(failures, retryAfter);
    schedule(nextAt - now);
  }

  function schedule(ms) {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; flush(); }, Math.max(0, ms));
  }

  // Every batch reports the outbox's running total of drops (see makeView).
  async function drain(useBeacon) {
    const { batches, dropped } = await snapshot();
    let sent = 0;
    let budget = KEEPALIVE_BUDGET;
    const holds = [];
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i];
      const text = body(dropped, batch);
      if (!useBeacon) {
        const kind = await outcome(batch, await post(text, false));
        if (kind === 'retry') break;
        if (kind === 'ok') sent += batch.length;
      } else if ((budget -= utf8Length(text)) < 0) {
        break; // over the keepalive budget: the rest waits for the next page
      } else if (beacon(text)) {
        await settle(batch, true);
        sent += batch.length;
      } else {
        // The lock stays held until the keepalive answers, so no other tab resends these meanwhile.
        holds.push(post(text, true).then((res) => outcome(batch, res)).catch(report));
      }
    }
    return { value: sent, hold: Promise.all(holds) };
  }

  function beacon(text) {
    try {
      return typeof nav.sendBeacon === 'function' && nav.sendBeacon(url, new Blob([text], { type: CONTENT_TYPE })) === true;
    } catch (_) {
      return false;
    }
  }

  async function flush(opts) {
    const useBeacon = !!(opts && opts.beacon);
    if (granted() && knownEmpty()) return { sent: 0, pending: 0 };
    try {
      // Offline: keep everything; the `online` event brings us back. In backoff: the timer will.
      const now = Date.now();
      if (!granted() || !online() || now < hardUntil || now < nextAt) {
        if (granted() && now < nextAt && !timer && !useBeacon) schedule(nextAt - now);
        return { sent: 0, pending: await pending() };
      }
      const sent = await exclusive(site, () => drain(useBeacon));
      // count(), not pending(): a store that cannot be read must not be marked empty.
      const left = await count();
      if (left === 0) markEmpty(true);
      return { sent, pending: left };
    } catch (err) {
      report(err);
      return { sent: 0, pending: await pending() };
    }
  }

  /** Forgets the open store and closes it once any running transaction has finished. */
  function release() {
    const open = storeP;
    storeP = null;
    return open ? open.then((s) => s.close()) : Promise.resolve();
  }

  function clearAll() {
    const closing = release();
    clearing = clearing.then(async () => {
      await closing;
      await Promise.race([deleteIdb(`reshelf-outbox:${site}`), sleep(OPEN_TIMEOUT_MS)]);
      try { localStorage.removeItem(`reshelf:outbox:${site}`); } catch (_) { /* no localStorage: nothing there */ }
    }).catch(report);
  }

  function consent(state) {
    try {
      if (!CONSENT.includes(state)) throw new TypeError(`reshelf outbox: unknown consent state ${state}`);
      consentState = state;
      if (effective() === 'denied') clearAll();
    } catch (err) {
      report(err);
    }
    return effective();
  }

  const onOnline = () => { nextAt = hardUntil; flush(); };

  /**
   * On unload the page runs no further task, so neither the lock nor IndexedDB can be used:
   * the current summary alone goes out now with sendBeacon, outside the queue. Its queued
   * copy (if the put landed) is sent again later, which the server ignores as stale.
   * Whether the browser took the beacon; when it refused, a keepalive fetch is tried too.
   */
  function beaconNow(json) {
    try {
      if (closed || !granted() || !online() || Date.now() < nextAt || typeof nav.sendBeacon !== 'function') return false;
      if (typeof json !== 'string' || utf8Length(json) > entryLimit) return false;
      const body = `${head}0${sentAt()},"summaries":[${json}]}`;
      if (nav.sendBeacon(url, new Blob([body], { type: CONTENT_TYPE }))) return true;
      // Refused (the page's other beacons used the in-flight budget): a keepalive fetch may
      // still leave; the caller keeps a copy for the next visit either way.
      nativeFetch()(url, { method: 'POST', body, keepalive: true, credentials: 'omit', mode: 'cors', headers: { 'Content-Type': CONTENT_TYPE } })
        .catch(() => {});
      return false;
    } catch (err) {
      report(err);
      return false;
    }
  }

  function close() {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    timer = null;
    try { removeEventListener('online', onOnline); } catch (_) { /* not a window */ }
    release().catch(() => {});
  }

  try { addEventListener('online', onOnline); } catch (_) { /* not a window */ }
  if (effective() === 'denied') clearAll(); // leftovers from an earlier grant
  return { put, flush, beaconNow, consent, granted, pending, close };
}
