import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { templateSpec } from './catalog.ts';
import type { TemplateChannel, TemplateSource } from './engine.ts';

const DIR = path.resolve(import.meta.dirname, 'defaults');

/** The brand layout every email is placed in: logo, colours, footer with contacts and preferences. */
export function defaultLayout(): string {
  return readFileSync(path.join(DIR, 'layout.mjml'), 'utf8');
}

/**
 * The built-in template for a key and channel (version 0). One source serves every locale: the words come
 * from the locale catalogues through the `t` filter, so en, pt-BR, es and sv are complete by construction.
 */
export function defaultTemplate(key: string, channel: TemplateChannel): TemplateSource | null {
  const file = (suffix: string) => path.join(DIR, `${key}.${suffix}`);
  if (channel === 'email') {
    if (!existsSync(file('mjml'))) return null;
    return {
      channel,
      subject: `{{ '${templateSpec(key)?.strings ?? key}.subject' | t }}`,
      body: readFileSync(file('mjml'), 'utf8'),
      textBody: existsSync(file('txt')) ? readFileSync(file('txt'), 'utf8') : null,
    };
  }
  if (!existsSync(file(`${channel}.txt`))) return null;
  return { channel, subject: null, body: readFileSync(file(`${channel}.txt`), 'utf8'), textBody: null };
}
