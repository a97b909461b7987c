// What went wrong, for a console warning: an Error's message, or whatever was thrown as text.
export const describe = (err) => (err && err.message ? err.message : String(err));
