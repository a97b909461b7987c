// Reads the server's SQLite database directly, so tests check what is stored rather than
// what an API says about it. Python's standard sqlite3 module does the reading (Node 20
// has no SQLite built in), in read-only mode beside the running server (WAL allows it).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const READ = `
import json, sqlite3, sys
db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
rows = db.execute('SELECT sid, seq, body FROM summaries WHERE site = ? ORDER BY sid', (sys.argv[2],)).fetchall()
print(json.dumps([{'sid': s, 'seq': q, 'body': json.loads(b)} for s, q, b in rows]))
`;

/** Every stored summary of `site`: [{ sid, seq, body }]. */
export function storedSessions(dataDir, site) {
  const out = execFileSync('python3', ['-c', READ, join(dataDir, 'reshelf.db'), site], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out);
}
