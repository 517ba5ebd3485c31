import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { workerLogger } from './worker-logger.ts';

test('a failed job is logged by id, task and error message, without its payload or the raw error', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = workerLogger(pino({ level: 'debug' }, sink));
  const error = Object.assign(new Error('The webhook endpoint answered 503.'), {
    code: 'E503',
    cert: { raw: Buffer.alloc(2048, 1), subject: 'CN=endpoint.example' },
  });
  log.scope({ jobId: '42', label: 'webhooks.deliver' }).error('Failed task 42 (webhooks.deliver)', {
    job: {
      id: '42',
      task_identifier: 'webhooks.deliver',
      attempts: 3,
      max_attempts: 12,
      payload: { body: '{"customer":{"email":"ana@example.com"}}' },
    },
    error,
  });
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]!);
  assert.deepEqual(line.job, { id: '42', task: 'webhooks.deliver', attempts: 3, maxAttempts: 12 });
  assert.deepEqual(line.error, {
    name: 'Error',
    code: 'E503',
    message: 'The webhook endpoint answered 503.',
  });
  assert.ok(!lines[0]!.includes('ana@example.com'), 'no customer data from the payload');
  assert.ok(!lines[0]!.includes('CN=endpoint'), 'no certificate from the raw error');
  assert.ok(lines[0]!.length < 600, `a short line (${lines[0]!.length} bytes)`);
});
