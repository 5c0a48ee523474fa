import { LANGUAGES } from '../../domain/language';
import { ROLES } from '../../models/contact';
import { defineFlow, Flow } from '../types';

/** Greets a new contact and asks their language, then hands over to registration. */
export const welcomeFlow = defineFlow({
  id: 'welcome',
  version: 1,
  steps: [
    {
      id: 'language',
      type: 'ask',
      input: 'language',
      options: [...LANGUAGES],
      optionLabels: 'languageNames',
      save: 'language',
    },
    { id: 'setLanguage', type: 'action', action: 'setLanguage' },
    { id: 'end', type: 'end', then: 'registration' },
  ],
});

/** `LANG`: choose a language again. */
export const languageFlow = defineFlow({
  id: 'language',
  version: 1,
  steps: [
    {
      id: 'language',
      type: 'ask',
      input: 'language',
      options: [...LANGUAGES],
      optionLabels: 'languageNames',
      save: 'language',
    },
    { id: 'setLanguage', type: 'action', action: 'setLanguage' },
    { id: 'done', type: 'say' },
    { id: 'end', type: 'end' },
  ],
});

/** Profile: role, site and region, every step skippable; ends with the privacy notice. */
export const registrationFlow = defineFlow({
  id: 'registration',
  version: 1,
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
    { id: 'site', type: 'ask', input: 'text', save: 'site', skippable: true },
    { id: 'region', type: 'ask', input: 'text', save: 'region', skippable: true },
    { id: 'save', type: 'action', action: 'saveProfile' },
    { id: 'done', type: 'say' },
    { id: 'end', type: 'end' },
  ],
});

/** The minerals offered as numbered choices in the guided price report. */
export const PRICE_MENU_MINERALS = [
  'gold',
  'tin',
  'coltan',
  'tungsten',
  'diamond',
  'copper',
  'cobalt',
  'other',
];

/**
 * Price report, guided: mineral → amount → currency and unit (defaults offered) →
 * confirmation → stored. A one-SMS report pre-fills the answers and skips what it gave.
 */
export const priceFlow = defineFlow({
  id: 'price',
  version: 1,
  steps: [
    {
      id: 'mineral',
      type: 'ask',
      input: 'mineral',
      options: PRICE_MENU_MINERALS,
      optionLabels: 'minerals',
      save: 'mineral',
      skipIfAnswered: true,
    },
    { id: 'amount', type: 'ask', input: 'amount', save: 'amount', skipIfAnswered: true },
    {
      id: 'currencyUnit',
      type: 'ask',
      input: 'currencyUnit',
      save: 'currency',
      fills: ['currency', 'unit'],
      skipIfAnswered: true,
    },
    { id: 'confirm', type: 'ask', input: 'yesno', save: 'confirmed' },
    {
      id: 'check',
      type: 'branch',
      cases: [{ answer: 'confirmed', equals: false, next: 'notSaved' }],
      otherwise: 'store',
    },
    { id: 'store', type: 'action', action: 'storePrice', next: 'end' },
    { id: 'notSaved', type: 'say' },
    { id: 'end', type: 'end' },
  ],
});

/** Every built-in flow, by id. */
export const BUILTIN_FLOWS: Record<string, Flow> = Object.fromEntries(
  [welcomeFlow, languageFlow, registrationFlow, priceFlow].map((f) => [f.id, f]),
);
