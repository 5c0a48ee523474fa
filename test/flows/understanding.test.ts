import { startService, TestService } from '../helpers/service';

/**
 * Miners who write freely, through the simulator (the same inbox, engine, store and outbox
 * as a real message): a price without the keyword is confirmed once and stored; read with
 * confidence, it is stored at once; a question gets the market; a message with numbers
 * that are not a price stores nothing and gets the one-SMS form to copy.
 */
describe('free-form messages, in each language', () => {
  let svc: TestService;
  let n = 0;
  /** A new person in a country: the line speaks its language and knows its currency. */
  const person = (prefix: string) => `${prefix}${String(100 + n++).padStart(7, '0')}`;
  const reports = (from: string) =>
    svc.service.store
      .collection('reports')
      .find({ kind: 'price' })
      .then((all) => all.filter((r) => r.placeOfSale !== from));

  beforeAll(async () => {
    svc = await startService();
  });
  afterAll(async () => {
    await svc.stop();
  });

  const priceCases: [
    lang: string,
    prefix: string,
    text: string,
    confirm: RegExp,
    yes: string,
    stored: object,
  ][] = [
    [
      'en',
      '+23324',
      'I sold gold today at 1,250 cedis per gram',
      /^Gold 1,250 GHS\/g\. Is this right\?\n1 Yes\n2 No$/,
      '1',
      { mineral: 'gold', amount: 1250, currency: 'GHS', unit: 'g' },
    ],
    [
      'fr',
      '+24399',
      "j'ai vendu l'or à 255 mille FC le gramme",
      /^Or 255 000 CDF\/g\. C'est juste \?/,
      'OUI',
      { mineral: 'gold', amount: 255000, currency: 'CDF', unit: 'g' },
    ],
    [
      'sw',
      '+25575',
      'nimeuza dhahabu leo elfu 150 kwa gramu',
      /^Dhahabu 150,000 TZS\/g\./,
      'NDIYO',
      { mineral: 'gold', amount: 150000, currency: 'TZS', unit: 'g' },
    ],
    [
      'es',
      '+59171',
      'Vendí oro a 420 bolivianos el gramo',
      /^Oro 420 BOB\/g\./,
      '1',
      { mineral: 'gold', amount: 420, currency: 'BOB', unit: 'g' },
    ],
    [
      'pt',
      '+55919',
      'vendi ouro hoje por 310 reais a grama',
      /^Ouro 310 BRL\/g\./,
      'SIM',
      { mineral: 'gold', amount: 310, currency: 'BRL', unit: 'g' },
    ],
  ];

  test.each(priceCases)(
    '%s: a price without the keyword is read back once, and stored on yes',
    async (_lang, prefix, text, confirm, yes, stored) => {
      const from = person(prefix);
      const before = (await reports(from)).length;
      const [question, ...more] = await svc.say(from, text);
      expect(more).toEqual([]);
      expect(question).toMatch(confirm);
      // nothing is stored before the person says yes
      expect((await reports(from)).length).toBe(before);
      const [saved] = await svc.say(from, yes);
      expect(saved).toMatch(/P-[0-9A-Z]{5}/);
      const ref = /P-[0-9A-Z]{5}/.exec(saved)![0];
      const report = await svc.service.store.collection('reports').findOne({ reference: ref });
      expect(report).toMatchObject(stored);
    },
  );

  test.each([
    [
      '+25575',
      'Bei ya dhahabu leo ni shilingi 150000 kwa gramu',
      { mineral: 'gold', amount: 150000, currency: 'TZS', unit: 'g' },
    ],
    [
      '+24399',
      "prix de l'or aujourd'hui 255000 FC par gramme",
      { mineral: 'gold', amount: 255000, currency: 'CDF', unit: 'g' },
    ],
    [
      '+59171',
      'precio del oro hoy 420 Bs por gramo',
      { mineral: 'gold', amount: 420, currency: 'BOB', unit: 'g' },
    ],
    [
      '+55919',
      'preço do ouro - 310,50 - R$ - grama',
      { mineral: 'gold', amount: 310.5, currency: 'BRL', unit: 'g' },
    ],
    [
      '+23324',
      'GOLD PRICE: 1250 cedis per gram',
      { mineral: 'gold', amount: 1250, currency: 'GHS', unit: 'g' },
    ],
  ])(
    'the keyword among filler words is read with confidence and stored at once: %s %s',
    async (prefix, text, stored) => {
      const [saved] = await svc.say(person(prefix), text);
      const ref = /P-[0-9A-Z]{5}/.exec(saved)?.[0];
      expect(ref).toBeDefined();
      expect(await svc.service.store.collection('reports').findOne({ reference: ref })).toMatchObject(stored);
    },
  );

  test('no to the reading asks the questions, with the mineral it named', async () => {
    const from = person('+23324');
    await svc.say(from, 'sold tin at 45 cedis per kilo');
    expect(await svc.say(from, '2')).toEqual([
      'Tin: what price were you paid? Write the amount, e.g. 250000',
    ]);
  });

  test('a typo in the keyword is read, and asked about first', async () => {
    const from = person('+23324');
    expect(await svc.say(from, 'PRCIE GOLD 1250 GHS G')).toEqual([
      'Gold 1,250 GHS/g. Is this right?\n1 Yes\n2 No',
    ]);
  });

  test.each([
    ['+23324', 'what is the gold price', 'PRICE GOLD?'],
    ['+24399', "combien coûte l'or", 'PRIX OR?'],
    ['+25575', 'dhahabu inauzwa bei gani', 'BEI DHAHABU?'],
    ['+59171', 'a cómo está el oro', 'PRECIO ORO?'],
    ['+55919', 'quanto está o ouro', 'PRECO OURO?'],
    ['+23324', 'tin 45?', 'PRICE TIN?'],
  ])('a question about a mineral gets the market answer: %s %s', async (prefix, question, keyword) => {
    const from = person(prefix);
    const asked = await svc.say(from, question);
    expect(asked).toEqual(await svc.say(from, keyword));
    expect(asked[0]).not.toMatch(/did not understand|pas compris|sijaelewa|no entend|não entendi/i);
  });

  test.each([
    [
      '+23324',
      'we are 12 in the pit',
      /^Sorry, I did not understand\. To report a price, send e\.g\. PRICE GOLD 250000 GHS G\./,
    ],
    [
      '+23324',
      'call me on 0241234567 about the gold',
      /^Sorry, I did not understand\. To report a price, send e\.g\. PRICE GOLD/,
    ],
    [
      '+24399',
      'nous sommes 12 au puits',
      /^Désolé, je n'ai pas compris\. Pour un prix, envoyez p\.ex\. PRIX OR 250000 CDF G\./,
    ],
    [
      '+25575',
      'tuko 12 shimoni la dhahabu tarehe 30/11',
      /^Samahani, sijaelewa\. Kutuma bei, andika mfano BEI DHAHABU 250000 TZS G\./,
    ],
    [
      '+59171',
      'tengo 5 gramos de oro',
      /^Perdon, no entendi\. Para un precio, envie p\.ej\. PRECIO ORO 250000 BOB G\./,
    ],
    [
      '+55919',
      'o garimpo de ouro tem 30 metros',
      /^Desculpe, nao entendi\. Para um preco, envie p\.ex\. PRECO OURO 250000 BRL G\./,
    ],
    ['+24399', 'cassitérite 45000', /PRIX CASSITÉRITE 45000 CDF KG/],
  ])(
    'numbers that are not a price store nothing, and the reply shows the form to copy: %s %s',
    async (prefix, text, hint) => {
      const from = person(prefix);
      await svc.say(from, 'PROFILE'); // registered people, so the welcome does not answer instead
      await svc.say(from, 'CANCEL');
      const count = await svc.service.store.collection('reports').countDocuments({});
      const replies = await svc.say(from, text);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatch(hint);
      expect(await svc.service.store.collection('reports').countDocuments({})).toBe(count);
    },
  );
});
