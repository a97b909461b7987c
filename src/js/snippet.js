// The inline snippet: pasted into the page's <head> as `<script>…</script>` (pkg/snippet.json
// holds it and the hash a Content-Security-Policy needs for it), it hears clicks and the
// window's scroll depth from the first parsed bytes of the page, before reshelf.js has
// arrived; init() takes its record over (early.js). Run twice, it listens once.
import { EARLY_KEY, listenEarly } from './early.js';

try {
  if (!globalThis[EARLY_KEY]) {
    const stop = listenEarly();
    try {
      globalThis[EARLY_KEY] = stop;
    } catch (_) {
      // handled below
    }
    // Nowhere for init() to find it (a frozen global object, a page's own setter): listen
    // from init() instead of holding clicks nobody takes.
    if (globalThis[EARLY_KEY] !== stop) stop();
  }
} catch (_) {
  // never throw into the page
}
