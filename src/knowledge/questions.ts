import { BadRequest, DuplicateKey, NotFound } from '../domain/errors';
import { newReference, randomId } from '../domain/ids';
import { Language, normaliseWord } from '../domain/language';
import { toHour } from '../domain/privacy';
import { foldToGsm, smsCost } from '../domain/sms';
import { Channel, Contact, PublishedAnswer, Question } from '../models';
import { Store } from '../store/types';

const DAY = 86_400_000;
/** How long after an answer the asker's messages join the thread. */
export const REPLY_DAYS = 7;

/** Words too common to tell two questions apart (four letters and more; shorter words are dropped anyway). */
const STOP = new Set(
  (
    'WHAT WHICH WHERE WHEN WITH THAT THIS THERE THEY FROM HAVE DOES ABOUT COULD WOULD SHOULD PLEASE ' +
    'POUR AVEC DANS COMMENT QUOI QUEL QUELLE EST-CE NOUS VOUS SONT ETRE AVOIR FAIRE PEUT ' +
    'NINI GANI VIPI KWAMBA HII HILI HUYU SANA TAFADHALI ' +
    'COMO PARA ESTA ESTE CUAL DONDE CUANDO PUEDO PUEDE TIENE ' +
    'ISSO ESSA ESSE QUAL ONDE QUANDO POSSO PODE TENHO'
  ).split(' '),
);

/** The words a question is matched on: normalised, four letters or more, not common words. */
export function contentWords(text: string): string[] {
  const words = normaliseWord(text)
    .split(/[^A-Z0-9]+/)
    .filter((w) => w.length >= 4 && !STOP.has(w));
  return [...new Set(words)];
}

/**
 * A published answer to a question like this one, in the asker's language: at least two
 * of its content words, and half of them, shared with the published question. Best first.
 */
export async function findSimilarAnswer(
  store: Store,
  text: string,
  lang: string,
): Promise<PublishedAnswer | undefined> {
  const asked = contentWords(text);
  if (asked.length < 2) return undefined;
  const candidates = await store
    .collection('answers')
    .find({ [`answer.${lang}`]: { $exists: true } }, { sort: { publishedAt: -1 }, limit: 1000 });
  let best: { a: PublishedAnswer; score: number } | undefined;
  for (const a of candidates) {
    const theirs = new Set(a.words[lang] ?? []);
    const shared = asked.filter((w) => theirs.has(w)).length;
    const score = shared / asked.length;
    if (shared >= 2 && score >= 0.5 && (!best || score > best.score)) best = { a, score };
  }
  return best?.a;
}

/** The asker said a published answer helped: counted, so staff see which answers work. */
export async function answerHelped(store: Store, id: string): Promise<void> {
  await store.collection('answers').updateOne({ _id: id }, { $inc: { helped: 1 } });
}

/**
 * Opens a question. Anonymous: no contact, and the hour only, so nothing ties it to the
 * sender; otherwise it carries the contact, to answer them on their channel.
 */
export async function openQuestion(
  store: Store,
  q: {
    contact: Contact;
    anonymous: boolean;
    text: string;
    lang: Language;
    channel: Channel;
    topics: string[];
    now: Date;
  },
): Promise<Question> {
  const at = q.anonymous ? toHour(q.now) : q.now;
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.collection('questions').insertOne({
        // anonymous: an id that does not tell in which order it was asked (see randomId)
        ...(q.anonymous ? { _id: randomId() } : {}),
        reference: newReference('question'),
        ...(q.anonymous ? {} : { contactId: q.contact._id }),
        anonymous: q.anonymous,
        channel: q.channel,
        language: q.lang,
        topics: q.topics,
        region: q.contact.region,
        country: q.contact.country,
        state: 'waiting',
        thread: [{ from: 'asker', text: q.text, at }],
        waitingSince: at,
        createdAt: at,
      });
    } catch (err) {
      if (!(err instanceof DuplicateKey) || attempt >= 5) throw err;
    }
  }
}

/** A question by id or reference. */
export async function findQuestion(store: Store, idOrRef: string): Promise<Question | null> {
  const questions = store.collection('questions');
  return (
    (await questions.findOne({ reference: idOrRef.toUpperCase() })) ??
    (await questions.findOne({ _id: idOrRef }))
  );
}

