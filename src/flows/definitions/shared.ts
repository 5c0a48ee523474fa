import { z } from 'zod';
import { LANGUAGES } from '../../domain/language';
import { PRIVACY_LEVELS } from '../../domain/reports';
import { stepSchema } from '../../models/flowDefinition';

/** Steps and lists several flows share. */

/** The minerals offered as numbered choices (price report, profile). */
export const MENU_MINERALS = ['gold', 'tin', 'coltan', 'tungsten', 'diamond', 'copper', 'cobalt', 'other'];

/** Asking a language and setting it: the start of the welcome and of `LANG`. */
export const chooseLanguage: z.input<typeof stepSchema>[] = [
  {
    id: 'language',
    type: 'ask',
    input: 'language',
    options: [...LANGUAGES],
    optionLabels: 'languageNames',
    save: 'language',
  },
  { id: 'setLanguage', type: 'action', action: 'setLanguage' },
];

/** Confidential or anonymous: the last question of every issue and incident report. */
export const privacyStep: z.input<typeof stepSchema> = {
  id: 'privacy',
  type: 'ask',
  input: 'choice',
  options: [...PRIVACY_LEVELS],
  optionLabels: 'privacy',
  save: 'privacy',
  skipIfAnswered: true,
};
