import { ISSUE_CATEGORIES } from '../../domain/reports';
import { defineFlow } from '../../models/flowDefinition';
import { privacyStep } from './shared';

/** Issue report: category → what happened → where → confidential or anonymous → stored. */
export const issueFlow = defineFlow({
  id: 'issue',
  version: 1,
  sensitive: true,
  steps: [
    {
      id: 'category',
      type: 'ask',
      input: 'choice',
      options: [...ISSUE_CATEGORIES],
      optionLabels: 'issues',
      save: 'category',
      skipIfAnswered: true,
    },
    {
      id: 'description',
      type: 'ask',
      input: 'text',
      save: 'description',
      maxLength: 320,
      skipIfAnswered: true,
    },
    { id: 'place', type: 'ask', input: 'text', save: 'place', skippable: true, skipIfAnswered: true },
    privacyStep,
    { id: 'store', type: 'action', action: 'storeIssue' },
    { id: 'end', type: 'end' },
  ],
});
