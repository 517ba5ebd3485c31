import type { Channel, ChannelName } from './types.ts';

/** The channels a process can send through; a missing one means "not configured here". */
export type Channels = Partial<Record<ChannelName, Channel>>;

export async function closeChannels(channels: Channels): Promise<void> {
  await Promise.all(Object.values(channels).map((c) => c?.close?.()));
}
