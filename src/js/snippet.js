// The inline snippet: pasted into the page's <head> as `<script>…</script>` (pkg/snippet.json
// holds it and the hash a Content-Security-Policy needs for it), it hears clicks and the
// window's scroll depth from the first parsed bytes of the page, before reshelf.js has
// arrived; init() takes its record over (early.js). Run twice, it listens once.
import { EARLY_KEY, listenEarly } from './early.js';

try {
  globalThis[EARLY_KEY] ||= listenEarly();
} catch (_) {
  // a page that froze the global object: init() listens from when it runs
}
