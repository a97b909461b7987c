// Trusted Types (https://w3c.github.io/trusted-types/dist/spec/). A page whose CSP says
// `require-trusted-types-for 'script'` refuses a plain string at a script-URL sink: the URL
// of a worker, of a <script>, of a service worker. reshelf hands those sinks only URLs it
// resolved itself, through its own policy named `reshelf`, which such a page allows by
// listing it: `trusted-types reshelf`.

let policy;

/**
 * `url` as script-URL sinks take it: a TrustedScriptURL from reshelf's policy where the
 * browser has Trusted Types and the page allows the policy, else the URL's string (which
 * passes wherever Trusted Types are not enforced). The policy is created once per page.
 */
export function scriptUrl(url) {
  if (policy === undefined) {
    try {
      policy = globalThis.trustedTypes?.createPolicy('reshelf', { createScriptURL: (u) => u }) ?? null;
    } catch (_) {
      // The page's `trusted-types` list leaves reshelf out: a sink that enforces them then
      // refuses the string, and the caller's own error path says so.
      policy = null;
    }
  }
  return policy ? policy.createScriptURL(String(url)) : String(url);
}
