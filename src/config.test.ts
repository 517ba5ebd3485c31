import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'afterglow-config-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const KEY = 'a-production-secret-key-of-at-least-32-chars';
/** A fresh DATA_DIR per call, so a generated key never leaks between tests. */
let n = 0;
const dataDir = () => path.join(tmp, `data-${++n}`);
const env = (extra: Record<string, string | undefined> = {}) => ({
  DATA_DIR: dataDir(),
  SECRET_KEY: KEY,
  ...extra,
});

function configError(...names: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    for (const name of names) assert.match(err.message, new RegExp(`^\\s+${name}: `, 'm'), err.message);
    return true;
  };
}

describe('loadConfig', () => {
  test('defaults for everything optional', () => {
    const c = loadConfig(env());
    assert.equal(c.NODE_ENV, 'development');
    assert.equal(c.HOST, '127.0.0.1');
    assert.equal(c.PORT, 3000);
    assert.equal(c.EMBEDDED_PG_PORT, 54329);
    assert.equal(c.LOG_LEVEL, 'info');
    assert.equal(c.BODY_LIMIT_BYTES, 2 * 1024 * 1024);
    assert.equal(c.DB_POOL_SIZE, 20);
    assert.equal(c.WORKER_CONCURRENCY, 10);
    assert.equal(c.DEMO, true);
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.PUBLIC_URL, 'http://localhost:3000');
    assert.equal(c.SECRET_KEY, KEY);
    assert.ok(Object.isFrozen(c));
  });

  test('DATA_DIR defaults to ./.afterglow and is made absolute', () => {
    const c = loadConfig({ SECRET_KEY: KEY });
    assert.equal(c.DATA_DIR, path.resolve('.afterglow'));
    const rel = loadConfig({ SECRET_KEY: KEY, DATA_DIR: 'some/rel/dir' });
    assert.ok(path.isAbsolute(rel.DATA_DIR));
    assert.equal(rel.DATA_DIR, path.resolve('some/rel/dir'));
  });

  test('numbers are coerced from their environment strings', () => {
    const c = loadConfig(
      env({
        PORT: '8080',
        EMBEDDED_PG_PORT: '6543',
        DB_POOL_SIZE: '5',
        WORKER_CONCURRENCY: '3',
        BODY_LIMIT_BYTES: '4096',
      }),
    );
    assert.equal(c.PORT, 8080);
    assert.equal(typeof c.PORT, 'number');
    assert.equal(c.EMBEDDED_PG_PORT, 6543);
    assert.equal(c.DB_POOL_SIZE, 5);
    assert.equal(c.WORKER_CONCURRENCY, 3);
    assert.equal(c.BODY_LIMIT_BYTES, 4096);
    assert.equal(c.PUBLIC_URL, 'http://localhost:8080', 'the default public URL follows PORT');
    assert.equal(loadConfig(env({ PORT: '0' })).PORT, 0, 'port 0 (any free port) is allowed on purpose');
  });

  test('unrelated environment variables are ignored', () => {
    const c = loadConfig(env({ PATH: '/usr/bin', HOME: '/root', npm_config_foo: 'x' }));
    assert.equal(c.PORT, 3000);
  });

  test('bad values fail with a ConfigError naming every bad variable, and only those', () => {
    assert.throws(
      () => loadConfig(env({ PORT: 'abc', LOG_LEVEL: 'loud', HOST: 'localhost' })),
      (err: unknown) => {
        configError('PORT', 'LOG_LEVEL')(err);
        assert.doesNotMatch((err as Error).message, /HOST/);
        return true;
      },
    );
    assert.throws(() => loadConfig(env({ PORT: '70000' })), configError('PORT'));
    assert.throws(() => loadConfig(env({ PORT: '-1' })), configError('PORT'));
    assert.throws(() => loadConfig(env({ PORT: '80.5' })), configError('PORT'));
    assert.throws(() => loadConfig(env({ EMBEDDED_PG_PORT: '80' })), configError('EMBEDDED_PG_PORT'));
    assert.throws(() => loadConfig(env({ NODE_ENV: 'staging' })), configError('NODE_ENV'));
    assert.throws(() => loadConfig(env({ DATABASE_URL: 'mysql://u:p@h/db' })), configError('DATABASE_URL'));
    assert.throws(() => loadConfig(env({ SECRET_KEY: 'too-short' })), configError('SECRET_KEY'));
    assert.throws(() => loadConfig(env({ PUBLIC_URL: 'shop.example.com' })), configError('PUBLIC_URL'));
    assert.throws(() => loadConfig(env({ DB_POOL_SIZE: '0' })), configError('DB_POOL_SIZE'));
    assert.throws(() => loadConfig(env({ WORKER_CONCURRENCY: '1000' })), configError('WORKER_CONCURRENCY'));
    assert.throws(() => loadConfig(env({ BODY_LIMIT_BYTES: '10' })), configError('BODY_LIMIT_BYTES'));
  });

  test('DATABASE_URL accepts both postgres schemes', () => {
    assert.equal(
      loadConfig(env({ DATABASE_URL: 'postgres://u:p@db:5432/afterglow' })).DATABASE_URL,
      'postgres://u:p@db:5432/afterglow',
    );
    assert.equal(
      loadConfig(env({ DATABASE_URL: 'postgresql://u@db/afterglow' })).DATABASE_URL,
      'postgresql://u@db/afterglow',
    );
  });

  test('NODE_ENV=production requires SECRET_KEY', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() }),
      (err: unknown) => {
        configError('SECRET_KEY')(err);
        assert.match((err as Error).message, /NODE_ENV=production/);
        return true;
      },
    );
    const c = loadConfig(env({ NODE_ENV: 'production' }));
    assert.equal(c.NODE_ENV, 'production');
    assert.equal(c.SECRET_KEY, KEY);
  });

  test('outside production a missing SECRET_KEY is generated once and kept in DATA_DIR', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    assert.ok(first.SECRET_KEY.length >= 32);
    const file = path.join(dir, 'secret-key');
    assert.ok(existsSync(file));
    assert.equal(readFileSync(file, 'utf8').trim(), first.SECRET_KEY);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'only the owner may read the key');
    assert.equal(loadConfig({ DATA_DIR: dir }).SECRET_KEY, first.SECRET_KEY, 'survives restarts');
    assert.notEqual(loadConfig({ DATA_DIR: dataDir() }).SECRET_KEY, first.SECRET_KEY);
    // An explicit key wins and nothing is written.
    const other = dataDir();
    assert.equal(loadConfig({ DATA_DIR: other, SECRET_KEY: KEY }).SECRET_KEY, KEY);
    assert.equal(existsSync(path.join(other, 'secret-key')), false);
  });

  test('PUBLIC_URL loses its trailing slashes (links are built as PUBLIC_URL + "/t/...")', () => {
    assert.equal(
      loadConfig(env({ PUBLIC_URL: 'https://track.example.com/' })).PUBLIC_URL,
      'https://track.example.com',
    );
    assert.equal(
      loadConfig(env({ PUBLIC_URL: 'https://example.com/afterglow///' })).PUBLIC_URL,
      'https://example.com/afterglow',
    );
    assert.equal(
      loadConfig(env({ PUBLIC_URL: 'http://localhost:3000' })).PUBLIC_URL,
      'http://localhost:3000',
    );
  });

  test('DEMO accepts true/false, 1/0 and yes/no', () => {
    for (const v of ['true', '1', 'yes']) assert.equal(loadConfig(env({ DEMO: v })).DEMO, true, v);
    for (const v of ['false', '0', 'no']) assert.equal(loadConfig(env({ DEMO: v })).DEMO, false, v);
    for (const v of ['maybe', 'on', '2'])
      assert.throws(() => loadConfig(env({ DEMO: v })), configError('DEMO'), v);
  });

  test('an empty PORT (PORT= in an .env file or an unset compose variable) does not silently mean "any free port"', () => {
    let port: number | undefined;
    try {
      port = loadConfig(env({ PORT: '' })).PORT;
    } catch (err) {
      configError('PORT')(err);
      return;
    }
    assert.equal(port, 3000);
  });

  test('PUBLIC_URL must be an http(s) URL', () => {
    for (const bad of ['localhost:3000', 'shop.example.com:8080', 'ftp://shop.example.com']) {
      assert.throws(() => loadConfig(env({ PUBLIC_URL: bad })), configError('PUBLIC_URL'), bad);
    }
  });
});
