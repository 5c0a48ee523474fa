import { foldToGsm, smsCost } from '../domain/sms';

/** A message before it meets a channel: text, and the choices a person can pick from. */
export interface Draft {
  text: string;
  options?: string[];
}

/** A message as one channel carries it. */
export interface Rendered {
  text: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2' | 'text';
}

/**
 * Channel-aware rendering. On SMS, choices become numbered lines and characters
 * outside GSM-7 are folded (when `foldGsm`), and the segment cost is counted.
 */
export function renderSms(draft: Draft, foldGsm: boolean): Rendered {
  let text = draft.text;
  if (draft.options?.length) text += '\n' + draft.options.map((o, i) => `${i + 1} ${o}`).join('\n');
  if (foldGsm) text = foldToGsm(text);
  const cost = smsCost(text);
  return { text, segments: cost.segments, encoding: cost.encoding };
}
