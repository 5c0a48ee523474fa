import { defineFlow } from '../../models/flowDefinition';
import { chooseLanguage } from './shared';

/** `LANG`: choose a language again. */
export const languageFlow = defineFlow({
  id: 'language',
  version: 1,
  steps: [...chooseLanguage, { id: 'done', type: 'say' }, { id: 'end', type: 'end' }],
});
