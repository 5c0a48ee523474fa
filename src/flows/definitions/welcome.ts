import { defineFlow } from '../../models/flowDefinition';
import { chooseLanguage } from './shared';

/** Greets a new contact and asks their language, then hands over to registration. */
export const welcomeFlow = defineFlow({
  id: 'welcome',
  version: 1,
  steps: [...chooseLanguage, { id: 'end', type: 'end', then: 'registration' }],
});
