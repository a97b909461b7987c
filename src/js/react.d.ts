import type { Options, Reshelf } from './index.js';

/** Starts reshelf once per page (later options are ignored, as with `init`); the instance,
 *  or null while it loads. */
export declare function useReshelf(options?: Options): Reshelf | null;

/** `items` in reshelf's order for `slot` (as given until ready); re-ranks when `items`
 *  changes and when a 'decision' event arrives. */
export declare function useRanked<T extends { id: string; category?: string; price?: number; brand?: string }>(
  slot: string,
  items: T[],
): T[];

/** The variant of `section` to render among `offered`, or null for the default. */
export declare function useVariant(section: string, offered: string[]): string | null;
