import { BadRequest, ConnectionFailed, NotFound } from '../../domain/errors';
import { MediaRef } from '../../models';

/** The largest photo or file the dashboard opens. */
const MEDIA_LIMIT = 5 * 1024 * 1024;

/** What a stored media reference holds: the bytes and their type. */
export interface MediaFile {
  contentType: string;
  body: Buffer;
}

/** A Twilio account, as the media readers need it. */
export interface TwilioAccount {
  accountSid: string;
  authToken: string;
  apiBase: string;
}

/**
 * Reads a file Twilio keeps for the account (a photo, a recording) with the account's
 * credentials, through `apiBase` like every Twilio call: for logged-in staff only, never
 * public, never copied into the store. `gone` is what staff read when Twilio no longer has it.
 */
export async function readTwilioFile(
  account: TwilioAccount,
  path: string,
  opts: { timeoutMs?: number; gone: string; contentType: string },
): Promise<MediaFile> {
  const auth = Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64');
  let res: Response;
  try {
    res = await fetch(account.apiBase + path, {
      headers: { authorization: `Basic ${auth}` },
      redirect: 'follow',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
  } catch (err) {
    throw new ConnectionFailed(`twilio media: ${(err as Error).message}`, { cause: err });
  }
  if (res.status === 404) throw new NotFound(opts.gone);
  if (!res.ok) throw new ConnectionFailed(`twilio media: HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MEDIA_LIMIT) throw new BadRequest('the file is larger than 5 MB');
  return { contentType: res.headers.get('content-type') ?? opts.contentType, body };
}

/**
 * Reads a photo a person sent on WhatsApp from where Twilio keeps it (Twilio media need
 * the account's credentials). Only Twilio's own media URLs are read: nothing else is
 * fetched on a stored URL's word.
 */
export function fetchTwilioMedia(
  account: TwilioAccount,
  ref: MediaRef,
  timeoutMs = 15_000,
): Promise<MediaFile> {
  const u = new URL(ref.url);
  if (
    u.protocol !== 'https:' ||
    u.hostname !== 'api.twilio.com' ||
    !u.pathname.startsWith(`/2010-04-01/Accounts/`)
  )
    return Promise.reject(new BadRequest('not a Twilio media address'));
  return readTwilioFile(account, u.pathname, {
    timeoutMs,
    gone: 'the photo is no longer at Twilio',
    contentType: ref.contentType,
  });
}
