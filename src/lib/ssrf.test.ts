import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AppError, ValidationError } from './errors.ts';
import { assertPublicUrl, blockedRange, type Resolver, safeLookup, systemResolver } from './ssrf.ts';

/** A resolver answering from a fixed table, standing in for DNS (no network in tests). */
function fixedDns(table: Record<string, string[]>): Resolver {
  return async (hostname) => {
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

async function refusal(p: Promise<unknown>, code = 'unsafe_url'): Promise<ValidationError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.status, 400);
    return err;
  }
  assert.fail('expected the URL to be refused');
}

describe('assertPublicUrl: addresses', () => {
  const blocked: Array<[string, string]> = [
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.255.0.9:8080/x', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://10.0.0.1/', 'private'],
    ['http://10.255.255.255/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.254/', 'private'],
    ['http://192.168.1.20/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:10.1.2.3]/', 'private'],
    ['http://[::ffff:169.254.169.254]/', 'linkLocal'],
    ['http://[fd00::1]/', 'uniqueLocal'],
    ['http://[fc12:3456::1]/', 'uniqueLocal'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://224.0.0.251/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://192.0.2.10/', 'reserved'],
    ['http://[2001:db8::1]/', 'reserved'],
    // IPv4 hidden in IPv6 forms that the network would unwrap.
    ['http://[64:ff9b::7f00:1]/', 'loopback'],
    ['http://[2002:a9fe:a9fe::1]/', 'linkLocal'],
    ['http://[::7f00:1]/', 'ipv4Compatible'],
    // Numeric spellings of 127.0.0.1 that the URL parser normalises.
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
  ];
  for (const [url, range] of blocked) {
    test(`refuses ${url} (${range})`, async () => {
      const err = await refusal(assertPublicUrl(url));
      assert.equal((err.details as { range: string }).range, range);
      assert.match(err.message, /only public internet addresses/);
    });
  }

  const allowed = [
    'https://93.184.216.34/hooks',
    'http://172.15.255.255/',
    'http://172.32.0.1/',
    'http://100.128.0.1/',
    'https://[2606:2800:220:1:248:1893:25c8:1946]/',
    'https://[::ffff:93.184.216.34]/',
    'https://[64:ff9b::5db8:d822]/',
    'https://8.8.8.8:8443/path?q=1',
  ];
  for (const url of allowed) {
    test(`allows ${url}`, async () => {
      const parsed = await assertPublicUrl(url);
      assert.equal(parsed.href, new URL(url).href);
    });
  }
});

