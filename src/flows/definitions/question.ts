import { defineFlow } from '../../models/flowDefinition';
import { privacyStep } from './shared';

/**
 * Ask someone who knows: the question → a published answer to a similar question, when
 * there is one ("does this help? 1 yes 2 ask anyway") → confidential or anonymous → the
 * question waits for staff or an expert, with a reference.
 */
export const questionFlow = defineFlow({
  id: 'question',
  version: 1,
  sensitive: true,
  steps: [
    { id: 'question', type: 'ask', input: 'text', save: 'question', maxLength: 320, skipIfAnswered: true },
    { id: 'similar', type: 'action', action: 'offerAnswer' },
    {
      id: 'offered',
      type: 'branch',
      cases: [{ answer: 'hasOffer', equals: true, next: 'helps' }],
      otherwise: 'privacy',
    },
    { id: 'helps', type: 'ask', input: 'choice', options: ['helped', 'askAnyway'], save: 'helps' },
    {
      id: 'helped',
      type: 'branch',
      cases: [{ answer: 'helps', equals: 'helped', next: 'thanks' }],
      otherwise: 'privacy',
    },
    { id: 'thanks', type: 'action', action: 'answerHelped', next: 'end' },
    privacyStep,
    { id: 'open', type: 'action', action: 'openQuestion' },
    { id: 'end', type: 'end' },
  ],
});
