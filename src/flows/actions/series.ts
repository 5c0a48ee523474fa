import { pickText } from '../../i18n/texts';
import {
  enrol,
  followed,
  lessonSent,
  lessonText,
  listSeries,
  nextLesson,
  quizFlowId,
  readQuizFlowId,
  recordQuiz,
  seriesFor,
  stopSeries,
} from '../../knowledge/series';
import { FlowControl, Turn } from '../turn';

const hourOf = (turn: Turn) => turn.settings.deliveryHour ?? 9;

/** `LEARN SAFETY`: joins the series (the first lesson goes at the next delivery hour); `LEARN` alone lists them. */
export async function learn(turn: Turn, rest: string): Promise<void> {
  turn.end();
  const series = rest.trim() ? await seriesFor(turn.store, rest, turn.kit.words.topicsIn(rest)) : null;
  if (!series) {
    const all = await listSeries(turn.store);
    if (!all.length) return turn.say('series.none');
    return turn.say('series.which', { keys: all.map((x) => x.key).join(', ') });
  }
  const joined = await enrol(turn.store, series, turn.contact, hourOf(turn), turn.now);
  const title = turn.pick(series.title);
  turn.say(joined ? 'series.joined' : 'series.already', {
    title,
    total: series.lessons.length,
    days: series.everyDays,
    hour: hourOf(turn),
  });
}

/** `PAUSE` and `QUIT`: every series the person follows. */
export async function stop(turn: Turn, state: 'paused' | 'quit'): Promise<void> {
  turn.end();
  const changed = await stopSeries(turn.store, turn.contact._id, state);
  turn.say(changed ? (state === 'paused' ? 'series.paused' : 'series.quit') : 'series.notFollowing');
}

/** `NEXT`: the next lesson now (a paused series goes on), its question after it. */
export async function next(turn: Turn, flows: FlowControl): Promise<void> {
  turn.end();
  const [e] = await followed(turn.store, turn.contact._id);
  const series = e && (await turn.store.collection('series').findOne({ _id: e.seriesId }));
  if (!e || !series) return turn.say('series.notFollowing');
  const { n, last } = nextLesson(e, series);
  turn.replies.push({
    text: lessonText(turn.kit.translator, turn.lang, series, n, turn.settings.defaultLanguage),
  });
  await lessonSent(turn.store, e, series, turn.contact, hourOf(turn), turn.now);
  const quiz = quizFlowId(series._id, n);
  if (series.lessons[n - 1].quiz && (await flows.loadFlow(quiz))) await flows.start(turn, quiz);
  else if (last) turn.say('series.finished', { title: turn.pick(series.title) });
}

/** A lesson's question answered: recorded (the first answer counts), and the feedback staff wrote. */
async function quizAnswer(turn: Turn): Promise<void> {
  const which = readQuizFlowId(turn.session.flowId);
  const series = which && (await turn.store.collection('series').findOne({ _id: which.seriesId }));
  const quiz = series?.lessons[which!.n - 1]?.quiz;
  if (!which || !series || !quiz) return;
  const right = Number(turn.session.answers.choice) === quiz.right;
  await recordQuiz(turn.store, series._id, turn.contact._id, which.n, right);
  const feedback = right ? quiz.feedback.right : quiz.feedback.wrong;
  turn.replies.push({ text: pickText(feedback, turn.lang, turn.settings.defaultLanguage) });
  if (which.n >= series.lessons.length) turn.say('series.finished', { title: turn.pick(series.title) });
}

/** Flow actions of the series (`knowledge/series.ts` makes each lesson's question flow). */
export const seriesActions = { quizAnswer };
