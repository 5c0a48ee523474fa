import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { BadRequest, describeIssues } from '../../domain/errors';
import { parsePhone } from '../../domain/phone';
import { Speaker } from '../../flows/voice/speech';
import { VoiceLine } from '../../flows/voice/line';
import { VoiceAnswer } from '../../flows/voice/types';

const body = z.object({
  from: z.string().trim().min(1).max(64),
  /** The keys pressed (`#` ends a number); absent to dial (a new call), `""` for silence. */
  digits: z
    .string()
    .max(40)
    .regex(/^[0-9*#]*$/, 'keypad keys only: 0-9, * and #')
    .optional(),
  /** The step asks for a recording: `true` leaves one (10 seconds), `false` says nothing. */
  recording: z.boolean().optional(),
});

/** A call as the simulator keeps it: its sid and the step its next request answers. */
interface SimCall {
  callSid: string;
  step: number;
  /** What the line waits for: a recording, one key (silence goes by redirect), or a number ended by `#`. */
  recording: boolean;
  oneKey: boolean;
}

/** The answer as the simulator shows it: the words heard, how (said or played), and what the line waits for. */
export function simulatorVoiceAnswer(answer: VoiceAnswer, speaker: Speaker, callSid: string) {
  const { utterances, missing } = speaker.plan(answer.speech);
  return {
    callSid,
    text: Speaker.text(answer.speech),
    say: utterances.flatMap((u) => ('say' in u ? [u.say] : [])),
    play: utterances.flatMap((u) => ('play' in u ? [u.play] : [])),
    speech: utterances,
    ...(missing.length ? { silent: missing.map((m) => m.text) } : {}),
    ...(answer.input?.kind === 'keys'
      ? {
          gather: {
            numDigits: answer.input.numDigits,
            finishOnKey: answer.input.numDigits ? undefined : '#',
            timeout: answer.input.timeoutSec,
          },
        }
      : {}),
    ...(answer.input?.kind === 'record' ? { record: { maxLength: answer.input.maxLengthSec } } : {}),
    hangup: !!answer.hangup || !answer.input,
  };
}

/**
 * `POST /simulator/voice`: a phone call without a phone. `{ "from" }` dials; then each
 * `{ "from", "digits": "1" }` presses keys (`"250000#"` types a number), `{ "digits": "" }`
 * is silence, `{ "recording": true }` leaves a spoken description where one is asked. The
 * answer is the next step: the text heard, `say` and `play` as Twilio would, and `gather`
 * or `record` (what the line waits for) or `hangup`.
 */
export function simulatorVoiceRouter(line: VoiceLine): Router {
  const r = Router();
  const calls = new Map<string, SimCall>();
  r.use(express.json({ limit: '4kb' }));
  r.post('/', async (req, res) => {
    const parsed = body.safeParse(req.body);
    if (!parsed.success)
      throw new BadRequest(
        `expected {"from": "+255712345678", "digits": "1"}: ${describeIssues(parsed.error)}`,
      );
    const phone = parsePhone(parsed.data.from);
    if (!phone) throw new BadRequest('from: not a phone number (use E.164, e.g. +255712345678)');
    const { digits, recording } = parsed.data;
    let call = calls.get(phone.e164);
    if (digits === undefined && recording === undefined) {
      call = { callSid: `CA${randomBytes(16).toString('hex')}`, step: 0, recording: false, oneKey: false };
      calls.set(phone.e164, call);
    } else if (!call) throw new BadRequest('no call from this number: dial first with {"from"} alone');
    const answer = await line.request({
      callSid: call.callSid,
      phone: phone.e164,
      step: call.step || undefined,
      // as Twilio does: nothing pressed on a one-key question comes by the redirect, `#` alone on a number as empty digits
      digits: call.recording || (call.oneKey && digits === '') ? undefined : digits,
      silence: call.recording ? !recording : call.oneKey && digits === '',
      recording:
        call.recording && recording
          ? { sid: `RE${randomBytes(16).toString('hex')}`, durationSec: 10 }
          : undefined,
      direction: 'inbound',
    });
    call.step = answer.step;
    call.recording = answer.input?.kind === 'record';
    call.oneKey = answer.input?.kind === 'keys' && answer.input.numDigits === 1;
    if (!answer.input || answer.hangup) calls.delete(phone.e164);
    res.json(simulatorVoiceAnswer(answer, line.deps.speaker, call.callSid));
  });
  return r;
}
