import { BadRequest, ConnectionFailed, NotFound } from '../../domain/errors';
import { MediaRef } from '../../models';

/** The largest photo or file the dashboard opens. */
const MEDIA_LIMIT = 5 * 1024 * 1024;

/** What a stored media reference holds: the bytes and their type. */
export interface MediaFile {
  contentType: string;
  body: Buffer;
}

/**
 * Reads a photo a person sent on WhatsApp from where Twilio keeps it, with the account's
 * credentials (Twilio media need them), for logged-in staff only: never public, never
 * copied into the store. Only Twilio's own media URLs are read (nothing else is fetched
 * on a stored URL's word), through `apiBase` like every Twilio call.
 */
export async function fetchTwilioMedia(
  account: { accountSid: string; authToken: string; apiBase: string },
  ref: MediaRef,
  timeoutMs = 15_000,
): Promise<MediaFile> {
  const u = new URL(ref.url);
  if (
    u.protocol !== 'https:' ||
    u.hostname !== 'api.twilio.com' ||
    !u.pathname.startsWith(`/2010-04-01/Accounts/`)
  )
    throw new BadRequest('not a Twilio media address');
  const auth = Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64');
  let res: Response;
  try {
    res = await fetch(account.apiBase + u.pathname, {
      headers: { authorization: `Basic ${auth}` },
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ConnectionFailed(`twilio media: ${(err as Error).message}`, { cause: err });
  }
  if (res.status === 404) throw new NotFound('the photo is no longer at Twilio');
  if (!res.ok) throw new ConnectionFailed(`twilio media: HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MEDIA_LIMIT) throw new BadRequest('the file is larger than 5 MB');
  return { contentType: res.headers.get('content-type') ?? ref.contentType, body };
}
