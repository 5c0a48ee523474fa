import express, { Router } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import { BadRequest, describeIssues, NotFound } from '../../domain/errors';
import { isLanguage } from '../../domain/language';
import { parsePhone } from '../../domain/phone';
import { ClipLibrary } from '../../flows/voice/clips';
import { VoiceLine } from '../../flows/voice/line';
import { Logger } from '../../log';
import { recordCallOutcome } from '../../outbox/calls';
import { Speaker, Utterance } from '../../flows/voice/speech';
import { VoiceAnswer, VoiceRequest } from '../../flows/voice/types';
import { TwilioInboundSettings, WebhookRequest, verifyTwilioSignature } from './inbound';

/**
 * Twilio Voice: a call's requests read into the line's terms, and the line's answers written
 * as TwiML (with Twilio's own builder, so every verb and attribute is one Twilio documents).
 */

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `a ${prefix} sid`);

const callSchema = z.looseObject({
  CallSid: sid('CA'),
  AccountSid: sid('AC'),
  From: z.string().min(1).max(40),
  To: z.string().min(1).max(40),
  Direction: z.string().max(40).default('inbound'),
  Digits: z.string().max(40).optional(),
  RecordingSid: sid('RE').optional(),
  RecordingDuration: z.coerce.number().int().min(0).max(7200).optional(),
});

const statusSchema = z.looseObject({
  CallSid: sid('CA'),
  CallStatus: z.string().min(1).max(40),
  CallDuration: z.coerce.number().int().min(0).optional(),
  AnsweredBy: z.string().max(40).optional(),
});

const querySchema = z.object({
  step: z.coerce.number().int().min(0).max(100_000).optional(),
  silence: z.literal('1').optional(),
  /** A call the line placed: the outbound message it carries (a call back, an alert). */
  out: z.uuid().optional(),
});

/** Twilio's voices for the `<Say>` languages (Amazon Polly's standard voices). */
const VOICES: Record<string, string> = {
  'en-GB': 'Polly.Amy',
  'fr-FR': 'Polly.Celine',
  'es-MX': 'Polly.Mia',
  'pt-PT': 'Polly.Ines',
};

/** A call request: checked (403 on a bad signature, 400 when malformed) and read. */
export function parseTwilioCall(
  settings: TwilioInboundSettings,
  req: WebhookRequest & { query?: unknown },
): VoiceRequest {
  const params = verifyTwilioSignature(settings, req);
  const parsed = callSchema.safeParse(params);
  if (!parsed.success)
    throw new BadRequest(`malformed Twilio voice webhook: ${describeIssues(parsed.error)}`);
  const query = querySchema.safeParse(req.query ?? {});
  if (!query.success) throw new BadRequest(`malformed Twilio voice webhook: ${describeIssues(query.error)}`);
  const p = parsed.data;
  // on a call the line placed (a call-back, an alert) the person is the one called
  const outbound = p.Direction.startsWith('outbound');
  const phone = parsePhone(outbound ? p.To : p.From);
  if (!phone) throw new BadRequest('malformed Twilio voice webhook: the caller is not a phone number');
  return {
    callSid: p.CallSid,
    phone: phone.e164,
    digits: p.Digits,
    step: query.data.step,
    silence: query.data.silence === '1',
    recording: p.RecordingSid ? { sid: p.RecordingSid, durationSec: p.RecordingDuration ?? 0 } : undefined,
    direction: outbound ? 'callback' : 'inbound',
    outboundId: query.data.out,
  };
}

/** A call's status callback: how it ended, and how long it lasted. */
export function parseTwilioCallStatus(
  settings: TwilioInboundSettings,
  req: WebhookRequest,
): { callSid: string; status: string; durationSec?: number } {
  const params = verifyTwilioSignature(settings, req);
  const parsed = statusSchema.safeParse(params);
  if (!parsed.success) throw new BadRequest(`malformed Twilio call status: ${describeIssues(parsed.error)}`);
  return {
    callSid: parsed.data.CallSid,
    status: parsed.data.CallStatus,
    durationSec: parsed.data.CallDuration,
  };
}

/** Where the call's next request goes. */
export const VOICE_ROUTE = '/webhooks/twilio/voice';

