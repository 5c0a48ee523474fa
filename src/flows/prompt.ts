import { LANGUAGE_NAMES, Language } from '../domain/language';
import { Draft } from '../i18n/render';
import { AskStep, Flow } from '../models/flowDefinition';
import { answerData } from './callbacks';
import { Turn } from './turn';

/** The labels of an ask step's choices, in the person's language. */
export function optionLabels(turn: Turn, flow: Flow, step: AskStep): string[] {
  if (step.input === 'yesno') return [turn.t('answers.yes'), turn.t('answers.no')];
  if (step.optionTexts) return step.optionTexts.map((o) => turn.pick(o));
  return (step.options ?? []).map((o) => {
    if (step.optionLabels === 'languageNames') return LANGUAGE_NAMES[o as Language] ?? o;
    if (step.optionLabels) return turn.t(`${step.optionLabels}.${o}`);
    return turn.t(`flows.${flow.id}.${step.id}.options.${o}`);
  });
}

/** The question of an ask step as a draft, with the button data of its choices. */
export function promptOf(turn: Turn, flow: Flow, step: AskStep): Draft {
  const values = step.input === 'yesno' ? ['1', '2'] : (step.options ?? []);
  return {
    text: step.text ? turn.pick(step.text) : turn.t(`flows.${flow.id}.${step.id}.prompt`, turn.vars()),
    options: optionLabels(turn, flow, step),
    optionData: values.map((v) => answerData(flow.id, step.id, v)),
  };
}
