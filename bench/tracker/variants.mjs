import { withEngine } from '../../tests/e2e/harness.mjs';

// The four ways the demo store's pages are served in the comparison. Every page of the demo
// carries reshelf the same way (an async script tag in <head>): reshelf as served (its model
// engine in a worker, the default), reshelf with `data-engine="main"` on that tag, the baseline without it (and without any preload
// of reshelf's module), and the posthog-js variant with PostHog's install snippet in its
// place, as a store would.

export const POSTHOG_TOKEN = 'phc_bench';

/**
 * What posthog-js is told; everything else is left at its defaults (batching, gzip-js
 * compression, rage clicks, scroll depth on page leave, ...). These four name what the
 * comparison is about; `persistence` is the default spelled out.
 */
export const posthogOptions = (apiHost) => ({
  api_host: apiHost,
  autocapture: true,
  capture_pageview: true,
  capture_pageleave: true,
  persistence: 'localStorage+cookie',
});

/**
 * PostHog's snippet, written out: a stub `posthog` that queues calls, and an async
 * `<script>` for `${api_host}/static/array.js` (the CDN bundle, which fetches the project's
 * config and whatever extensions it asks for). The sourceURL names it in CPU profiles, so
 * the snippet's own (tiny) cost counts as posthog-js's and not the page's.
 */
export function posthogSnippet(apiHost, token = POSTHOG_TOKEN) {
  return `<script>
(function (d, ph) {
  if (ph.__SV) return;
  window.posthog = ph;
  ph._i = [];
  ph.init = function (token, config, name) {
    var s = d.createElement('script');
    s.type = 'text/javascript';
    s.crossOrigin = 'anonymous';
    s.async = true;
    s.src = config.api_host.replace('.i.posthog.com', '-assets.i.posthog.com') + '/static/array.js';
    var first = d.getElementsByTagName('script')[0];
    first.parentNode.insertBefore(s, first);
    var target = name !== undefined ? (ph[name] = []) : ph;
    target.people = target.people || [];
    'capture identify alias register register_once unregister reset set_config opt_in_capturing opt_out_capturing getFeatureFlag isFeatureEnabled onFeatureFlags reloadFeatureFlags'
      .split(' ').forEach(function (m) {
        target[m] = function () { target.push([m].concat(Array.prototype.slice.call(arguments))); };
      });
    ph._i.push([token, config, name]);
  };
  ph.__SV = 1;
})(document, window.posthog || []);
posthog.init(${JSON.stringify(token)}, ${JSON.stringify(posthogOptions(apiHost))});
//# sourceURL=posthog-snippet.js
</script>`;
}

const RESHELF_PRELOAD = /[ \t]*<link rel="preload" href="\/reshelf\/[^"]*"[^>]*>\n?/g;
const RESHELF_TAG = /[ \t]*<script async src="\/reshelf\/reshelf\.js"[^>]*><\/script>\n?/g;

/**
 * The page's HTML for `variant` ('reshelf': as served, and 'reshelf-b' the same from a
 * server with another build in an A/B; 'reshelf-main': as served with the
 * model engine on the main thread; 'none': without reshelf; 'posthog':
 * without reshelf, with PostHog's snippet). Throws if a page does not carry reshelf's tag
 * the expected way, so a changed page cannot silently measure the wrong thing.
 */
export function rewriteHtml(html, variant, apiHost) {
  if (variant === 'reshelf' || variant === 'reshelf-b') return html;
  if (variant === 'reshelf-main') {
    if (!html.match(RESHELF_TAG)) throw new Error('page has no reshelf script tag to set the engine on');
    return withEngine(html, 'main');
  }
  if (!html.match(RESHELF_TAG)) throw new Error('page has no reshelf script tag to replace');
  const stripped = html.replace(RESHELF_PRELOAD, '');
  if (variant === 'none') return stripped.replace(RESHELF_TAG, '');
  if (variant === 'posthog') return stripped.replace(RESHELF_TAG, `${posthogSnippet(apiHost)}\n`);
  throw new Error(`unknown variant ${variant}`);
}
