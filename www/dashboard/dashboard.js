// reshelf insight dashboard: one fetch of /v1/insights, drawn as hand-built SVG.
//
// The page runs under a strict CSP (no inline script or style), so every node is created with
// createElement/createElementNS, geometry goes into SVG attributes, and all looks come from
// classes in dashboard.css. Data is only ever inserted as text, never parsed as markup.
//
// This module draws the page and loads the data; each card is its own module under cards/.

import { DASH, isNum, fmtInt, fmtDateTime } from './format.js';
import { h } from './dom.js';
import { renderLift } from './cards/lift.js';
import { renderCalibration } from './cards/calibration.js';
import { renderFunnel, renderCategories } from './cards/bars.js';
import { renderDrivers } from './cards/drivers.js';
import { renderTrend } from './cards/trend.js';

const TOKEN_KEY = 'reshelf:admin-token';
const REQUEST_TIMEOUT_MS = 15000;

// ---------------------------------------------------------------- page rendering

const CARDS = {
  lift: renderLift,
  calibration: renderCalibration,
  funnel: renderFunnel,
  drivers: renderDrivers,
  categories: renderCategories,
  trend: renderTrend,
};

function renderHeader(data, site) {
  document.getElementById('meta-site').textContent = data.site ?? site;
  document.getElementById('meta-sessions').textContent = fmtInt(data.sessions ?? 0);
  document.getElementById('meta-window').textContent = isNum(data.window_days) ? `${fmtInt(data.window_days)} days` : DASH;
  const generated = document.getElementById('meta-generated');
  generated.replaceChildren(data.generated_at ? h('time', { datetime: data.generated_at }, fmtDateTime(data.generated_at)) : DASH);
}

// Charts are drawn at their card's real width, so SVG text keeps its CSS size instead of being
// scaled down with a fixed viewBox on phones.
const cardBody = (id) => document.getElementById(id).querySelector('.card-body');
const bodyWidth = (id) => Math.round(cardBody(id).clientWidth) || 460;

// The last data drawn and the width each card was drawn at, for redraws on resize.
const drawn = { data: null, widths: new Map() };

// Each card is drawn on its own so that one malformed section cannot blank the whole page.
function renderCard(id, data) {
  const card = document.getElementById(id);
  const body = cardBody(id);
  const width = bodyWidth(id);
  // A redraw on resize should not snap shut the "Show numbers" tables someone opened.
  const open = [...body.querySelectorAll('details')].map((d) => d.open);
  card.removeAttribute('data-ready');
  drawn.widths.set(id, width);
  try {
    body.replaceChildren(...CARDS[id](data, width).filter(Boolean));
    body.querySelectorAll('details').forEach((d, i) => { d.open = Boolean(open[i]); });
    card.dataset.ready = 'true';
    return true;
  } catch (err) {
    console.warn(`reshelf dashboard: could not draw "${id}"`, err);
    body.replaceChildren(h('p', { class: 'empty' }, 'This chart could not be drawn from the data received.'));
    return false;
  }
}

function renderAll(data, site) {
  renderHeader(data, site);
  drawn.data = data;
  // Shown before drawing: hidden cards have no width to measure.
  document.getElementById('cards').hidden = false;
  return Object.keys(CARDS).map((id) => renderCard(id, data)).every(Boolean);
}

// Redraws only cards whose width really changed; the slack ignores scrollbar flicker.
function redrawResized() {
  if (!drawn.data || document.getElementById('cards').hidden) return;
  for (const id of Object.keys(CARDS)) {
    if (Math.abs(bodyWidth(id) - (drawn.widths.get(id) ?? 0)) > 16) renderCard(id, drawn.data);
  }
}

// ---------------------------------------------------------------- status and token

// One place decides what the page shows around the cards, so states cannot mix
// (e.g. a Retry button left over next to the token form).
function setState(state, message, { retry = false, form = false, alert = state === 'error' } = {}) {
  document.body.dataset.state = state;
  const status = document.getElementById('status');
  status.hidden = !message;
  status.classList.toggle('status--alert', alert);
  document.getElementById('status-message').textContent = message ?? '';
  document.getElementById('retry').hidden = !retry;
  document.getElementById('token-form').hidden = !form;
  if (form) document.getElementById('token-input').focus();
}

// sessionStorage can throw (disabled storage, sandboxed frames); the token then lives in memory only.
let memoryToken = null;
function storeToken(token) {
  memoryToken = token;
  try { sessionStorage.setItem(TOKEN_KEY, token); } catch { /* memory only */ }
}
function forgetToken() {
  memoryToken = null;
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing stored */ }
}
function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) ?? memoryToken; } catch { return memoryToken; }
}

// A token in the fragment never reaches server logs, but it would linger in the address bar,
// history and screenshots, so it is moved into sessionStorage and erased from the URL at once.
function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  storeToken(token);
  return token;
}

const siteParam = () => new URLSearchParams(location.search).get('site') || 'demo';

// ---------------------------------------------------------------- loading

class HttpError extends Error {
  constructor(response) {
    super(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    this.status = response.status;
  }
}

async function fetchInsights(site, token) {
  const url = new URL('/v1/insights', location.origin);
  url.searchParams.set('site', site);
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    cache: 'no-store',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) throw new HttpError(response);
  const data = await response.json();
  if (!data || typeof data !== 'object') throw new Error('the response was not an insights object');
  return data;
}

function describeFailure(err) {
  if (err instanceof HttpError) return `Could not load insights (${err.message}).`;
  if (err?.name === 'TimeoutError') return 'Could not load insights: the server did not answer in time.';
  if (err instanceof SyntaxError) return 'Could not load insights: the server sent a response that is not JSON.';
  if (err instanceof TypeError) return 'Could not load insights: the network request failed.';
  return `Could not load insights: ${err?.message ?? err}.`;
}

async function load() {
  const token = storedToken();
  if (!token) { setState('token', 'Enter an admin token to see the insights for this site.', { form: true }); return; }
  const site = siteParam();
  setState('loading', 'Loading…');
  let data;
  try {
    data = await fetchInsights(site, token);
  } catch (err) {
    if (err instanceof HttpError && (err.status === 401 || err.status === 403)) {
      forgetToken();
      setState('token', `The admin token was refused (HTTP ${err.status}). Enter a valid admin token.`, { form: true, alert: true });
    } else {
      setState('error', describeFailure(err), { retry: true });
    }
    document.getElementById('cards').hidden = true;
    return;
  }
  const complete = renderAll(data, site);
  setState(complete ? 'ready' : 'error', complete ? null : 'Some charts could not be drawn from the data received.', { retry: !complete });
}

function onTokenSubmit(event) {
  event.preventDefault();
  const input = event.currentTarget.elements.token;
  const token = input.value.trim();
  if (!token) return;
  input.value = '';
  storeToken(token);
  load();
}

function start() {
  document.getElementById('meta-site').textContent = siteParam();
  takeTokenFromFragment();
  document.getElementById('token-form').addEventListener('submit', onTokenSubmit);
  document.getElementById('retry').addEventListener('click', () => load());
  // Deferred to the next frame so a redraw never resizes what the observer is measuring mid-callback.
  new ResizeObserver(() => requestAnimationFrame(redrawResized)).observe(document.getElementById('cards'));
  load();
}

start();
