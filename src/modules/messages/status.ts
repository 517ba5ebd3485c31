import { defineStateMachine } from '../../lib/state-machine.ts';

/**
 * A message's life. `sending` is written (and committed) before the provider is called, so a crash leaves
 * evidence; a retry of a `sending` message sends again (the one window where a duplicate is possible:
 * the provider accepted but we died before writing `sent`). Receipts move it on from `sent`.
 */
export const messageLifecycle = defineStateMachine('message', {
  queued: ['sending', 'suppressed', 'failed'],
  // bounced: the receiving server refused the address while we were handing the message over.
  sending: ['sent', 'queued', 'failed', 'suppressed', 'bounced'],
  sent: ['delivered', 'bounced', 'failed', 'complained'],
  delivered: ['complained', 'bounced'],
  bounced: [],
  complained: [],
  failed: [],
  suppressed: [],
});
export type MessageStatus = (typeof messageLifecycle.states)[number];
