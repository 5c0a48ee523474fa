/** The voice line: keypad menus over the same flows, spoken (see line.ts). */
import { Translator } from '../../i18n';
import { Store } from '../../store/types';
import type { FlowEngine } from '../engine';
import { ClipLibrary } from './clips';
import { VoiceLine } from './line';
import { Speaker } from './speech';

export { VoiceLine, ClipLibrary, Speaker };
export { SAY_LANGUAGES } from './speech';
export { VOICE_MENU } from './types';
export type { VoiceAnswer, VoiceRequest } from './types';

/** The voice line of a service: its prompts from the locales, staff recordings from `promptsDir`. */
export function voiceLine(o: {
  store: Store;
  engine: FlowEngine;
  translator: Translator;
  promptsDir?: string;
  retentionDays: number;
  clock?: () => Date;
}): VoiceLine {
  const speaker = new Speaker(o.translator, new ClipLibrary(o.promptsDir));
  return new VoiceLine({
    store: o.store,
    engine: o.engine,
    speaker,
    retentionDays: o.retentionDays,
    clock: o.clock,
  });
}
