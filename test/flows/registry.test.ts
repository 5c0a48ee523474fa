import { FLOW_ACTIONS, registry } from '../../src/flows/actions';
import { decodeCallback, answerData, pollData } from '../../src/flows/callbacks';
import { BUILTIN_FLOWS } from '../../src/flows/definitions';
import { FlowEngine } from '../../src/flows/engine';
import { KEYWORD_HANDLERS } from '../../src/flows/keywords';
import { KEYWORDS } from '../../src/flows/words';
import { Translator } from '../../src/i18n';
import { defineFlow } from '../../src/models/flowDefinition';
import { EmbeddedStore } from '../../src/store';
import { tempDir } from '../helpers/engines';

const settings = {
  defaultLanguage: 'en' as const,
  defaultCurrency: 'USD',
  sessionTimeoutMinutes: 60,
  smsFoldGsm: true,
};

describe('the flow engine checks flows against its actions when it loads them', () => {
  test('a built-in flow naming an unknown action refuses to start the engine, naming flow, step and action', () => {
    const typo = defineFlow({
      id: 'price',
      version: 9,
      steps: [
        { id: 'store', type: 'action', action: 'storePrise' },
        { id: 'end', type: 'end' },
      ],
    });
    expect(
      () =>
        new FlowEngine({
          store: undefined as never,
          translator: new Translator('en'),
          flows: { ...BUILTIN_FLOWS, price: typo },
          settings,
        }),
    ).toThrow(/flow price, step store: unknown action "storePrise"/);
  });

  test('every action the built-in flows name is registered, and a name registered twice is refused', () => {
    expect(
      () =>
        new FlowEngine({
          store: undefined as never,
          translator: new Translator('en'),
          flows: BUILTIN_FLOWS,
          settings,
        }),
    ).not.toThrow();
    expect(() => registry({ saveProfile: () => undefined }, { saveProfile: () => undefined })).toThrow(
      /twice/,
    );
    expect(Object.keys(FLOW_ACTIONS).sort()).toEqual([
      'answerHelped',
      'checkOutlier',
      'marketAnswer',
      'offerAnswer',
      'openQuestion',
      'quizAnswer',
      'reportStatus',
      'saveProfile',
      'setLanguage',
      'storeIncident',
      'storeIssue',
      'storePrice',
      'storeSurvey',
    ]);
  });

  test('a stored flow (a survey) naming an unknown action is refused when it is loaded', async () => {
    const dir = tempDir();
    const store = new EmbeddedStore({ dir: dir.dir });
    try {
      await store.collection('flows').insertOne({
        _id: 'survey_bad',
        kind: 'survey',
        title: 'bad',
        createdBy: 'test',
        questions: [],
        definition: {
          id: 'survey_bad',
          version: 1,
          steps: [
            { id: 'x', type: 'action', action: 'dropTables' },
            { id: 'end', type: 'end' },
          ],
        },
      });
      const engine = new FlowEngine({
        store,
        translator: new Translator('en'),
        flows: { ...BUILTIN_FLOWS },
        settings,
      });
      await expect(engine.loadFlow('survey_bad')).rejects.toThrow(/unknown action "dropTables"/);
    } finally {
      await store.close();
      dir.remove();
    }
  });
});

describe('keywords and button data', () => {
  test('every keyword has a handler', () => {
    expect(Object.keys(KEYWORD_HANDLERS).sort()).toEqual([...KEYWORDS].sort());
  });

  test('button data round-trips and stays within Telegram’s 64 bytes; other data is not ours', () => {
    expect(decodeCallback(answerData('price', 'mineral', 'gold'))).toEqual({
      kind: 'answer',
      flowId: 'price',
      stepId: 'mineral',
      value: 'gold',
    });
    expect(decodeCallback(pollData('p1a2b3', 3))).toEqual({ kind: 'poll', pollId: 'p1a2b3', option: 3 });
    expect(
      Buffer.byteLength(answerData('survey_0123456789', 'q'.repeat(40), 'v'.repeat(20))),
    ).toBeLessThanOrEqual(64);
    for (const other of [undefined, '', 'x:1', 'p:abc:', 'p:abc:one', 'c:flow'])
      expect(decodeCallback(other)).toBeUndefined();
  });
});
