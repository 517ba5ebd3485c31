import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testConfig } from '../../test/helpers.ts';
import { freePort } from '../../test/ports.ts';
import { createChannels } from './create-channels.ts';
import { closeChannels } from './registry.ts';

test('a second worker without SMTP_URL sends to the dev mailbox the first one runs', async () => {
  const config = testConfig({ DEV_SMTP_PORT: String(await freePort()) });
  const first = await createChannels(config);
  const second = await createChannels(config);
  try {
    assert.ok(first.mailbox, 'the first process runs the mailbox');
    assert.equal(second.mailbox, null, 'the second does not try to run another');
    await second.channels.email!.send({
      id: 'msg_second_worker',
      merchantId: 'mer_x',
      channel: 'email',
      to: 'someone@example.com',
      from: { name: 'Shop', address: 'shop@example.com' },
      subject: 'From the second worker',
      text: 'Hello',
    });
    for (let i = 0; i < 50 && first.mailbox.messages.length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      first.mailbox.messages.map((m) => m.subject),
      ['From the second worker'],
    );
  } finally {
    await closeChannels(second.channels);
    await closeChannels(first.channels);
    await first.mailbox?.close();
  }
});
