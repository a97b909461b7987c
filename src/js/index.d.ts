/** Options for {@link init}. Every field is optional. */
export interface Options {
  /** Site id (1-64 of a-z, 0-9, '-', '_'); namespaces the stored session. Default "default". */
  site?: string;
  /** Backend base URL, e.g. "/v1". */
  endpoint?: string;
  /** The site's public write key. */
  key?: string;
  /** Fraction of visitors in the control arm, 0..1. Default 0.1. */
  holdout?: number;
  /** Keep the session across page loads (localStorage). Default true. */
  persist?: boolean;
  /** Special days (YYYY-MM-DD) for the intent model. Default: Valentine's and Mother's Day. */
  specialDays?: string[];
  /** Newer intent-model weights to fetch; used only if they match both checks below. */
  modelUrl?: string;
  /** Lowercase hex sha256 of the file at modelUrl. */
  modelSha256?: string;
  /** The model version the file must hold (see models/model.json). */
  modelVersion?: string;
  /** Variant policy: section name → rules (see README); default: the page's
   *  <script type="application/json" data-reshelf-policy>. */
  policy?: Record<string, Array<{ variant: string; when?: VariantConditions }>>;
  /** Where the capture module (`reshelf_capture.<hash>.wasm`) is served from. Default: next
   *  to this module. */
  wasmUrl?: string | URL;
  /** Subresource Integrity of the capture module (`sha384-…`, from pkg/sri.json). */
  wasmIntegrity?: string;
  /** Where the model engine (`reshelf_engine.<hash>.wasm`) is served from; it is fetched after
   *  first paint. Default: next to this module. */
  engineUrl?: string | URL;
  /** Subresource Integrity of the model engine (`sha384-…`, from pkg/sri.json). */
  engineIntegrity?: string;
  /** Where the model engine runs: 'worker' (default: a dedicated Web Worker; inference never
   *  runs on the main thread, a slot takes the model's order once the worker has answered for
   *  its items, and a 'decision' event tells an app that renders a slot to call `rank()`
   *  again) or 'main' (`rank()` gets the model's order at once). */
  engine?: 'main' | 'worker';
  /** Where the engine's script (`reshelf-engine-worker.<hash>.js`: the engine module's glue, run as
   *  the worker with engine 'worker', or with 'main' added to the page checked against its
   *  hash built into reshelf) is served from. Default: next to this module. */
  engineWorkerUrl?: string | URL;
  /** Where the sync script (`reshelf-sync.<hash>.js`: summaries' delivery, loaded after first paint
   *  and checked against its hash built into reshelf) is served from. Default: next to this
   *  module. */
  syncScriptUrl?: string | URL;
  /** Sending summaries: 'granted' (default), 'pending' (store and send nothing until
   *  consent('granted')), 'denied' (nothing is stored or sent). */
  consent?: 'granted' | 'pending' | 'denied';
  /** Treat Do-Not-Track / Global Privacy Control as consent denied. Default false. */
  respectDnt?: boolean;
  /** How often a changed summary is queued and sent while the page is open, in ms (≥ 1000).
   *  Default 10000. Summaries are also sent when the page is hidden or left. */
  syncInterval?: number;
  /** Which order slots get: 'model' (default; the learned ranker shipped in the wasm, see
   *  models/RANKER_CARD.md) or 'heuristic' (the hand-set order, also used when the model
   *  cannot load). Decisions record which ranker and version made them. */
  ranker?: 'model' | 'heuristic';
  /** Hash-router fragments (`#/product/1`) are page views, the page type re-read; in-page
   *  anchors (`#reviews` naming an element, `#top`) never are. Default true. */
  hashRoutes?: boolean;
  /** Kiosk mode: a shared device. No visitor id; the holdout arm is drawn per session; after
   *  `kioskIdle` ms without input (once touched) the session ends and `kioskHome` loads. */
  kiosk?: boolean;
  /** Idle time before a kiosk shopper's session ends, ms (≥ 1000). Default 60000. */
  kioskIdle?: number;
  /** The page a kiosk returns to for the next shopper. Default: the page it started on. */
  kioskHome?: string;
  /** Register reshelf's service worker (`true`: the `reshelf-sw.js` next to the SDK, or its
   *  URL), for kiosks that must boot offline. Add `?pages=/a/,/b/` to precache pages. */
  serviceWorker?: boolean | string;
  /** The worker's scope. Default "/". */
  serviceWorkerScope?: string;
}

