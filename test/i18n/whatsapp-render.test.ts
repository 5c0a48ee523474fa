import { renderWhatsApp } from '../../src/i18n/render';

describe('WhatsApp rendering', () => {
  test('up to three choices of at most 20 characters become quick-reply buttons answering with their number', () => {
    const [m] = renderWhatsApp({ text: 'Nani ajue ni wewe?', options: ['Siri kwa timu', 'Bila jina'] });
    expect(m.text).toBe('Nani ajue ni wewe?');
    expect(m.buttons).toEqual([
      [
        { text: 'Siri kwa timu', data: '1' },
        { text: 'Bila jina', data: '2' },
      ],
    ]);
  });

  test('four choices, or a title over 20 characters, are numbered lines as on SMS, accents kept', () => {
    const four = renderWhatsApp({ text: 'Minerai ?', options: ['Or', 'Étain', 'Coltan', 'Cuivre'] });
    expect(four).toEqual([
      { text: 'Minerai ?\n1 Or\n2 Étain\n3 Coltan\n4 Cuivre', segments: 1, encoding: 'text' },
    ]);
    const long = renderWhatsApp({ text: 'Who?', options: ['Confidential to the team', 'Anonymous'] });
    expect(long[0].buttons).toBeUndefined();
    expect(long[0].text).toBe('Who?\n1 Confidential to the team\n2 Anonymous');
  });

  test('a text over 1600 characters is split at a line, buttons on the last part', () => {
    const line = 'Mvua kubwa inakuja, msiingie mashimoni. '.repeat(10);
    const parts = renderWhatsApp({ text: Array(6).fill(line).join('\n'), options: ['Ndiyo', 'Hapana'] });
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.text.length <= 1600)).toBe(true);
    expect(parts[0].buttons).toBeUndefined();
    expect(parts[1].buttons?.[0].map((b) => b.text)).toEqual(['Ndiyo', 'Hapana']);
  });
});
