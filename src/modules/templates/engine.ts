import { convert } from 'html-to-text';
import { type Context, Liquid, LiquidError, type Template } from 'liquidjs';
import mjml2html from 'mjml';
import { UnprocessableError } from '../../lib/errors.ts';
import { translate } from './translations.ts';

export type TemplateChannel = 'email' | 'sms' | 'whatsapp';

export interface TemplateSource {
  channel: TemplateChannel;
  /** Liquid; email only. */
  subject: string | null;
  /** Email: MJML content (sections) with Liquid, placed inside the brand layout. SMS/WhatsApp: Liquid text. */
  body: string;
  /** Email: the plain-text part in Liquid. Left out, it is derived from the rendered HTML at send time. */
  textBody: string | null;
}

/** Parsed once when a template is saved or loaded; rendering reuses it. */
export interface CompiledTemplate {
  channel: TemplateChannel;
  subject: Template[] | null;
  html: Template[] | null;
  text: Template[] | null;
}

export interface Rendered {
  subject: string | null;
  html: string | null;
  text: string;
  /** Variables the template used that the message's data did not have (they rendered empty). */
  warnings: string[];
}

/**
 * Liquid, as merchants know it from Shopify. HTML parts escape every output by default (a customer named
 * `<script>` stays text) and read only own properties; subjects and text parts are plain text and are not
 * HTML-escaped. `t` translates a catalogue key in the message's locale at render time (templates saved by
 * merchants may use it; our defaults have their translations inlined at compile time, see localize()).
 */
function makeLiquid(escapeOutput: boolean): Liquid {
  const engine = new Liquid({
    ...(escapeOutput ? { outputEscape: 'escape' as const } : {}),
    strictFilters: true,
    ownPropertyOnly: true,
    lenientIf: true,
    cache: false,
  });
  engine.registerFilter('t', function (this: { context: Context }, key: unknown, ...args: unknown[]) {
    const get = (path: string[]) => {
      try {
        return this.context.getSync(path) as unknown;
      } catch {
        return undefined;
      }
    };
    const vars: Record<string, unknown> = {
      shop: get(['shop', 'name']),
      number: get(['order', 'number']),
      first_name: get(['customer', 'first_name']),
      campaign: get(['campaign', 'name']),
      rma: get(['return', 'number']),
    };
    for (const a of args) if (Array.isArray(a) && a.length === 2) vars[String(a[0])] = a[1];
    return translate(String(get(['locale']) ?? 'en'), String(key), vars);
  });
  return engine;
}

export const liquid = makeLiquid(true);
export const liquidText = makeLiquid(false);

export class TemplateError extends UnprocessableError {
  constructor(part: string, message: string, line: number | null, column: number | null) {
    super(
      'template_invalid',
      `The template's ${part} does not parse${line ? ` (line ${line}${column ? `, column ${column}` : ''})` : ''}: ${message}`,
      {
        part,
        line,
        column,
        reason: message,
      },
    );
  }
}

function parseLiquid(engine: Liquid, source: string, part: string): Template[] {
  try {
    return engine.parse(source);
  } catch (err) {
    if (err instanceof LiquidError) {
      const [line, column] = err.token?.getPosition?.() ?? [null, null];
      throw new TemplateError(
        part,
        err.message.replace(/, line:\d+, col:\d+$/, ''),
        line ?? null,
        column ?? null,
      );
    }
    throw err;
  }
}

const CONTENT_MARKER = '<!-- content -->';

/** A template checked and, for email, compiled from MJML to HTML: still Liquid, not yet in a locale. */
export interface PreparedTemplate {
  channel: TemplateChannel;
  subject: string | null;
  html: string | null;
  text: string | null;
}

/**
 * Checks a template's Liquid (errors carry line and column) and compiles an email's MJML into responsive
 * HTML with inlined CSS — once, when the template is saved or first loaded, never per send.
 */
