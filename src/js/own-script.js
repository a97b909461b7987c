// reshelf's own scripts loaded after first paint on the page's thread (the sync script, and
// with `engine: 'main'` the engine's script): each is added as a <script> whose integrity is
// that file's hash, built into this bundle by src/js/build.mjs, so a page that pins
// reshelf.js by Subresource Integrity pins them through it.
import { scriptUrl } from './trusted.js';

const loading = new Map();

/**
 * Adds the script at `url` (a string or URL) checked against `integrity` (`sha384-…`), and
 * resolves with what it handed its element under `name` (e.g. `reshelfSync`). Once per page
 * and name: an instance started again after shutdown() reuses it. Rejects with an Error
 * saying which, when the script does not load, its hash differs, or it is not reshelf's.
 */
export function ownScript(url, integrity, name) {
  if (!loading.has(name)) {
    const p = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = scriptUrl(url);
      s.integrity = integrity;
      s.crossOrigin = 'anonymous';
      s.onload = () => {
        s.remove();
        if (s[name]) resolve(s[name]);
        else reject(new Error(`${s.src} is not reshelf's script`));
      };
      s.onerror = () => {
        s.remove();
        reject(new Error(`${s.src} did not load (or its hash differs)`));
      };
      (document.head || document.documentElement).append(s);
    });
    // A failure is not kept: a later instance tries again.
    p.catch(() => loading.delete(name));
    loading.set(name, p);
  }
  return loading.get(name);
}
