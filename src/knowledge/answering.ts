import { pickAddress } from '../contacts/contacts';
import { BadRequest, NotFound } from '../domain/errors';
import { Language, isLanguage } from '../domain/language';
import { Translator } from '../i18n';
import { PRIORITY, PublishedAnswer, Question } from '../models';
import { addressedTo, compose, enqueue } from '../outbox/compose';
import { Store } from '../store/types';
import { answerMessage, mayHandle, publishAnswer, recordAnswer } from './questions';

/** What answering needs: the line's texts and how SMS are rendered. */
export interface AnsweringSettings {
  translator: Translator;
  defaultLanguage: Language;
  smsFoldGsm: boolean;
}

/** A staff answer to a question, and what to publish of it. */
export interface AnswerInput {
  text: string;
  /** Publish it to the shared answers. */
  publish?: boolean;
  /** The published texts per language (without name, number or site); the question's own language from the thread when not given. */
  published?: { question?: Record<string, string>; answer?: Record<string, string> };
}

/** A question asked without name, number or site: digits that look like a phone and the asker's site removed. */
function scrubbed(text: string, site: string | undefined): string {
  let out = text.replace(/\+?\d[\d\s-]{7,}\d/g, '…');
  if (site) out = out.replace(new RegExp(site.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '…');
  return out.trim();
}

/**
 * Answers a question: checked to fit one SMS in the asker's language, added to the
 * thread, sent on the channel the question came from (an anonymous asker reads it with
 * `STATUS Q-…`), and published when asked. An expert may answer only their topics.
 */
export async function answerQuestion(
  store: Store,
  s: AnsweringSettings,
  question: Question,
  input: AnswerInput,
  by: { name: string; topics?: string[] },
  now = new Date(),
): Promise<{ question: Question; sent: boolean; published?: PublishedAnswer }> {
  if (!mayHandle(question, by.topics)) throw new NotFound('no such question');
  if (question.state === 'closed') throw new BadRequest('this question is closed');
  const lang = isLanguage(question.language) ? question.language : s.defaultLanguage;
  const text = input.text.trim();
  const message = answerMessage((key, vars) => s.translator.t(lang, key, vars), question, text);
  const contact = question.contactId
    ? await store.collection('contacts').findOne({ _id: question.contactId })
    : null;
  const updated = await recordAnswer(store, question, { text, by: by.name, now });
  let sent = false;
  if (contact && !contact.optedOut) {
    const address = contact.addresses.find((a) => a.channel === question.channel) ?? pickAddress(contact);
    if (address) {
      const envelope = {
        ...addressedTo(address, contact._id),
        priority: PRIORITY.reply,
        dedupeKey: `answer:${question._id}:${updated.thread.length}`,
        now,
      };
      sent = (await enqueue(store, compose({ text: message }, envelope, s.smsFoldGsm))) > 0;
    }
  }
  let published: PublishedAnswer | undefined;
  if (input.publish) {
    const asked = question.thread.find((m) => m.from === 'asker')?.text ?? '';
    published = await publishAnswer(store, {
      questionId: question._id,
      topics: question.topics,
      question: input.published?.question ?? { [lang]: scrubbed(asked, contact?.site) },
      answer: input.published?.answer ?? { [lang]: text },
      by: by.name,
      now,
    });
  }
  return { question: updated, sent, published };
}

/** Closes a question (nothing to answer, or answered elsewhere). */
export async function closeQuestion(
  store: Store,
  question: Question,
  by: { topics?: string[] },
): Promise<Question> {
  if (!mayHandle(question, by.topics)) throw new NotFound('no such question');
  const closed = await store
    .collection('questions')
    .findOneAndUpdate(
      { _id: question._id },
      { $set: { state: 'closed' }, $unset: { waitingSince: '', repliesUntil: '' } },
    );
  return closed!;
}
