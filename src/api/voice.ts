import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import { addressKey } from '../contacts/contacts';
import { parsePhone } from '../domain/phone';
import { BadRequest, NotFound, UnsupportedMediaType } from '../domain/errors';
import { LANGUAGES, Language, isLanguage } from '../domain/language';
import { CLIP_NAME, RECORDING_TYPES } from '../flows/voice/clips';
import { voiceClips } from '../flows/voice/catalog';
import { SAY_LANGUAGES, Speaker } from '../flows/voice/speech';
import { audit } from '../staff/audit';
import { Store } from '../store/types';
import { requireRole } from './auth';
import { parseBody, requireJson, strictObject } from './validation';

/** The largest recording staff may upload. */
const UPLOAD_LIMIT = 5 * 1024 * 1024;
const TYPES: Record<string, (typeof RECORDING_TYPES)[number]> = {
  'audio/wav': '.wav',
  'audio/x-wav': '.wav',
  'audio/wave': '.wav',
  'audio/mpeg': '.mp3',
};

function target(lang: string, name: string): { lang: Language; name: string } {
  if (!isLanguage(lang)) throw new NotFound(`no language ${lang}: one of ${LANGUAGES.join(', ')}`);
  if (!CLIP_NAME.test(name)) throw new BadRequest('a recording name: letters, digits, . _ - (up to 120)');
  return { lang, name };
}

/**
 * `/api/v1/voice/prompts`: what the voice line says in each language and how it is heard
 * (a staff recording, `<Say>`, generated audio, or missing), and the recordings staff
 * upload to replace a prompt or to carry a broadcast or a poll in a language `<Say>` lacks.
 */
export function voicePromptsRouter(store: Store, speaker: Speaker): Router {
  const r = Router();
  const dir = speaker.clips.recordingsDir;

  r.get('/', requireRole(store, 'viewer'), (_req, res) => {
    const languages = Object.fromEntries(
      LANGUAGES.map((lang) => {
        const clips = voiceClips(speaker, lang).map((c) => {
          const source = speaker.clips.source(lang, c.name, c.text);
          const heard =
            source === 'recording' ? 'recording' : SAY_LANGUAGES[lang] ? 'say' : (source ?? 'missing');
          return { name: c.name, text: c.text, heard };
        });
        const known = new Set(clips.map((c) => c.name));
        const folder = dir ? path.join(dir, lang) : undefined;
        const others =
          folder && fs.existsSync(folder)
            ? fs
                .readdirSync(folder)
                .map((f) => f.replace(/\.(wav|mp3)$/, ''))
                .filter((n) => !known.has(n) && speaker.clips.recording(lang, n))
            : [];
        return [lang, { say: SAY_LANGUAGES[lang] ?? null, clips, recordings: others.sort() }];
      }),
    );
    res.json({ languages });
  });

  r.put(
    '/:lang/:name',
    requireRole(store, 'staff'),
    express.raw({ type: Object.keys(TYPES), limit: UPLOAD_LIMIT }),
    async (req, res) => {
      const { lang, name } = target(String(req.params.lang), String(req.params.name));
      const ext = TYPES[String(req.headers['content-type']).split(';')[0].trim()];
      if (!ext || !Buffer.isBuffer(req.body))
        throw new UnsupportedMediaType('send the recording as audio/wav or audio/mpeg');
      if (!dir) throw new BadRequest('no recordings folder: set VOICE_PROMPTS_DIR');
      const body = req.body as Buffer;
      const wav =
        body.subarray(0, 4).toString('ascii') === 'RIFF' && body.subarray(8, 12).toString('ascii') === 'WAVE';
      const mp3 =
        body.subarray(0, 3).toString('ascii') === 'ID3' || (body[0] === 0xff && (body[1] & 0xe0) === 0xe0);
      if ((ext === '.wav' && !wav) || (ext === '.mp3' && !mp3))
        throw new BadRequest(`the body is not ${ext === '.wav' ? 'a WAV' : 'an MP3'} file`);
      fs.mkdirSync(path.join(dir, lang), { recursive: true });
      for (const other of RECORDING_TYPES)
        fs.rmSync(path.join(dir, lang, `${name}${other}`), { force: true });
      fs.writeFileSync(path.join(dir, lang, `${name}${ext}`), body);
      speaker.clips.refresh();
      await audit(store, req.staff!, 'voice.recording.upload', `${lang}/${name}`, { bytes: body.length });
      res.status(201).json({ lang, name, file: `${name}${ext}`, url: speaker.clips.url(lang, name) });
    },
  );

  r.delete('/:lang/:name', requireRole(store, 'staff'), async (req, res) => {
    const { lang, name } = target(String(req.params.lang), String(req.params.name));
    const file = speaker.clips.recording(lang, name);
    if (!dir || !file) throw new NotFound(`no recording ${lang}/${name}`);
    fs.rmSync(path.join(dir, lang, file), { force: true });
    speaker.clips.refresh();
    await audit(store, req.staff!, 'voice.recording.delete', `${lang}/${name}`);
    res.status(204).end();
  });
  return r;
}

const preferenceBody = strictObject({
  phone: z.string().min(3).max(32),
  prefersVoice: z.boolean(),
});

/**
 * `POST /api/v1/voice/preferences`: staff set whether someone gets broadcasts and alerts as
 * calls (for a person who cannot read, at their request, say). Admins only: it names a
 * phone number. The person can change it themselves with 8 on the voice line.
 */
export function voicePreferencesRouter(store: Store): Router {
  const r = Router();
  r.post('/', requireRole(store, 'admin'), requireJson, express.json({ limit: '4kb' }), async (req, res) => {
    const body = parseBody(preferenceBody, req.body);
    const phone = parsePhone(body.phone);
    if (!phone)
      throw new BadRequest('phone: not a phone number (E.164, e.g. +255712345678)', [
        { field: 'phone', message: 'not a phone number' },
      ]);
    const contact = await store
      .collection('contacts')
      .findOneAndUpdate(
        { 'addresses.key': addressKey('sms', phone.e164) },
        { $set: { prefersVoice: body.prefersVoice } },
      );
    if (!contact) throw new NotFound('no contact with this number');
    await audit(store, req.staff!, 'contact.voice', contact._id, { prefersVoice: body.prefersVoice });
    res.json({ contactId: contact._id, prefersVoice: body.prefersVoice });
  });
  return r;
}
