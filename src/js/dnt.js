/** Whether the browser asks not to be tracked: Do-Not-Track or Global Privacy Control. */
export function doNotTrack() {
  const nav = typeof navigator !== 'undefined' ? navigator : {};
  return nav.doNotTrack === '1' || globalThis.doNotTrack === '1' || nav.globalPrivacyControl === true;
}
