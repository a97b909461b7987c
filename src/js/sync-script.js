// The sync script (pkg/reshelf-sync.<hash>.js): the delivery of session summaries (sync.js, the
// outbox, the page-statistics feed), loaded by reshelf after first paint rather than bundled
// into reshelf.js, which must arrive before capture listens. It hands its entry point to its
// own <script> element (see own-script.js).
import { startSync } from './sync.js';

const me = document.currentScript;
if (me) me.reshelfSync = { startSync };
