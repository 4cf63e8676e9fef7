// Replays HTTP exchanges recorded against a real CoCalc server (modern generation: API v2 and the
// conat bridge, sign-in through /auth/impersonate) and checks that the emulator answers each the
// same way: same HTTP status and content type, same JSON shape (keys and value types), the same
// error and message texts, the same cookie names and attributes. Ids and tokens differ by nature:
// they must have the same form, and a recorded id used by a later request is replaced by the id
// the emulator gave at the same place.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestEmulator, type TestEmulator } from './test-emulator.js';

interface Exchange {
  method: string;
  url: string;
  request_headers: Record<string, string>;
  request_body?: unknown;
  status: number;
  content_type?: string;
  set_cookie?: string[] | null;
  response_body: unknown;
}

const recorded = JSON.parse(readFileSync(new URL('./fixtures/real-cocalc-http-exchanges.json', import.meta.url), 'utf8')) as { exchanges: Exchange[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^[A-Za-z0-9]{24}$/;
// The impersonate page's redirect target: the recorded server had no `dns` setting (`https:/app`).
const REDIRECT = /window\.location\.href = "[^"]*";|<a href="[^"]*">[^<]*<\/a>/g;

/** Recorded id or token → the emulator's, learned while comparing answers. */
const ids = new Map<string, string>();

function substitute(value: unknown, base: string): unknown {
  if (typeof value === 'string') {
    let out = value.replaceAll('{base}', base);
    for (const [from, to] of ids) out = out.replaceAll(from, to);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, base));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, base)]));
  }
  return value;
}

function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Asserts `actual` has the form of `expected` (a recorded value, `{base}` and known ids already
 * substituted). Ids and tokens: same form, and remembered. Inside arrays (lists of projects):
 * shape only. Everything else: equal.
 */
function assertConforms(expected: unknown, actual: unknown, where: string, shapeOnly = false): void {
  assert.equal(kind(actual), kind(expected), `${where}: type`);
  if (typeof expected === 'string') {
    const raw = expected;
    if (UUID.test(raw) || TOKEN.test(raw)) {
      assert.match(actual as string, UUID.test(raw) ? UUID : TOKEN, `${where}: id/token form`);
      if (raw !== actual) ids.set(raw, actual as string);
      return;
    }
    if (!shapeOnly) assert.equal(actual, substitute(raw, ''), `${where}: text`);
    return;
  }
  if (Array.isArray(expected)) {
    const list = actual as unknown[];
    if (expected.length > 0) assert.ok(list.length > 0, `${where}: a non-empty list`);
    for (const [i, item] of list.entries()) assertConforms(expected[0], item, `${where}[${i}]`, true);
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    const obj = actual as Record<string, unknown>;
    assert.deepEqual(Object.keys(obj).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const [key, value] of Object.entries(expected)) {
      // `url` holds an id learned from a sibling key a moment ago: substitute late.
      assertConforms(key === 'url' ? substitute(value, baseUrl) : value, obj[key], `${where}.${key}`, shapeOnly);
    }
    return;
  }
  if (!shapeOnly) assert.equal(actual, expected, `${where}: value`);
}

/** A cookie's name and its attributes (name and value for samesite; expiry as "expires"), in order. */
function cookieForm(header: string): string {
  const [pair, ...attributes] = header.split(';').map((p) => p.trim());
  const name = pair!.slice(0, pair!.indexOf('='));
  const attrs = attributes.map((a) => {
    const [key, value] = a.split('=');
    const lower = key!.toLowerCase();
    return lower === 'samesite' || lower === 'path' ? `${lower}=${value}` : lower;
  });
  return [name, ...attrs].join('; ');
}

let baseUrl = '';

describe('the emulator (modern) answers what a real CoCalc answered', () => {
  let emu: TestEmulator;
  let browserCookie = '';
  before(async () => {
    emu = await startTestEmulator({ generation: 'modern' });
    baseUrl = emu.url;
    // A signed-in browser (session cookies, no key), for the exchange that sent cookies only.
    const signUp = await emu.post('/api/v2/auth/sign-up', { email: 'browser@kiosk.test', password: 'Browser-Passw0rd!', terms: true }, null);
    browserCookie = signUp.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  });
  after(() => emu.dispose());

  for (const [index, exchange] of recorded.exchanges.entries()) {
    const name = exchange.request_body !== null && typeof exchange.request_body === 'object' && 'name' in exchange.request_body
      ? String((exchange.request_body as { name: unknown }).name)
      : '';
    test(`#${index + 1} ${exchange.method} ${exchange.url.replace('{base}', '')} ${name}`.trim(), async () => {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(exchange.request_headers)) {
        if (key === 'Authorization') headers.authorization = value.replace('<admin API key>', emu.apiKey);
        else if (key === 'Cookie') headers.cookie = browserCookie;
        else headers[key.toLowerCase()] = value;
      }
      const url = substitute(exchange.url, emu.url) as string;
      const res = await fetch(url, {
        method: exchange.method,
        headers,
        redirect: 'manual',
        ...(exchange.request_body === undefined ? {} : { body: JSON.stringify(substitute(exchange.request_body, emu.url)) }),
      });
      assert.equal(res.status, exchange.status, 'HTTP status');
      if (exchange.content_type) assert.equal(res.headers.get('content-type'), exchange.content_type, 'content type');
      if (Array.isArray(exchange.set_cookie)) {
        assert.deepEqual(res.headers.getSetCookie().map(cookieForm), exchange.set_cookie.map(cookieForm), 'cookies and their attributes');
      }
      const text = await res.text();
      if (typeof exchange.response_body === 'string' && !(exchange.content_type ?? 'application/json').startsWith('application/json')) {
        // A page or a plain-text answer: the same text, with the site URL in the redirect unified.
        assert.equal(text.replace(REDIRECT, '<redirect>'), (substitute(exchange.response_body, emu.url) as string).replace(REDIRECT, '<redirect>'));
        return;
      }
      assertConforms(substitute(exchange.response_body, emu.url), JSON.parse(text) as unknown, 'body');
    });
  }
});
