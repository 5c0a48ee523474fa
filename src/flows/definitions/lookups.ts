import { defineFlow } from '../../models/flowDefinition';
import { MENU_MINERALS } from './shared';

/** Lookups asked step by step (the USSD menu, a keyword without its argument): nothing is stored. */

/** Market price: mineral → the reference price and the local median. */
export const marketFlow = defineFlow({
  id: 'market',
  version: 1,
  steps: [
    {
      id: 'mineral',
      type: 'ask',
      input: 'mineral',
      options: MENU_MINERALS.filter((m) => m !== 'other'),
      optionLabels: 'minerals',
      save: 'mineral',
    },
    { id: 'answer', type: 'action', action: 'marketAnswer' },
    { id: 'end', type: 'end' },
  ],
});

/** Follow a report: its reference → its state. */
export const statusFlow = defineFlow({
  id: 'status',
  version: 1,
  steps: [
    { id: 'reference', type: 'ask', input: 'text', save: 'reference', maxLength: 20 },
    { id: 'answer', type: 'action', action: 'reportStatus' },
    { id: 'end', type: 'end' },
  ],
});
