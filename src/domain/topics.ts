/**
 * What the knowledge network helps with: the same subjects as the problem map, so a
 * person who reported mercury can be pointed at who helps with it.
 */
export const TOPICS = [
  'mercury',
  'safety',
  'health',
  'child_labour',
  'women',
  'land_conflict',
  'legal',
  'finance',
  'markets',
  'environment',
] as const;

/** One topic id. */
export type Topic = (typeof TOPICS)[number];

/** Whether a value is a topic id. */
export function isTopic(v: unknown): v is Topic {
  return typeof v === 'string' && (TOPICS as readonly string[]).includes(v);
}
