// The browser's own fetch even when the page wrapped window.fetch before reshelf loaded (APM
// agents, polyfills, request rewriters): what reshelf loads and sends never passes through a
// page's wrapper. When fetch is wrapped, a clean one is borrowed from a transient
// about:blank frame, once.
let native = null;

const isNative = (f) => {
  try {
    return typeof f === 'function' && /\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(f));
  } catch (_) {
    return false;
  }
};

/** `fetch`, unwrapped where possible. */
export function nativeFetch() {
  if (native) return native;
  let f = globalThis.fetch;
  if (!isNative(f) && typeof document !== 'undefined' && document.documentElement) {
    try {
      const frame = document.createElement('iframe');
      frame.hidden = true;
      document.documentElement.appendChild(frame);
      const clean = frame.contentWindow && frame.contentWindow.fetch;
      frame.remove();
      if (isNative(clean)) f = clean;
    } catch (_) {
      // a locked-down page: its fetch it is
    }
  }
  native = f.bind(globalThis);
  return native;
}
