import { LANGUAGES } from '../../domain/language';
import { INCIDENT_TYPES, ISSUE_CATEGORIES, PRIVACY_LEVELS } from '../../domain/reports';
import { ROLES } from '../../models/contact';
import { z } from 'zod';
import { defineFlow, Flow, stepSchema } from '../types';

/** The minerals offered as numbered choices (price report, profile). */
export const MENU_MINERALS = ['gold', 'tin', 'coltan', 'tungsten', 'diamond', 'copper', 'cobalt', 'other'];

/** Asking a language and setting it: the start of the welcome and of `LANG`. */
const chooseLanguage: z.input<typeof stepSchema>[] = [
  {
    id: 'language',
    type: 'ask',
    input: 'language',
    options: [...LANGUAGES],
    optionLabels: 'languageNames',
    save: 'language',
  },
  { id: 'setLanguage', type: 'action', action: 'setLanguage' },
];

/** Greets a new contact and asks their language, then hands over to registration. */
export const welcomeFlow = defineFlow({
  id: 'welcome',
  version: 1,
  steps: [...chooseLanguage, { id: 'end', type: 'end', then: 'registration' }],
});

/** `LANG`: choose a language again. */
export const languageFlow = defineFlow({
  id: 'language',
  version: 1,
  steps: [...chooseLanguage, { id: 'done', type: 'say' }, { id: 'end', type: 'end' }],
});

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

/**
 * Price report: mineral → amount → currency and unit (defaults offered) → purity (gold)
 * → place of sale → confirmation → outlier check → stored. A one-SMS report pre-fills the
 * answers (and the confirmation), so it only stops to ask when the price looks wrong.
 */
export const priceFlow = defineFlow({
  id: 'price',
  version: 2,
  steps: [
    {
      id: 'mineral',
      type: 'ask',
      input: 'mineral',
      options: MENU_MINERALS,
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
    {
      id: 'isGold',
      type: 'branch',
      cases: [{ answer: 'mineral', equals: 'gold', next: 'purity' }],
      otherwise: 'place',
    },
    { id: 'purity', type: 'ask', input: 'karat', save: 'purity', skippable: true, skipIfAnswered: true },
    { id: 'place', type: 'ask', input: 'text', save: 'placeOfSale', skippable: true, skipIfAnswered: true },
    { id: 'confirm', type: 'ask', input: 'yesno', save: 'confirmed', skipIfAnswered: true },
    {
      id: 'check',
      type: 'branch',
      cases: [{ answer: 'confirmed', equals: false, next: 'notSaved' }],
      otherwise: 'outlier',
    },
    { id: 'outlier', type: 'action', action: 'checkOutlier' },
    {
      id: 'isOutlier',
      type: 'branch',
      cases: [{ answer: 'outlier', equals: true, next: 'confirmOutlier' }],
      otherwise: 'store',
    },
    { id: 'confirmOutlier', type: 'ask', input: 'yesno', save: 'outlierOk' },
    {
      id: 'checkOutlier',
      type: 'branch',
      cases: [{ answer: 'outlierOk', equals: false, next: 'notSaved' }],
      otherwise: 'store',
    },
    { id: 'store', type: 'action', action: 'storePrice', next: 'end' },
    { id: 'notSaved', type: 'say' },
    { id: 'end', type: 'end' },
  ],
});

/** Confidential or anonymous: the last question of every issue and incident report. */
const privacyStep: z.input<typeof stepSchema> = {
  id: 'privacy',
  type: 'ask',
  input: 'choice',
  options: [...PRIVACY_LEVELS],
  optionLabels: 'privacy',
  save: 'privacy',
  skipIfAnswered: true,
};

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

/** Every built-in flow, by id. */
export const BUILTIN_FLOWS: Record<string, Flow> = Object.fromEntries(
  [welcomeFlow, languageFlow, registrationFlow, priceFlow, issueFlow, incidentFlow].map((f) => [f.id, f]),
);
