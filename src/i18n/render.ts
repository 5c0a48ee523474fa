import { foldToGsm, smsCost } from '../domain/sms';

/** A message before it meets a channel: text, and the choices a person can pick from. */
export interface Draft {
  text: string;
  options?: string[];
  /** Callback data of each option, for channels with buttons. */
  optionData?: string[];
}

/** A message as one channel carries it. */
export interface Rendered {
  text: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2' | 'text';
  /** Inline keyboard rows (Telegram). */
  buttons?: { text: string; data: string }[][];
}

/** Telegram's longest message. */
export const TELEGRAM_MAX_TEXT = 4096;

/** Splits a long text at line (or word) boundaries into pieces of at most `max` characters. */
export function splitText(text: string, max = TELEGRAM_MAX_TEXT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  parts.push(rest);
  return parts;
}

/**
 * Telegram: choices become inline keyboard buttons (two a row when labels are short),
 * typed answers keep working, and texts longer than 4096 characters are split.
 */
export function renderTelegram(draft: Draft): Rendered[] {
  const chunks = splitText(draft.text).map((text) => ({ text, segments: 1, encoding: 'text' as const }));
  if (draft.options?.length && draft.optionData?.length === draft.options.length) {
    const buttons = draft.options.map((text, i) => ({ text, data: draft.optionData![i] }));
    const perRow = buttons.every((b) => b.text.length <= 16) ? 2 : 1;
    const rows: { text: string; data: string }[][] = [];
    for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
    chunks[chunks.length - 1] = { ...chunks[chunks.length - 1], buttons: rows } as (typeof chunks)[number];
  } else if (draft.options?.length) {
    const last = chunks.length - 1;
    chunks[last] = {
      ...chunks[last],
      text: numbered(chunks[last].text, draft.options),
    };
  }
  return chunks;
}

/** WhatsApp's longest message through Twilio. */
export const WHATSAPP_MAX_TEXT = 1600;
/** WhatsApp shows at most three quick-reply buttons, each title at most 20 characters. */
export const WHATSAPP_MAX_BUTTONS = 3;
export const WHATSAPP_MAX_BUTTON_TITLE = 20;

/** Choices as numbered lines under the text, as SMS shows them. */
export function numbered(text: string, options: readonly string[]): string {
  return options.length ? `${text}\n${options.map((o, i) => `${i + 1} ${o}`).join('\n')}` : text;
}

/**
 * WhatsApp: up to three short choices become quick-reply buttons (one row; each answers
 * with its number, so tapping and typing read the same), more or longer ones numbered
 * lines as on SMS. No folding (WhatsApp has every alphabet); texts over 1600 characters
 * are split. Replies stay as short as on SMS: the same texts.
 */
export function renderWhatsApp(draft: Draft): Rendered[] {
  const options = draft.options ?? [];
  const buttons =
    options.length > 0 &&
    options.length <= WHATSAPP_MAX_BUTTONS &&
    options.every((o) => o.length <= WHATSAPP_MAX_BUTTON_TITLE);
  const parts = splitText(buttons ? draft.text : numbered(draft.text, options), WHATSAPP_MAX_TEXT).map(
    (t): Rendered => ({ text: t, segments: 1, encoding: 'text' }),
  );
  if (buttons) parts[parts.length - 1].buttons = [options.map((o, i) => ({ text: o, data: String(i + 1) }))];
  return parts;
}

/**
 * Channel-aware rendering. On SMS, choices become numbered lines and characters
 * outside GSM-7 are folded (when `foldGsm`), and the segment cost is counted.
 */
export function renderSms(draft: Draft, foldGsm: boolean): Rendered {
  let text = numbered(draft.text, draft.options ?? []);
  if (foldGsm) text = foldToGsm(text);
  const cost = smsCost(text);
  return { text, segments: cost.segments, encoding: cost.encoding };
}

/** The longest USSD screen: 160 characters, GSM-7 only. */
export const USSD_MAX = 160;

/** A USSD screen: its text and how many pages its list of choices takes. */
export interface UssdScreen {
  text: string;
  pages: number;
}

/**
 * A USSD screen from drafts: their texts one per line, the last draft's choices numbered
 * from 1, everything folded to GSM-7 (a screen has no other alphabet). A list that does
 * not fit is shown a page at a time, the text on the first page only, each page but the
 * last ending `98 <more>`; `footer` lines (`0 Back`) are added where they fit.
 */
export function renderUssd(
  drafts: Draft[],
  opts: { page?: number; more: string; footer?: string },
): UssdScreen {
  const head = foldToGsm(
    drafts
      .map((d) => d.text)
      .filter(Boolean)
      .join('\n'),
  );
  const options = drafts.at(-1)?.options ?? [];
  const lines = options.map((o, i) => foldToGsm(`${i + 1} ${o}`));
  const more = foldToGsm(`98 ${opts.more}`);
  const fits = (parts: string[]) => parts.join('\n').length <= USSD_MAX;
  // pages of choices: as many lines as fit, leaving room for `98 More` unless it is the last
  const pages: string[][] = [];
  let rest = lines;
  while (pages.length === 0 || rest.length) {
    const top = pages.length === 0 && head ? [head] : [];
    let n = rest.length;
    while (n > 0 && !fits([...top, ...rest.slice(0, n), ...(n < rest.length ? [more] : [])])) n--;
    if (n === 0 && rest.length) n = 1; // a choice longer than a screen still shows, cut below
    pages.push([...top, ...rest.slice(0, n), ...(n < rest.length ? [more] : [])]);
    rest = rest.slice(n);
  }
  const page = Math.min(Math.max(opts.page ?? 0, 0), pages.length - 1);
  let text = pages[page].join('\n');
  const footer = opts.footer ? foldToGsm(opts.footer) : undefined;
  if (footer && fits([text, footer])) text = `${text}\n${footer}`;
  if (text.length > USSD_MAX) text = `${text.slice(0, USSD_MAX - 3)}...`;
  return { text, pages: pages.length };
}
