// The intent model in the page: the embedded weights score the live session, the score
// follows the journey, and newer weights from modelUrl are used only when they check out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, useServerAndBrowser, openPage, onWeekday, state, ready, eventually } from './harness.mjs';

const manifest = JSON.parse(readFileSync(join(ROOT, 'models/model.json'), 'utf8'));
const weights = readFileSync(join(ROOT, 'models/intent.bin'));

const env = useServerAndBrowser();

// Polled from here: the model engine attaches after first paint.
const waitIntent = (page) => eventually(async () => (await state(page)).intent !== null, 10000, 'an intent score');

test('the embedded model scores the session; intent rises along a buying journey', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  await ready(page);
  await waitIntent(page);
  const first = await state(page);
  assert.equal(first.model_version, manifest.version);
  assert.ok(first.intent > 0 && first.intent < 1, `intent ${first.intent}`);
  await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    window.__intents = [];
    r.on('intent', (e) => window.__intents.push(e));
  });
  for (const sku of ['sho-01', 'sho-02', 'sho-03']) {
    await page.goto(`${env.server.url}/product/${sku}/`);
    await ready(page);
    await page.waitForTimeout(400);
  }
  await page.click('button[data-reshelf-event="add_to_cart"]');
  await page.goto(`${env.server.url}/cart/`);
  await ready(page);
  await page.waitForTimeout(300);
  const later = await state(page);
  assert.ok(later.intent !== null);
  assert.ok(later.intent > first.intent, `intent ${first.intent} -> ${later.intent}`);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('on("intent") reports score changes with the model version', async () => {
  const { page, context } = await openPage(env.chrome.browser);
  // On a weekday: run on a Sunday, this journey reported no change (its score likely stayed
  // within one reporting step).
  await onWeekday(context);
  await page.goto(`${env.server.url}/category/bags/`);
  await ready(page);
  await waitIntent(page); // the model engine is attached
  const got = await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    const seen = [];
    r.on('intent', (e) => seen.push(e));
    history.pushState({}, '', '/category/bags/?page=2');
    r.track('add_to_cart', { item: 'bag-01', category: 'bags', price: 45 });
    // Scored after the events above; under load that can take longer than a fixed wait.
    for (let waited = 0; seen.length === 0 && waited < 5000; waited += 50) await new Promise((ok) => setTimeout(ok, 50));
    return seen;
  });
  assert.ok(got.length >= 1, 'at least one intent event');
  assert.equal(got[0].model_version, manifest.version);
  assert.ok(got[0].score > 0 && got[0].score < 1);
  await context.close();
});

async function withModelUrl(body, sha256, version) {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.route(`${env.server.url}/models/next.bin`, (r) => r.fulfill({ body, contentType: 'application/octet-stream' }));
  const html = `<!doctype html><body data-reshelf-page="home">
    <script async src="/reshelf/reshelf.js" data-site="fx" data-model-url="/models/next.bin"
      data-model-sha256="${sha256}" data-model-version="${version}"></script></body>`;
  await page.route(`${env.server.url}/fixture/model`, (r) => r.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(`${env.server.url}/fixture/model`);
  await ready(page);
  await waitIntent(page);
  return { page, log, context };
}

const modelWarnings = (log) => log.console.filter((m) => m.type === 'warning' && m.text.includes('newer weights not used'));

test('modelUrl weights that match sha256 and version are used', async () => {
  const { page, log, context } = await withModelUrl(weights, manifest.sha256, manifest.version);
  const s = await state(page);
  assert.equal(s.model_version, manifest.version);
  assert.ok(s.intent > 0);
  assert.equal(modelWarnings(log).length, 0);
  await context.close();
});

test('truncated, corrupted or mislabelled modelUrl weights are refused with one warning; scoring goes on', async () => {
  const corrupted = Buffer.from(weights);
  corrupted[corrupted.length - 10] ^= 0xff;
  const { createHash } = await import('node:crypto');
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  const cases = [
    ['truncated', weights.subarray(0, 500), sha(weights.subarray(0, 500)), manifest.version],
    ['corrupted', corrupted, sha(corrupted), manifest.version],
    ['wrong sha', weights, sha(corrupted), manifest.version],
    ['other version', weights, manifest.sha256, 'intent-9.9.9'],
  ];
  for (const [name, body, hash, version] of cases) {
    const { page, log, context } = await withModelUrl(body, hash, version);
    const s = await state(page);
    assert.equal(modelWarnings(log).length, 1, `${name}: one warning`);
    assert.equal(s.model_version, manifest.version, `${name}: embedded model kept`);
    assert.ok(s.intent > 0, `${name}: still scoring`);
    assert.deepEqual(log.errors, [], name);
    await context.close();
  }
});