/** The only data that leaves the device (see the README's privacy statement). */
export interface Summary {
  v: 1;
  sid: string;
  seq: number;
  ctl: boolean;
  model: string | null;
  /** The ranker of the latest slot decision: the model's version or 'heuristic'. */
  rk?: string;
  /** Up to 2 ranking examples: base64url of the quantised ranking features (22 bytes per
   *  item) of a clicked slot tile, then of the tiles shown above it. No ids. */
  rx?: string[];
  pv: [number, number, number];
  secs: [number, number, number];
  pages: string;
  cats: Array<[string, number]>;
  intent: string;
  dec: string[];
  out: { c: number; p: boolean; vb: number };
  dev: 'd' | 'm' | 't' | 'o';
  br: 'c' | 's' | 'f' | 'e' | 'o';
  src: 'd' | 's' | 'so' | 'r' | 'i';
  hr: number;
  wd: number;
  mo: number;
  ts: number;
  ret: boolean;
  sd: number;
}

export interface VariantConditions {
  min_intent?: number;
  max_intent?: number;
  min_cart?: number;
  max_cart?: number;
  min_product_pages?: number;
}

export interface Decision {
  t: number;
  arm: 'treatment' | 'control';
  model_version: string | null;
  /** Slot decisions: the ranker that ordered the slot, its version or 'heuristic'. */
  ranker?: string;
  applied: boolean;
  kind: 'slot' | 'variant';
  slot?: string;
  items?: number;
  moved?: number;
  section?: string;
  variant?: string;
}

export interface PerKind<T> {
  administrative: T;
  informational: T;
  product_related: T;
  unmarked: T;
}

export type PageType = 'home' | 'category' | 'product' | 'info' | 'account' | 'cart' | 'checkout' | 'unmarked';

export interface PageRecord {
  page: PageType;
  path_hash: number;
  duration_ms: number;
  max_scroll_depth: number;
}

export interface CategoryState {
  clicks: number;
  add_to_cart: number;
  dwell_ms: number;
  items_seen: number;
}

/** A snapshot of the session as of the call. */
export interface SessionSnapshot {
  site: string;
  session_id: string;
  started_at: number;
  last_activity: number;
  events: number;
  clicks: number;
  item_clicks: number;
  rage_clicks: number;
  add_to_cart: number;
  purchases: number;
  page_views: PerKind<number>;
  time_ms: PerKind<number>;
  page: PageType | null;
  max_scroll_depth: number;
  pages: PageRecord[];
  item_dwell_ms: Record<string, number>;
  item_clicks_by_id: Record<string, number>;
  items_seen: string[];
  categories: Record<string, CategoryState>;
  custom_events: Record<string, number>;
  dropped: number;
  /** Calibrated probability that this session ends in a purchase; null without a model. */
  intent: number | null;
  model_version: string | null;
  /** The ranker ordering slots now: its version, or 'heuristic' (asked for, still loading,
   *  or failed to load). */
  ranker: string;
  arm: 'treatment' | 'control';
  decisions: Decision[];
}

export interface EventPayloads {
  event: { type: string; t: number };
  session: { session_id: string };
  intent: { score: number; model_version: string };
  decision: Decision;
  error: { message: string };
}

export declare class Reshelf {
  readonly active: boolean;
  readonly error: string | null;
  state(): SessionSnapshot | null;
  track(name: string, props?: Record<string, unknown>): boolean;
  /** Scores the session now: calibrated purchase probability, or null without a model. */
  intentNow(): number | null;
  /** Runs a decision round now: score, rank slots, choose variants, apply (treatment). */
  decide(): void;
  /** Framework mode: the items in the order to render (the page is not touched). Ranked
   *  again when the model engine attaches and when its worker answers: an order that changed
   *  is a 'decision' event, the cue to render the slot again. */
  rank<T extends { id: string; category?: string; price?: number; brand?: string }>(slot: string, items: T[]): T[];
  /** Framework mode: the variant to render, or null for the default. */
  variant(section: string, offered: string[]): string | null;
  on<K extends keyof EventPayloads>(topic: K, callback: (payload: EventPayloads[K]) => void): () => void;
  /** Consent for sending summaries; the state in effect, or null without an endpoint. */
  consent(state: 'granted' | 'pending' | 'denied'): 'granted' | 'pending' | 'denied' | null;
  /** Queues the current summary and sends what waits; resolves when done or failed. */
  flush(): Promise<void>;
  /** Diagnostics: reshelf's WebAssembly memory in bytes. */
  heapBytes(): number | null;
  /** Diagnostics: calibrated scores for rows laid out as the model's input; null without a model. */
  scoreInputs(rows: Float32Array): Float32Array | null;
  /** The session's summary as it would be sent. */
  summary(): Summary | null;
  /** Closes the session (summary queued), starts an empty one; kiosks reload their start page. */
  endSession(): Promise<void>;
  newSession(): void;
  shutdown(): void;
}

/** Starts reshelf; always resolves (an inert instance when the SDK cannot run here). */
export declare function init(options?: Options): Promise<Reshelf>;
