// What the page's options say about sending summaries, read the same way by the stand-in that
// runs from start (deferred-sync.js), the sync script (sync.js) and its outbox.

/** The consent states, in the order the outbox documents them. */
export const CONSENT = ['granted', 'pending', 'denied'];

/** Whether the browser asks not to be tracked: Do-Not-Track or Global Privacy Control. */
export function doNotTrack() {
  const nav = typeof navigator !== 'undefined' ? navigator : {};
  return nav.doNotTrack === '1' || globalThis.doNotTrack === '1' || nav.globalPrivacyControl === true;
}

/** Where summaries go, `{ site, endpoint, key }`, or null when the page configured no endpoint
 * (capture and personalisation still run; nothing leaves the device). */
export function syncTarget(options) {
  const { endpoint, key } = options;
  const site = options.site ?? 'default';
  if (typeof endpoint !== 'string' || !endpoint || typeof key !== 'string' || !key || typeof site !== 'string') {
    return null;
  }
  return { site, endpoint, key };
}
