import { INCIDENT_TYPES } from '../../domain/reports';
import { defineFlow } from '../../models/flowDefinition';
import { privacyStep } from './shared';

/** Safety incident: type → injured → dead → when → where → confidential or anonymous → stored (urgent alerts). */
export const incidentFlow = defineFlow({
  id: 'incident',
  version: 1,
  sensitive: true,
  steps: [
    {
      id: 'type',
      type: 'ask',
      input: 'choice',
      options: [...INCIDENT_TYPES],
      optionLabels: 'incidents',
      save: 'incidentType',
      skipIfAnswered: true,
    },
    { id: 'injured', type: 'ask', input: 'count', save: 'injured', skipIfAnswered: true },
    { id: 'dead', type: 'ask', input: 'count', save: 'dead', skipIfAnswered: true },
    { id: 'when', type: 'ask', input: 'text', save: 'occurred', skippable: true, skipIfAnswered: true },
    { id: 'place', type: 'ask', input: 'text', save: 'place', skippable: true, skipIfAnswered: true },
    privacyStep,
    { id: 'store', type: 'action', action: 'storeIncident' },
    { id: 'end', type: 'end' },
  ],
});
