import { ROLES } from '../../models/contact';
import { defineFlow } from '../../models/flowDefinition';
import { MENU_MINERALS } from './shared';

/** Profile: role, site, region and minerals, every step skippable; ends with the privacy notice. */
export const registrationFlow = defineFlow({
  id: 'registration',
  version: 2,
  steps: [
    {
      id: 'role',
      type: 'ask',
      input: 'choice',
      options: [...ROLES],
      optionLabels: 'roles',
      save: 'role',
      skippable: true,
    },
    // a site already known from the QR code the chat was opened with is not asked again
    { id: 'site', type: 'ask', input: 'text', save: 'site', skippable: true, skipIfAnswered: true },
    { id: 'region', type: 'ask', input: 'text', save: 'region', skippable: true },
    {
      id: 'minerals',
      type: 'ask',
      input: 'minerals',
      options: MENU_MINERALS,
      optionLabels: 'minerals',
      save: 'minerals',
      skippable: true,
    },
    { id: 'save', type: 'action', action: 'saveProfile' },
    {
      id: 'which',
      type: 'branch',
      cases: [{ answer: 'updated', equals: true, next: 'updated' }],
      otherwise: 'done',
    },
    { id: 'done', type: 'say', next: 'end' },
    { id: 'updated', type: 'say' },
    { id: 'end', type: 'end' },
  ],
});
