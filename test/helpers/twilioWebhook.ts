import twilio from 'twilio';
import { TEST_TWILIO } from './service';

/** Signs a webhook like Twilio does, with the official library, for the public URL of `route`. */
export function signTwilio(route: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(
    TEST_TWILIO.TWILIO_AUTH_TOKEN,
    TEST_TWILIO.PUBLIC_BASE_URL + route,
    params,
  );
}

/** Posts a form-encoded webhook to a running service, with a signature header when given. */
export function postTwilioForm(
  baseUrl: string,
  route: string,
  params: Record<string, string>,
  signature?: string,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== undefined) headers['x-twilio-signature'] = signature;
  return fetch(baseUrl + route, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
}
