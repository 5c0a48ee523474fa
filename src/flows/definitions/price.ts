import { defineFlow } from '../../models/flowDefinition';
import { MENU_MINERALS } from './shared';

/**
 * Price report: mineral → amount → currency and unit (defaults offered) → purity (gold)
 * → place of sale → confirmation → outlier check → stored. A one-SMS report pre-fills the
 * answers (and the confirmation), so it only stops to ask when the price looks wrong. A
 * price written freely that the reader had to guess at pre-fills all but the confirmation:
 * yes stores it, no asks the questions again with the mineral it named.
 */
export const priceFlow = defineFlow({
  id: 'price',
  version: 3,
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
      cases: [{ answer: 'confirmed', equals: false, next: 'rejected' }],
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
    // a message the reader had to guess at, read wrong: the questions, with the mineral it named
    {
      id: 'rejected',
      type: 'branch',
      cases: [{ answer: 'guessed', equals: true, next: 'guided' }],
      otherwise: 'notSaved',
    },
    { id: 'guided', type: 'end', then: 'price', keep: ['mineral'] },
    { id: 'notSaved', type: 'say' },
    { id: 'end', type: 'end' },
  ],
});
