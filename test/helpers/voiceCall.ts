import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { postTwilioForm, signTwilio } from './twilioWebhook';
import { TEST_TWILIO } from './service';

/** Every TwiML verb and noun Twilio documents for voice; the line must use no other. */
export const TWIML_VOICE_TAGS = new Set([
  'Response',
  'Say',
  'Play',
  'Gather',
  'Record',
  'Redirect',
  'Hangup',
  'Reject',
  'Pause',
  'Dial',
  'Number',
  'Enqueue',
  'Leave',
  'Refer',
  'Connect',
  'Stream',
  'Sms',
]);
/** The attributes Twilio documents on the verbs the line uses. */
const ATTRIBUTES: Record<string, Set<string>> = {
  Say: new Set(['voice', 'language', 'loop']),
  Play: new Set(['loop', 'digits']),
  Gather: new Set([
    'input',
    'action',
    'method',
    'timeout',
    'numDigits',
    'finishOnKey',
    'actionOnEmptyResult',
    'language',
    'speechTimeout',
    'hints',
    'partialResultCallback',
    'profanityFilter',
  ]),
  Record: new Set([
    'action',
    'method',
    'timeout',
    'finishOnKey',
    'maxLength',
    'playBeep',
    'trim',
    'recordingStatusCallback',
    'recordingStatusCallbackMethod',
    'recordingStatusCallbackEvent',
    'transcribe',
    'transcribeCallback',
  ]),
  Redirect: new Set(['method']),
  Reject: new Set(['reason']),
  Hangup: new Set([]),
  Response: new Set([]),
};

/** A TwiML element: its tag, attributes, text and children. */
export interface TwimlNode {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  children: TwimlNode[];
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * Parses TwiML strictly: an XML declaration, one `<Response>`, well-formed nesting, only
 * documented verbs and attributes. Throws on anything else.
 */
export function parseTwiml(xml: string): TwimlNode {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>/, '');
  if (body === xml) throw new Error(`no XML declaration: ${xml.slice(0, 60)}`);
  const root: TwimlNode = { tag: '#root', attrs: {}, text: '', children: [] };
  const stack = [root];
  const re = /<(\/?)([A-Za-z]+)((?:\s+[A-Za-z]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let consumed = 0;
  for (const m of body.matchAll(re)) {
    if (m.index !== consumed) throw new Error(`malformed TwiML near: ${body.slice(consumed, consumed + 40)}`);
    consumed += m[0].length;
    const top = stack[stack.length - 1];
    if (m[5] !== undefined) {
      top.text += unescape(m[5]);
      continue;
    }
    const [, closing, tag, attrText, selfClosing] = m;
    if (closing) {
      if (top.tag !== tag) throw new Error(`</${tag}> closes <${top.tag}>`);
      stack.pop();
      continue;
    }
    if (!TWIML_VOICE_TAGS.has(tag)) throw new Error(`<${tag}> is not a TwiML voice verb`);
    const attrs = Object.fromEntries(
      [...attrText.matchAll(/([A-Za-z]+)="([^"]*)"/g)].map((a) => [a[1], unescape(a[2])]),
    );
    for (const a of Object.keys(attrs))
      if (!ATTRIBUTES[tag]?.has(a)) throw new Error(`<${tag} ${a}> is not an attribute Twilio documents`);
    const node: TwimlNode = { tag, attrs, text: '', children: [] };
    top.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (consumed !== body.length || stack.length !== 1) throw new Error('unclosed TwiML');
  if (root.children.length !== 1 || root.children[0].tag !== 'Response')
    throw new Error('TwiML must be one <Response>');
  return root.children[0];
}

/** What a caller hears and what the line waits for, read off one TwiML answer. */
export interface HeardStep {
  twiml: string;
  /** The words heard: `<Say>` texts and, for `<Play>`, the text the clip says (from the audio index or a staff recording). */
  heard: string;
  plays: string[];
  /** The next request's address (a `<Gather>` or `<Record>` action), and the one on silence. */
  action?: string;
  onSilence?: string;
  gather?: Record<string, string>;
  record?: Record<string, string>;
  hangup: boolean;
  reject?: string;
}

const AUDIO_INDEX = path.join(__dirname, '../../locales/audio');

/** The text of a clip the line plays: a generated clip's from its index; a staff recording is named `[recording <name>]`. */
export function clipText(url: string): string {
  const m = /\/voice\/audio\/(\w+)\/([^/]+)\.(wav|mp3)$/.exec(url);
  if (!m) throw new Error(`not a prompt address: ${url}`);
  const file = path.join(AUDIO_INDEX, m[1], 'index.json');
  const index = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}) as Record<
    string,
    string
  >;
  if (m[3] === 'mp3' || index[m[2]] === undefined) return `[recording ${m[2]}]`;
  return index[m[2]];
}

/** Reads one TwiML answer. */
export function readTwiml(twiml: string): HeardStep {
  const response = parseTwiml(twiml);
  const words: string[] = [];
  const plays: string[] = [];
  const speak = (n: TwimlNode) => {
    if (n.tag === 'Say') words.push(n.text.trim());
    if (n.tag === 'Play') {
      plays.push(n.text.trim());
      words.push(clipText(n.text.trim()));
    }
  };
  const step: HeardStep = { twiml, heard: '', plays, hangup: false };
  for (const n of response.children) {
    speak(n);
    if (n.tag === 'Gather') {
      n.children.forEach(speak);
      step.gather = n.attrs;
      step.action = n.attrs.action;
    }
    if (n.tag === 'Record') {
      step.record = n.attrs;
      step.action = n.attrs.action;
    }
    if (n.tag === 'Redirect') step.onSilence = n.text.trim();
    if (n.tag === 'Hangup') step.hangup = true;
    if (n.tag === 'Reject') step.reject = n.attrs.reason;
  }
  step.heard = words
    .reduce((acc, t) => `${acc}${/^[,.:;!?]/.test(t) || !acc ? '' : ' '}${t}`, '')
    .replace(/\s+/g, ' ')
    .trim();
  return step;
}

/** The form Twilio posts for each step of a call (recorded shape, `src/bots/twilio/fixtures`). */
export function callForm(
  callSid: string,
  from: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: 'in-progress',
    Called: TEST_TWILIO.TWILIO_FROM_NUMBER,
    Caller: from,
    Direction: 'inbound',
    From: from,
    To: TEST_TWILIO.TWILIO_FROM_NUMBER,
    ...extra,
  };
}