/** The line's answer as TwiML: the speech inside a `<Gather>` (or before `<Record>`), then what happens on silence. */
export function voiceTwiml(answer: VoiceAnswer, speaker: Speaker, publicBaseUrl: string): string {
  const r = new twilio.twiml.VoiceResponse();
  const next = (silence = false) => `${VOICE_ROUTE}?step=${answer.step}${silence ? '&silence=1' : ''}`;
  const speak = (into: { say: typeof r.say; play: typeof r.play }, utterances: Utterance[]) => {
    for (const u of utterances) {
      if ('play' in u) into.play.call(into, {}, `${publicBaseUrl}${u.play}`);
      else into.say.call(into, { language: u.language as never, voice: VOICES[u.language] as never }, u.say);
    }
  };
  const { utterances } = speaker.plan(answer.speech);
  const input = answer.input;
  if (answer.hangup || !input) {
    speak(r, utterances);
    r.hangup();
  } else if (input.kind === 'record') {
    speak(r, utterances);
    r.record({
      action: next(),
      method: 'POST',
      maxLength: input.maxLengthSec,
      finishOnKey: '#',
      playBeep: true,
      timeout: 5,
      trim: 'trim-silence',
    });
    r.redirect({ method: 'POST' }, next(true));
  } else {
    const gather = r.gather({
      input: ['dtmf'],
      action: next(),
      method: 'POST',
      timeout: input.timeoutSec,
      ...(input.numDigits ? { numDigits: input.numDigits } : { finishOnKey: '#', actionOnEmptyResult: true }),
    });
    speak(gather as never, utterances);
    r.redirect({ method: 'POST' }, next(true));
  }
  return r.toString();
}

/** The TwiML that refuses a call without answering it (free for the caller): the line calls back. */
export function rejectTwiml(): string {
  const r = new twilio.twiml.VoiceResponse();
  r.reject({ reason: 'busy' });
  return r.toString();
}

/** What the voice routes need besides the line: the call-back mode, when it is on. */
export interface VoiceRoutes {
  settings: TwilioInboundSettings;
  line: VoiceLine;
  log: Logger;
  /** With `VOICE_CALLBACK=on`: a new call is refused (free for the caller) and this queues the call back. */
  callback?: (phone: string) => Promise<void>;
  /** A call the line placed will be tried again: the outbox looks. */
  wakeOutbox?: () => void;
}

/**
 * `POST /webhooks/twilio/voice` (each step of a call, answered in TwiML) and
 * `POST /webhooks/twilio/voice/status` (how a call ended). 403 on a bad signature, 400 when
 * malformed; a step the line cannot answer is apologised for, in the caller's language.
 */
export function twilioVoiceRouter(deps: VoiceRoutes): Router {
  const r = Router();
  r.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  const speaker = deps.line.deps.speaker;
  const base = deps.settings.publicBaseUrl;

  r.post('/', async (req, res) => {
    const call = parseTwilioCall(deps.settings, req);
    let body: string;
    if (deps.callback && call.direction === 'inbound' && call.step === undefined) {
      await deps.callback(call.phone);
      body = rejectTwiml();
    } else {
      try {
        body = voiceTwiml(await deps.line.request(call), speaker, base);
      } catch (err) {
        deps.log.error({ err, callSid: call.callSid }, 'voice step failed');
        body = voiceTwiml(deps.line.failed(call.phone), speaker, base);
      }
    }
    res.type('text/xml').send(body);
  });

  r.post('/status', async (req, res) => {
    const s = parseTwilioCallStatus(deps.settings, req);
    const found = await deps.line.recordStatus(s.callSid, s.status, s.durationSec);
    // a call the line placed: answered, not answered (tried again later) or failed
    const placed = await recordCallOutcome(deps.line.deps.store, s.callSid, s.status, new Date());
    if (placed) deps.wakeOutbox?.();
    res.json({ ok: true, recorded: found || placed });
  });
  return r;
}

/** `GET /voice/audio/<lang>/<name>.wav`: the prompts the line plays (public: Twilio fetches them). */
export function voiceAudioRouter(clips: ClipLibrary): Router {
  const r = Router();
  r.get('/:lang/:file', (req, res) => {
    const lang = req.params.lang;
    const file = isLanguage(lang) ? clips.fileFor(lang, req.params.file) : undefined;
    if (!file) throw new NotFound('no such prompt audio');
    res.set('cache-control', 'public, max-age=300');
    res.sendFile(file);
  });
  return r;
}
