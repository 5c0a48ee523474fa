import { createHmac } from 'node:crypto';

// Sequences of 7+ digits, optionally with a leading + and common separators: phone-number shaped.
const PHONE_LIKE = /\+?\d[\d\s().-]{5,}\d/g;

/** Masks anything shaped like a phone number in a string, keeping the last two digits. */
export function maskPhones(s: string): string {
  return s.replace(PHONE_LIKE, (m) => {
    const digits = m.replace(/\D/g, '');
    if (digits.length < 7) return m;
    return `[phone …${digits.slice(-2)}]`;
  });
}

/**
 * A keyed pseudonym (HMAC-SHA256 with a secret setting) for a phone number or chat id.
 * Stable for one secret, useless to anyone without it, unlike a plain hash of a phone number.
 */
export function pseudonym(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('hex').slice(0, 16);
}

/**
 * A time to the hour: what is kept next to a person wherever a precise time could single
 * out the sender of an anonymous report among the few who wrote that hour.
 */
export function toHour(d: Date): Date {
  const hour = new Date(d);
  hour.setUTCMinutes(0, 0, 0);
  return hour;
}
