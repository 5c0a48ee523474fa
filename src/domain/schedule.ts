/** Local times in a time zone, for messages that go at a daily hour where the person lives. */

/** How far a time zone is ahead of UTC at an instant, in milliseconds. */
function offsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return local - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The first instant at or after `after` when the clock reads `hour`:00 in `timeZone`, at
 * least `minDays` local days after the local day of `after` (0: today's, if still ahead).
 */
export function nextLocalHour(after: Date, hour: number, timeZone: string, minDays = 0): Date {
  const shifted = new Date(after.getTime() + offsetMs(after, timeZone));
  for (let day = minDays; day < minDays + 3; day++) {
    const guess = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate() + day, hour);
    const at = new Date(guess - offsetMs(new Date(guess), timeZone));
    if (at >= after) return at;
  }
  throw new Error(`no ${hour}:00 in ${timeZone} after ${after.toISOString()}`);
}
