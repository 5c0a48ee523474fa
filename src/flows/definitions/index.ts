import { Flow } from '../../models/flowDefinition';
import { incidentFlow } from './incident';
import { issueFlow } from './issue';
import { languageFlow } from './language';
import { marketFlow, statusFlow } from './lookups';
import { priceFlow } from './price';
import { questionFlow } from './question';
import { registrationFlow } from './registration';
import { welcomeFlow } from './welcome';

export { MENU_MINERALS } from './shared';
export {
  incidentFlow,
  issueFlow,
  languageFlow,
  marketFlow,
  priceFlow,
  questionFlow,
  registrationFlow,
  statusFlow,
  welcomeFlow,
};

/**
 * Every built-in flow, by id: one file per flow in this folder. Staff-made surveys are
 * flows too, stored as data (see campaigns/surveys.ts). The engine checks each against
 * its actions when it starts.
 */
export const BUILTIN_FLOWS: Record<string, Flow> = Object.fromEntries(
  [
    welcomeFlow,
    languageFlow,
    registrationFlow,
    priceFlow,
    issueFlow,
    incidentFlow,
    marketFlow,
    statusFlow,
    questionFlow,
  ].map((f) => [f.id, f]),
);