describe('assertPublicUrl: URL shape and names', () => {
  test('refuses schemes other than http and https', async () => {
    for (const url of ['ftp://93.184.216.34/', 'file:///etc/passwd', 'gopher://93.184.216.34/', 'data:,x']) {
      const err = await refusal(assertPublicUrl(url));
      assert.match(err.message, /Only http and https/);
    }
  });

  test('refuses credentials in the URL', async () => {
    for (const url of ['https://user:pass@93.184.216.34/', 'https://user@93.184.216.34/']) {
      const err = await refusal(assertPublicUrl(url));
      assert.match(err.message, /user name or password/);
    }
  });

  test('refuses what is not an absolute URL', async () => {
    await refusal(assertPublicUrl('not a url'));
    await refusal(assertPublicUrl('/relative/path'));
  });

  test('refuses localhost and *.localhost without asking DNS', async () => {
    const neverAsked: Resolver = async () => assert.fail('DNS must not be consulted');
    for (const url of ['http://localhost:5432/', 'http://LOCALHOST./', 'http://api.localhost/']) {
      await refusal(assertPublicUrl(url, { resolve: neverAsked }));
    }
  });

  test('refuses a host name that resolves to loopback or to any private address', async () => {
    const resolve = fixedDns({
      'loop.example.test': ['127.0.0.1'],
      'mixed.example.test': ['93.184.216.34', '10.0.0.7'],
      'v6.example.test': ['2606:2800:220:1::1', '::1'],
    });
    const loop = await refusal(assertPublicUrl('https://loop.example.test/hook', { resolve }));
    assert.match(loop.message, /loop\.example\.test \(it resolves to 127\.0\.0\.1\) is a loopback address/);
    const mixed = await refusal(assertPublicUrl('https://mixed.example.test/', { resolve }));
    assert.deepEqual(mixed.details, { host: 'mixed.example.test', address: '10.0.0.7', range: 'private' });
    await refusal(assertPublicUrl('https://v6.example.test/', { resolve }));
  });

  test('the system resolver sees /etc/hosts: localhost is loopback', async () => {
    const addresses = await systemResolver('localhost');
    assert.ok(addresses.length > 0);
    for (const a of addresses) assert.equal(blockedRange(a.address), 'loopback');
  });

  test('a host name resolving only to public addresses passes', async () => {
    const resolve = fixedDns({ 'hooks.example.test': ['93.184.216.34', '2606:2800:220:1::1'] });
    const url = await assertPublicUrl('https://hooks.example.test/in', { resolve });
    assert.equal(url.hostname, 'hooks.example.test');
  });

  test('a name that does not resolve is unresolvable_host, not unsafe', async () => {
    const err = await refusal(
      assertPublicUrl('https://gone.example.test/', { resolve: fixedDns({}) }),
      'unresolvable_host',
    );
    assert.deepEqual(err.details, { host: 'gone.example.test', code: 'ENOTFOUND' });
  });

  test('allowPrivate lets private targets through but still checks scheme and credentials', async () => {
    const resolve = fixedDns({ 'nas.lan': ['192.168.1.5'] });
    assert.ok(await assertPublicUrl('http://127.0.0.1:3000/', { allowPrivate: true }));
    assert.ok(await assertPublicUrl('http://localhost:3000/', { allowPrivate: true }));
    assert.ok(await assertPublicUrl('http://nas.lan/', { allowPrivate: true, resolve }));
    await refusal(assertPublicUrl('file:///etc/passwd', { allowPrivate: true }));
    await refusal(assertPublicUrl('http://a:b@127.0.0.1/', { allowPrivate: true }));
  });
});

describe('safeLookup: the check at connect time', () => {
  let server: http.Server;
  let port = 0;
  let hits = 0;
  before(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.end('reached');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function get(url: string, lookup: ReturnType<typeof safeLookup>): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { lookup, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
    });
  }

  test('a name resolving to loopback is refused before any byte is sent', async () => {
    const before = hits;
    const resolve = fixedDns({ 'hooks.example.test': ['127.0.0.1'] });
    await assert.rejects(get(`http://hooks.example.test:${port}/`, safeLookup({ resolve })), (err) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'unsafe_url');
      return true;
    });
    assert.equal(hits, before);
  });

  test('DNS rebinding: public when checked, loopback when connecting, refused at connect', async () => {
    let calls = 0;
    const rebinding: Resolver = async () => [
      { address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 },
    ];
    const url = `http://rebind.example.test:${port}/`;
    await assertPublicUrl(url, { resolve: rebinding });
    const before = hits;
    await assert.rejects(get(url, safeLookup({ resolve: rebinding })), { code: 'unsafe_url' });
    assert.equal(hits, before);
    assert.equal(calls, 2);
  });

  test('the real resolver: localhost is refused, and allowed with allowPrivate', async () => {
    await assert.rejects(get(`http://localhost:${port}/`, safeLookup()), { code: 'unsafe_url' });
    assert.equal(await get(`http://localhost:${port}/`, safeLookup({ allowPrivate: true })), 'reached');
  });

  test('allowPrivate connects through a resolved name', async () => {
    const resolve = fixedDns({ 'nas.lan': ['127.0.0.1'] });
    const lookup = safeLookup({ allowPrivate: true, resolve });
    assert.equal(await get(`http://nas.lan:${port}/`, lookup), 'reached');
  });

  test('serves both callback shapes Node uses', async () => {
    const lookup = safeLookup({ resolve: fixedDns({ 'h.example.test': ['93.184.216.34', '2606:2800::1'] }) });
    const single = await new Promise<unknown[]>((resolve) =>
      lookup('h.example.test', {}, (...args) => resolve(args)),
    );
    assert.deepEqual(single, [null, '93.184.216.34', 4]);
    const all = await new Promise<unknown[]>((resolve) =>
      lookup('h.example.test', { all: true } as never, (...args) => resolve(args)),
    );
    assert.deepEqual(all, [
      null,
      [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800::1', family: 6 },
      ],
    ]);
  });
});
