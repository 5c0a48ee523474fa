import { Flow } from '../../models/flowDefinition';
import { Turn } from '../turn';
import { lookupActions } from './market';
import { profileActions } from './profile';
import { reportActions } from './reports';
import { surveyActions } from './surveys';
import { questionActions } from './questions';
import { seriesActions } from './series';

/** What an `action` step of a flow runs. */
export type Action = (turn: Turn) => Promise<void> | void;

/** Actions by the name flow definitions use. */
export type ActionRegistry = Readonly<Record<string, Action>>;

/** Joins groups of actions into one registry; a name given twice is a mistake, refused. */
export function registry(...groups: Record<string, Action>[]): ActionRegistry {
  const all: Record<string, Action> = {};
  for (const g of groups)
    for (const [name, action] of Object.entries(g)) {
      if (all[name]) throw new Error(`action ${name} is registered twice`);
      all[name] = action;
    }
  return Object.freeze(all);
}

/** Every action Chimba's flows (built-in and stored) may name. */
export const FLOW_ACTIONS = registry(
  profileActions,
  reportActions,
  surveyActions,
  lookupActions,
  questionActions,
  seriesActions,
);

/** Refuses a flow that names an action the registry does not have, naming the flow, step and action. */
export function checkActions(flow: Flow, actions: ActionRegistry): void {
  for (const step of flow.steps) {
    if (step.type === 'action' && !Object.hasOwn(actions, step.action))
      throw new Error(
        `flow ${flow.id}, step ${step.id}: unknown action "${step.action}" (known: ${Object.keys(actions).join(', ')})`,
      );
  }
}
