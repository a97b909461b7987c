// What went wrong, for a console warning: an Error's message, or whatever was thrown as text.
export const describe = (err) => (err && err.message ? err.message : String(err));

/** The console's words for newer intent weights (`modelUrl`) that were not taken, on the page or from the worker. */
export const newerRefused = (err) => `newer weights not used (${describe(err)}); the shipped model stays.`;