/** A phone call to a running service through its Twilio webhook, signed as Twilio signs. */
export class TestCall {
  callSid = `CA${randomBytes(16).toString('hex')}`;
  last?: HeardStep;

  constructor(
    private readonly baseUrl: string,
    readonly from: string,
    private readonly direction: 'inbound' | 'outbound-api' = 'inbound',
  ) {}

  async post(route: string, extra: Record<string, string>): Promise<HeardStep> {
    const params = callForm(this.callSid, this.from, { ...extra, Direction: this.direction });
    if (this.direction !== 'inbound')
      Object.assign(params, { From: TEST_TWILIO.TWILIO_FROM_NUMBER, To: this.from });
    const res = await postTwilioForm(this.baseUrl, route, params, signTwilio(route, params));
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${route}: ${res.status} ${body}`);
    if (!/^text\/xml/.test(res.headers.get('content-type') ?? '')) throw new Error(`not TwiML: ${body}`);
    this.last = readTwiml(body);
    return this.last;
  }

  /** The call connects. */
  dial(): Promise<HeardStep> {
    return this.post('/webhooks/twilio/voice', {});
  }

  /** Keys pressed for the question asked (`250000#` types a number; Twilio leaves `#` out of `Digits`). */
  press(keys: string): Promise<HeardStep> {
    if (!this.last?.action || !this.last.gather) throw new Error('the line is not waiting for keys');
    const finished = keys.endsWith('#');
    return this.post(this.last.action, {
      Digits: finished ? keys.slice(0, -1) : keys,
      ...(finished ? { FinishedOnKey: '#' } : {}),
      msg: 'Gather End',
    });
  }

  /** Nothing pressed: Twilio moves on to the `<Redirect>` after the `<Gather>`. */
  silence(): Promise<HeardStep> {
    if (!this.last?.onSilence) throw new Error('no redirect after the question');
    return this.post(this.last.onSilence, {});
  }

  /** The caller speaks after the beep, for `seconds`. */
  record(seconds = 12): Promise<HeardStep> {
    if (!this.last?.record || !this.last.action) throw new Error('the line is not recording');
    const sid = `RE${randomBytes(16).toString('hex')}`;
    return this.post(this.last.action, {
      RecordingSid: sid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${TEST_TWILIO.TWILIO_ACCOUNT_SID}/Recordings/${sid}`,
      RecordingDuration: String(seconds),
      Digits: '#',
    });
  }
}
