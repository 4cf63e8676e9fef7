import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { SIGN_IN_ERAS } from '@cocalc-embed/protocol';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { createLogger } from './logger.js';

const key = () => `sk-${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x').slice(0, 24)}`;

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ COCALC_API_KEY: key() });
    assert.equal(config.port, 8787);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.cocalcUrl, 'http://localhost:5180');
    assert.equal(config.api, 'auto');
    assert.equal(config.signIn, 'auto');
    assert.equal(config.projectMode, 'per-user');
    assert.equal(config.demoAuth, false, 'demo auth is off unless configured');
    assert.equal(config.upstreamTimeoutMs, 10_000);
    assert.equal(config.rateUserPerMinute, 10);
    assert.equal(config.rateUserBurst, 5);
    assert.equal(config.breakerThreshold, 5);
    assert.equal(config.breakerCooldownMs, 2_000);
    assert.equal(config.breakerMaxCooldownMs, 30_000);
    assert.match(config.dataDir, /\/data$/);
  });

  it('COCALC_SIGN_IN takes every sign-in era the protocol defines, and names them when given another', () => {
    for (const era of SIGN_IN_ERAS) assert.equal(loadConfig({ COCALC_API_KEY: key(), COCALC_SIGN_IN: era }).signIn, era);
    assert.throws(
      () => loadConfig({ COCALC_API_KEY: key(), COCALC_SIGN_IN: 'cookie' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.variables.includes('COCALC_SIGN_IN') &&
        ['auto', ...SIGN_IN_ERAS].every((era) => error.message.includes(era)),
    );
  });

  it('store settings: SQLite unless a postgres:// URL is given; migrations at start unless manual; a bad URL is named, never echoed', () => {
    const plain = loadConfig({ COCALC_API_KEY: key() });
    assert.equal(plain.databaseUrl, null, 'SQLite stays the default');
    assert.equal(plain.migrate, 'on-start');
    for (const url of ['postgres://embed:pw@db.example:5432/embed?sslmode=require', 'postgresql://db/embed', 'postgres:///embed?host=/var/run/postgresql']) {
      assert.equal(loadConfig({ COCALC_API_KEY: key(), COCALC_EMBED_DATABASE_URL: url }).databaseUrl, url);
    }
    assert.equal(loadConfig({ COCALC_API_KEY: key(), COCALC_EMBED_MIGRATE: 'manual' }).migrate, 'manual');
    for (const bad of ['mysql://u:secret-pw@db/x', 'secret-pw', 'postgres://']) {
      assert.throws(
        () => loadConfig({ COCALC_API_KEY: key(), COCALC_EMBED_DATABASE_URL: bad }),
        (error: unknown) => error instanceof ConfigError && error.variables.includes('COCALC_EMBED_DATABASE_URL') && !error.message.includes('secret-pw'),
      );
    }
    assert.throws(() => loadConfig({ COCALC_API_KEY: key(), COCALC_EMBED_MIGRATE: 'sometimes' }), /COCALC_EMBED_MIGRATE/);
  });

  it('provisioning settings: defaults, a wait below the element\'s 10 s, and validated names', () => {
    const config = loadConfig({ COCALC_API_KEY: key() });
    assert.equal(config.firstProject, 'stop');
    assert.equal(config.provisionWaitMs, 5_000);
    assert.equal(config.maxProjectsPerUser, 10);
    assert.equal(config.projectNames, null);
    const set = loadConfig({
      COCALC_API_KEY: key(),
      COCALC_EMBED_FIRST_PROJECT: 'delete',
      COCALC_EMBED_PROVISION_WAIT_MS: '9000',
      COCALC_EMBED_MAX_PROJECTS_PER_USER: '3',
      COCALC_EMBED_PROJECT_NAMES: 'course-1, lab.2',
    });
    assert.deepEqual([set.firstProject, set.provisionWaitMs, set.maxProjectsPerUser, set.projectNames], ['delete', 9000, 3, ['course-1', 'lab.2']]);
    assert.throws(
      () =>
        loadConfig({
          COCALC_API_KEY: key(),
          COCALC_EMBED_FIRST_PROJECT: 'archive',
          COCALC_EMBED_PROVISION_WAIT_MS: '10000',
          COCALC_EMBED_MAX_PROJECTS_PER_USER: '0',
          COCALC_EMBED_PROJECT_NAMES: '../x',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        ['COCALC_EMBED_FIRST_PROJECT', 'COCALC_EMBED_PROVISION_WAIT_MS', 'COCALC_EMBED_MAX_PROJECTS_PER_USER', 'COCALC_EMBED_PROJECT_NAMES'].every((v) =>
          error.message.includes(v),
        ),
    );
  });

  it('COCALC_API_URL defaults to COCALC_URL and is validated like it', () => {
    const key = `sk-${'a'.repeat(24)}`;
    assert.equal(loadConfig({ COCALC_URL: 'https://c.test/', COCALC_API_KEY: key }).apiUrl, 'https://c.test');
    assert.equal(loadConfig({ COCALC_URL: 'https://c.test', COCALC_API_URL: 'http://cocalc-hub:5000/', COCALC_API_KEY: key }).apiUrl, 'http://cocalc-hub:5000');
    assert.throws(() => loadConfig({ COCALC_API_URL: 'cocalc-hub:5000', COCALC_API_KEY: key }), /COCALC_API_URL/);
  });

  it('fails closed without an API key', () => {
    assert.throws(() => loadConfig({}), (e: unknown) => e instanceof ConfigError && e.variables.includes('COCALC_API_KEY'));
  });

  it('refuses a malformed key without echoing it', () => {
    const bad = 'not-a-key-but-a-secret-value-123';
    try {
      loadConfig({ COCALC_API_KEY: bad });
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.ok(!error.message.includes(bad));
      assert.match(error.message, /COCALC_API_KEY/);
    }
  });

  it('collects every problem and never echoes values', () => {
    const secret = 'short-secret';
    try {
      loadConfig({
        COCALC_API_KEY: key(),
        COCALC_URL: 'ftp://x',
        PORT: 'eighty',
        COCALC_API: 'v3',
        COCALC_EMBED_SESSION_SECRET: secret,
        COCALC_UPSTREAM_TIMEOUT_MS: '20000',
      });
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(
        [...error.variables].sort(),
        ['COCALC_API', 'COCALC_EMBED_SESSION_SECRET', 'COCALC_UPSTREAM_TIMEOUT_MS', 'COCALC_URL', 'PORT'].sort(),
      );
      assert.ok(!error.message.includes(secret));
    }
  });

  it('refuses an upstream timeout of 15 s or more (CoCalc times out at 15 s itself)', () => {
    assert.throws(() => loadConfig({ COCALC_API_KEY: key(), COCALC_UPSTREAM_TIMEOUT_MS: '15000' }), ConfigError);
  });
});

describe('createLogger', () => {
  it('writes JSON lines and redacts keys, tokens and secret fields wherever they appear', () => {
    const lines: string[] = [];
    const apiKey = key();
    const logger = createLogger({ write: (l) => lines.push(l), secrets: [apiKey] });
    const token = randomBytes(12).toString('hex');
    logger.info('hello', {
      token,
      password: 'hunter2hunter2',
      nested: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`, text: `key ${apiKey} tok ${token}` },
      error: Object.assign(new Error(`upstream said ${apiKey}`), { code: 'E' }),
    });
    assert.equal(lines.length, 1);
    const out = lines[0]!;
    JSON.parse(out);
    assert.ok(!out.includes(apiKey));
    assert.ok(!out.includes(token));
    assert.ok(!out.includes('hunter2'));
    assert.ok(!out.includes(Buffer.from(`${apiKey}:`).toString('base64')));
  });

  it('drops lines below the level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    logger.info('no');
    logger.warn('yes');
    assert.equal(lines.length, 1);
  });
});
