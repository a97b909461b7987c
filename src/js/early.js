// Hears the shopper from init() until the capture module runs. On a slow network the module
// takes seconds to arrive, and a shopper's first clicks and scrolling come in exactly that
// time; the module folds this record into the session as if it had heard them itself
// (src/capture/early.rs reads it). Kept small: it is on the critical path, and inline in the
// page as the snippet.
//
// The record is one flat array: [since, depth, depthAt, (t, x, y, composedPath)*] — init()'s
// time and the clicks' times in epoch ms, the deepest window scroll depth (0..1, NaN until the
// window scrolls) and when it was reached, each click's viewport position in CSS px.

// Clicks kept at most: a shopper's first seconds, not a flood from a script. Bounds what a
// snippet whose reshelf.js never arrives holds (the paths keep their nodes alive).
const MAX_CLICKS = 100;

// Where the inline snippet (src/js/snippet.js) leaves its `stop()` for init() to take over.
export const EARLY_KEY = '__reshelfEarly';
// Marks a `stop()` as reshelf's, so init() never takes or removes a page's own global of that
// name. Symbol.for: the snippet and reshelf.js are separate bundles.
const MARK = Symbol.for('reshelf.early');

/**
 * Starts listening; returns `stop()`, which removes the listeners and returns the record the
 * first time it is called, `undefined` after that.
 */
export function listenEarly() {
  let heard = [Date.now(), NaN, 0];
  const opts = { capture: true, passive: true };
  let frame = 0;
  // Read in an animation frame, where layout is fresh: scrolling never forces a layout.
  const measure = () => {
    try {
      frame = 0;
      const height = document.documentElement.scrollHeight;
      // A window that cannot scroll says nothing; the module finds the element that scrolls.
      if (height <= innerHeight + 1) return;
      const depth = Math.min(1, (scrollY + innerHeight) / height);
      if (!(depth <= heard[1])) {
        heard[1] = depth;
        heard[2] = Date.now();
      }
    } catch (_) {
      // never throw into the page's frame
    }
  };
  const onScroll = () => {
    try {
      frame ||= requestAnimationFrame(measure);
    } catch (_) {
      // a page that replaced requestAnimationFrame: depth is read when the module runs
    }
  };
  const onClick = (e) => {
    try {
      const n = heard.length;
      if (n >= 3 + 4 * MAX_CLICKS) return;
      // Indexed writes, not push(): a page may have replaced Array.prototype.push.
      heard[n] = Date.now();
      heard[n + 1] = e.clientX;
      heard[n + 2] = e.clientY;
      heard[n + 3] = e.composedPath();
    } catch (_) {
      // never throw into the page's click
    }
  };
  try {
    addEventListener('scroll', onScroll, opts);
    document.addEventListener('click', onClick, opts);
    performance.mark('reshelf:listen');
  } catch (_) {
    // no DOM to listen to: the module starts from nothing heard
  }
  const stop = () => {
    try {
      removeEventListener('scroll', onScroll, opts);
      document.removeEventListener('click', onClick, opts);
      if (frame) cancelAnimationFrame(frame);
    } catch (_) {
      // as above
    }
    // Handed over once: a second init() (after shutdown()) never replays these events.
    const out = heard;
    heard = [];
    return out.length ? out : undefined;
  };
  stop[MARK] = true;
  return stop;
}

/**
 * What init() listens with: the inline snippet's listeners when the page ran it (they have
 * heard the shopper since the page's <head>), otherwise new ones from now. Returns `stop()`,
 * which never throws: the global's name is in the page's namespace.
 */
export function takeEarly() {
  let stop;
  try {
    const found = globalThis[EARLY_KEY];
    if (typeof found === 'function' && found[MARK] === true) {
      stop = found;
      globalThis[EARLY_KEY] = undefined;
    }
  } catch (_) {
    // a getter of the page's that throws, or a frozen global object: stop() still hands over once
  }
  if (!stop) stop = listenEarly();
  return () => {
    try {
      return stop();
    } catch (_) {
      return undefined; // nothing heard
    }
  };
}
