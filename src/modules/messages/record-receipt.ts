import type { Receipt } from '../../channels/types.ts';
import { type Db, withTransaction } from '../../db/pool.ts';
import { addMessageEvent, findMessageByProviderId, lockMessage, suppress, updateMessage } from './repo.ts';
import { type MessageStatus, messageLifecycle } from './status.ts';

/**
 * Applies a provider's delivery receipt (or an open/click) to the message it is about. Status only moves
 * along the lifecycle (a late "sent" after "delivered" is recorded but changes nothing); a hard bounce or a
 * complaint suppresses the address so nothing is sent to it again. Unknown provider ids are ignored.
 */
export async function recordReceipt(db: Db, receipt: Receipt): Promise<'applied' | 'unknown'> {
  const found = await findMessageByProviderId(db, receipt.provider, receipt.providerId);
  if (!found) return 'unknown';
  await withTransaction(db, async (tx) => {
    const m = await lockMessage(tx, found.merchant_id, found.id);
    if (!m) return;
    await addMessageEvent(tx, {
      merchantId: m.merchant_id,
      messageId: m.id,
      type: receipt.type,
      detail: {
        provider: receipt.provider,
        reason: receipt.reason ?? null,
        permanent: receipt.permanent ?? false,
      },
      at: receipt.occurredAt,
    });
    if (receipt.type === 'opened' || receipt.type === 'clicked') {
      const column = receipt.type === 'opened' ? 'opened_at' : 'clicked_at';
      if (!m[column]) await updateMessage(tx, m.merchant_id, m.id, { [column]: receipt.occurredAt });
      return;
    }
    const target: MessageStatus | null =
      receipt.type === 'delivered'
        ? 'delivered'
        : receipt.type === 'bounced'
          ? 'bounced'
          : receipt.type === 'complained'
            ? 'complained'
            : receipt.type === 'failed'
              ? 'failed'
              : null;
    if (target && messageLifecycle.can(m.status as MessageStatus, target)) {
      await updateMessage(tx, m.merchant_id, m.id, {
        status: target,
        status_reason: receipt.reason ?? null,
        ...(target === 'delivered' ? { delivered_at: receipt.occurredAt } : {}),
      });
    }
    if ((receipt.type === 'bounced' && receipt.permanent) || receipt.type === 'complained') {
      await suppress(tx, {
        merchantId: m.merchant_id,
        channel: m.channel,
        address: m.recipient,
        reason: receipt.type === 'complained' ? 'complaint' : 'hard_bounce',
      });
    }
  });
  return 'applied';
}