export async function prepareTemplate(source: TemplateSource, layout: string): Promise<PreparedTemplate> {
  if (source.subject !== null) parseLiquid(liquidText, source.subject, 'subject');
  if (source.textBody !== null) parseLiquid(liquidText, source.textBody, 'text');
  parseLiquid(source.channel === 'email' ? liquid : liquidText, source.body, 'body');
  if (source.channel !== 'email')
    return { channel: source.channel, subject: null, html: null, text: source.body };
  const before = layout.slice(0, layout.indexOf(CONTENT_MARKER)).split('\n').length - 1;
  const result = await mjml2html(layout.replace(CONTENT_MARKER, source.body), {
    validationLevel: 'soft',
    keepComments: false,
  });
  // MJML cannot know that "{{ shop.primary_color }}" will be a colour: ignore type complaints about Liquid.
  const problem = result.errors?.find((e: { message: string }) => !/\{\{|\{%/.test(e.message));
  if (problem) {
    const line = problem.line && problem.line > before ? problem.line - before : null;
    throw new TemplateError('body', problem.message, line, null);
  }
  // MJML's CSS inlining can mangle Liquid that sits inside a tag's attributes: check what it produced.
  parseLiquid(liquid, result.html, 'body');
  return { channel: 'email', subject: source.subject, html: result.html, text: source.textBody };
}

/** Where the values a translation may mention live in the message context. */
const TRANSLATION_VARS: Record<string, string> = {
  shop: 'shop.name',
  number: 'order.number',
  first_name: 'customer.first_name',
  campaign: 'campaign.name',
  rma: 'return.number',
};
const T_CALL = /\{\{-?\s*'([\w.]+)'\s*\|\s*t(?:\s*:\s*([^}]*?))?\s*-?\}\}/g;

/**
 * Puts a prepared template into one locale: every `{{ 'key' | t }}` becomes the translated sentence, its
 * {placeholders} becoming Liquid outputs. Rendering then does no lookups at all (the translations were
 * most of the render time). Cheap and synchronous; callers cache the result per locale.
 */
export function localize(prepared: PreparedTemplate, locale: string): CompiledTemplate {
  const inline = (source: string, html: boolean) =>
    source.replace(T_CALL, (_m, key: string, rawArgs: string | undefined) => {
      const vars: Record<string, string> = {};
      for (const [name, path] of Object.entries(TRANSLATION_VARS)) vars[name] = `{{ ${path} }}`;
      for (const pair of (rawArgs ?? '').split(',')) {
        const [name, value] = pair.split(':').map((x) => x.trim());
        if (name && value) vars[name] = `{{ ${value} }}`;
      }
      const escaped = html ? escapeHtml(translate(locale, key)) : escapeLiquid(translate(locale, key));
      return escaped.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
    });
  return {
    channel: prepared.channel,
    subject: prepared.subject !== null ? liquidText.parse(inline(prepared.subject, false)) : null,
    html: prepared.html !== null ? liquid.parse(inline(prepared.html, true)) : null,
    text: prepared.text !== null ? liquidText.parse(inline(prepared.text, false)) : null,
  };
}

function escapeLiquid(text: string): string {
  return text.replace(/\{\{|\{%/g, (m) => `{{ '${m}' }}`);
}

function escapeHtml(text: string): string {
  return escapeLiquid(
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  );
}

/** prepareTemplate then localize, for one-off use (previews, tests). */
export async function compileTemplate(
  source: TemplateSource,
  layout: string,
  locale = 'en',
): Promise<CompiledTemplate> {
  return localize(await prepareTemplate(source, layout), locale);
}

function renderPart(engine: Liquid, tpl: Template[], scope: object, warnings: string[]): string {
  try {
    return engine.renderSync(tpl, scope, { strictVariables: true });
  } catch (err) {
    if (!(err instanceof LiquidError) || !/undefined variable/i.test(err.message)) throw err;
    // Render anyway, with the missing value empty, and keep a note of it on the message.
    warnings.push(err.message.replace(/, line:\d+, col:\d+$/, ''));
    return engine.renderSync(tpl, scope);
  }
}

const TEXT_OPTIONS = {
  wordwrap: 100,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
};

export function renderTemplate(compiled: CompiledTemplate, scope: object): Rendered {
  const warnings: string[] = [];
  const subject = compiled.subject
    ? renderPart(liquidText, compiled.subject, scope, warnings).replace(/\s+/g, ' ').trim()
    : null;
  const html = compiled.html ? renderPart(liquid, compiled.html, scope, warnings) : null;
  const text = compiled.text
    ? renderPart(liquidText, compiled.text, scope, warnings)
        .replace(/\n{3,}/g, '\n\n')
        .trim()
    : convert(html ?? '', TEXT_OPTIONS);
  return { subject, html, text, warnings: [...new Set(warnings)] };
}
