// What one SDK put on the wire in one session, from the request logs of the proxy (reshelf's
// /v1/ and /reshelf/) or the recorder (posthog-js). "Sent" is every request that carries a
// body — the data leaving the shopper's device — counted as received: after the SDK's own
// compression, without HTTP headers (their size is kept beside). "Fetched" is what the SDK
// downloaded or asked for (its code, config, flags, page statistics). Bodies are decoded
// only to say what they held: events by name for posthog-js, summaries for reshelf.
import { gunzipSync } from 'node:zlib';

function decode(body) {
  try {
    const raw = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
    const json = JSON.parse(raw.toString('utf8'));
    const items = Array.isArray(json) ? json : json.batch || json.summaries || [json];
    return { bytes: raw.length, names: items.map((e) => (json.summaries ? 'summary' : e.event || '?')) };
  } catch (_) {
    return null; // another encoding (e.g. base64 form data): counted, not decoded
  }
}

const bump = (o, k, by = 1) => (o[k] = (o[k] || 0) + by);

/** Summarises `entries` (the log's requests that belong to one SDK). */
export function wireSummary(entries) {
  const sent = { requests: 0, body_bytes: 0, header_bytes: 0, decoded_bytes: 0, not_2xx: 0, sizes: [], by_path: {}, compression: {}, items: {} };
  const fetched = { requests: 0, not_modified: 0, response_bytes: 0, by_path: {} };
  let preflights = 0;
  for (const e of entries) {
    if (e.method === 'OPTIONS') {
      preflights += 1;
    } else if (e.body_bytes > 0 || e.method === 'POST') {
      sent.requests += 1;
      sent.body_bytes += e.body_bytes;
      sent.header_bytes += e.header_bytes;
      sent.sizes.push(e.body_bytes); // in order sent: shows growth (reshelf resends the whole summary)
      if (!(e.status >= 200 && e.status < 300)) sent.not_2xx += 1;
      const p = (sent.by_path[e.path] ||= { requests: 0, body_bytes: 0 });
      p.requests += 1;
      p.body_bytes += e.body_bytes;
      // posthog-js 1.4xx marks gzip-js by neither query parameter nor header: look at the bytes.
      const gz = e.body[0] === 0x1f && e.body[1] === 0x8b;
      bump(sent.compression, gz ? 'gzip' : e.compression_param || e.content_encoding || 'none');
      const d = decode(e.body);
      if (d) {
        sent.decoded_bytes += d.bytes;
        for (const n of d.names) bump(sent.items, n);
      }
    } else {
      fetched.requests += 1;
      if (e.status === 304) fetched.not_modified += 1;
      fetched.response_bytes += e.response_bytes;
      const key = e.path.replace(/\/array\/[^/]+\//, '/array/<token>/');
      bump(fetched.by_path, key);
    }
  }
  return { requests: sent.requests + fetched.requests + preflights, preflights, sent, fetched };
}
