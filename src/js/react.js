// React hooks over reshelf's framework mode. `react` is a peer dependency (external in the
// bundle); no JSX. `useReshelf` starts reshelf once per page and shares the instance with
// `useRanked` / `useVariant`, which render items as given (and no variant) until it is ready.
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { init } from './index.js';

let current = null;
let starting = null;
const listeners = new Set();
const subscribe = (fn) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};
const snapshot = () => current;

/** Starts reshelf once (later options are ignored, as with `init`); the instance, or null while it loads. */
export function useReshelf(options) {
  if (!starting) {
    starting = init(options).then((instance) => {
      current = instance;
      listeners.forEach((fn) => fn());
      return instance;
    });
  }
  return useSyncExternalStore(subscribe, snapshot, () => null);
}

/** Counts 'decision' events, so a hook recomputes when reshelf decided something new. */
function useDecisions(instance) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!instance) return undefined;
    // Decisions can be emitted while React renders (rank() logs one): re-render after it.
    let live = true;
    const off = instance.on('decision', () => queueMicrotask(() => live && setCount((n) => n + 1)));
    return () => {
      live = false;
      off();
    };
  }, [instance]);
  return count;
}

/** `items` ({ id, category?, price? }) in reshelf's order for `slot`; as given until ready. */
export function useRanked(slot, items) {
  const instance = useSyncExternalStore(subscribe, snapshot, () => null);
  const decisions = useDecisions(instance);
  return useMemo(
    () => (instance && Array.isArray(items) ? instance.rank(slot, items) : items),
    [instance, slot, items, decisions],
  );
}

/** The variant of `section` to render among `offered`, or null for the default. */
export function useVariant(section, offered) {
  const instance = useSyncExternalStore(subscribe, snapshot, () => null);
  const decisions = useDecisions(instance);
  const key = Array.isArray(offered) ? offered.join('\u001f') : '';
  return useMemo(
    () => (instance ? instance.variant(section, Array.isArray(offered) ? offered : []) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [instance, section, key, decisions],
  );
}