/** Questions for the inbox, oldest waiting first; an expert sees only those of their topics. */
export async function listQuestions(
  store: Store,
  q: { state?: Question['state']; topics?: readonly string[]; limit?: number },
): Promise<Question[]> {
  const filter: Record<string, unknown> = {};
  if (q.state) filter.state = q.state;
  if (q.topics) filter.topics = { $in: [...q.topics] };
  return store
    .collection('questions')
    .find(filter, { sort: { waitingSince: 1, createdAt: 1 }, limit: q.limit ?? 200 });
}

/** Whether a staff member may see a question: everyone but an expert outside its topics. */
export function mayHandle(question: Question, topics: readonly string[] | undefined): boolean {
  return !topics || question.topics.some((t) => topics.includes(t));
}

/**
 * The asker wrote again after an answer (within {@link REPLY_DAYS}): the message joins the
 * thread and the question waits again. Returns it, or null when nothing is open.
 */
export async function followUp(
  store: Store,
  contactId: string,
  text: string,
  now: Date,
): Promise<Question | null> {
  const open = await store
    .collection('questions')
    .find(
      { contactId, state: 'answered', repliesUntil: { $gt: now } },
      { sort: { answeredAt: -1 }, limit: 1 },
    );
  if (!open[0]) return null;
  return store.collection('questions').findOneAndUpdate(
    { _id: open[0]._id },
    {
      $push: { thread: { from: 'asker', text, at: now } },
      $set: { state: 'waiting', waitingSince: now },
      $unset: { repliesUntil: '' },
    },
  );
}

/** The SMS an answer goes as (the reference, the text, the hint to reply), checked to be one segment. */
export function answerMessage(
  say: (key: string, vars: Record<string, unknown>) => string,
  question: Question,
  text: string,
): string {
  const message = say(question.anonymous ? 'questions.answerAnonymous' : 'questions.answer', {
    ref: question.reference,
    text,
  });
  const cost = smsCost(foldToGsm(message));
  if (cost.segments > 1)
    throw new BadRequest(
      `the answer would not fit one SMS in ${question.language}: ${foldToGsm(message).length} characters (${cost.segments} SMS); shorten it`,
    );
  return message;
}

/** Records a staff answer on the thread; the caller queues it to the asker. */
export async function recordAnswer(
  store: Store,
  question: Question,
  a: { text: string; by: string; now: Date },
): Promise<Question> {
  const updated = await store.collection('questions').findOneAndUpdate(
    { _id: question._id },
    {
      $push: { thread: { from: 'staff', text: a.text, at: a.now, by: a.by } },
      $set: {
        state: 'answered',
        answeredAt: a.now,
        ...(question.anonymous ? {} : { repliesUntil: new Date(a.now.getTime() + REPLY_DAYS * DAY) }),
      },
      $unset: { waitingSince: '' },
    },
  );
  if (!updated) throw new NotFound('no such question');
  return updated;
}

/**
 * Publishes an answer for everyone: the question and answer texts per language, as staff
 * wrote them (without name, number or site). A phone number left in the question is
 * refused (it would be the asker's); the answer may name a helper's number.
 */
export async function publishAnswer(
  store: Store,
  p: {
    questionId?: string;
    topics: string[];
    question: Record<string, string>;
    answer: Record<string, string>;
    by: string;
    now: Date;
  },
): Promise<PublishedAnswer> {
  for (const text of Object.values(p.question))
    if (/\+?\d[\d\s-]{7,}\d/.test(text))
      throw new BadRequest('a published question may not contain a phone number');
  const words = Object.fromEntries(Object.entries(p.question).map(([l, t]) => [l, contentWords(t)]));
  return store.collection('answers').insertOne({
    questionId: p.questionId,
    topics: p.topics,
    question: p.question,
    answer: p.answer,
    words,
    helped: 0,
    publishedBy: p.by,
    publishedAt: p.now,
  });
}

/** The newest published answers (the digest, the public page). */
export async function latestAnswers(store: Store, limit = 20): Promise<PublishedAnswer[]> {
  return store.collection('answers').find({}, { sort: { publishedAt: -1 }, limit });
}
