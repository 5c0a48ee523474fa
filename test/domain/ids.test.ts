import { newId, randomId } from '../../src/domain/ids';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('document ids', () => {
  test('a new id is a version 7 UUID that says the hour it was made and nothing finer', () => {
    const at = Date.UTC(2026, 11, 2, 14, 37, 12, 345);
    const id = newId(at);
    expect(id).toMatch(UUID);
    expect(id[14]).toBe('7');
    expect(new Date(timeOf(id)).toISOString()).toBe('2026-12-02T14:00:00.000Z');
  });

  test('ids of one process grow, so indexes on them are appended to, and never repeat', () => {
    const at = Date.UTC(2026, 11, 2, 9, 5);
    const ids = Array.from({ length: 50_000 }, (_, i) => newId(at + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // the next hour's ids come after this hour's
    const later = newId(at + 3_600_000);
    expect(later > ids[ids.length - 1]).toBe(true);
    expect(new Date(timeOf(later)).toISOString()).toBe('2026-12-02T10:00:00.000Z');
  });

  test("each hour's counter starts at a random point: two processes do not walk the same ids", () => {
    // a new hour reseeds; the seeds of many hours differ (a fixed start would repeat)
    const starts = new Set<string>();
    for (let h = 0; h < 20; h++) starts.add(newId(Date.UTC(2027, 0, 1, h)).slice(15, 23));
    expect(starts.size).toBe(20);
  });

  test('a random id (an anonymous report) is a version 4 UUID with no time in it', () => {
    const a = randomId();
    const b = randomId();
    expect(a).toMatch(UUID);
    expect(a[14]).toBe('4');
    expect(a).not.toBe(b);
  });
});
