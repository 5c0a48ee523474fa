import { Request } from 'express';
import { BadRequest } from '../../../domain/errors';
import { listQuestions } from '../../../knowledge/questions';
import { Question } from '../../../models';
import { answerAs, expertTopics, questionFor } from '../../questions';
import { Html, html } from '../html';
import { ForbiddenPage, Mount, PageResult, action, page, sendPage, staffOf } from '../page';
import { PageContext, can, csrfField, num, when } from '../views';

/**
 * Questions miners asked, oldest waiting first with the time waited; staff and experts
 * (only their topics) answer them here, and may publish a good answer. Nobody sees who asked.
 */
export const mountQuestions: Mount = (r, deps) => {
  const { store } = deps;

  const staffWithTopics = async (ctx: PageContext) => {
    const staff = staffOf(ctx.dash!);
    if (staff.role !== 'expert') return staff;
    const cred = await store.collection('credentials').findOne({ _id: staff.id });
    return { ...staff, topics: cred?.topics ?? [] };
  };

  const card = (ctx: PageContext, q: Question, answering: boolean, error?: string): Html => {
    const { t } = ctx;
    const waited = q.waitingSince ? Math.floor((Date.now() - q.waitingSince.getTime()) / 60_000) : 0;
    return html`<section class="card question" data-ref="${q.reference}">
      <h2>${q.reference}</h2>
      <p class="muted">
        ${q.topics.map((x) => t(`directory.topicNames.${x}`)).join(', ') || t('questions.noTopic')} ·
        ${[q.region, q.country].filter(Boolean).join(', ')} · ${q.language} ·
        ${q.anonymous ? t('questions.anonymous') : t('questions.confidential')}
        ${q.state === 'waiting' ? html` · <strong class="waited">${t('questions.waited', { hours: num(ctx, waited / 60, 1) })}</strong>` : ''}
      </p>
      <ol class="thread">
        ${q.thread.map(
          (m) =>
            html`<li class="${m.from}">
              <span class="muted"
                >${m.from === 'asker' ? t('questions.asker') : m.by} · ${when(ctx, m.at)}</span
              >
              <p>${m.text}</p>
            </li>`,
        )}
      </ol>
      ${
        answering
          ? html`<form method="post" action="/dashboard/questions/${q._id}/answer" class="answer">
              ${csrfField(ctx)} ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
              <label for="text-${q._id}">${t('questions.answerLabel')}</label>
              <textarea id="text-${q._id}" name="text" maxlength="320" rows="3" required></textarea>
              <label class="check"
                ><input type="checkbox" name="publish" value="1" /> ${t('questions.publish')}</label
              >
              <button type="submit">${t('questions.send')}</button>
            </form>`
          : ''
      }
    </section>`;
  };

  const render = async (
    _req: Request,
    ctx: PageContext,
    failed?: { id: string; error: string },
  ): Promise<PageResult> => {
    const { t } = ctx;
    const staff = await staffWithTopics(ctx);
    const topics = expertTopics(staff);
    const waiting = await listQuestions(store, { state: 'waiting', topics });
    const answered = (await listQuestions(store, { state: 'answered', topics, limit: 500 }))
      .sort((a, b) => (b.answeredAt?.getTime() ?? 0) - (a.answeredAt?.getTime() ?? 0))
      .slice(0, 20);
    const answering = ctx.dash!.role !== 'viewer';
    return {
      status: failed ? 400 : 200,
      title: t('questions.title'),
      body: html`<p class="hint">${t('questions.hint')}</p>
        <h2>${t('questions.waiting', { n: num(ctx, waiting.length) })}</h2>
        ${
          waiting.length
            ? waiting.map((q) => card(ctx, q, answering, failed?.id === q._id ? failed.error : undefined))
            : html`<p class="muted">${t('questions.none')}</p>`
        }
        ${
          answered.length
            ? html`<h2>${t('questions.answered')}</h2>
                ${answered.map((q) => card(ctx, q, false))}`
            : ''
        }`,
    };
  };

  r.get(
    '/questions',
    page((req, ctx) => render(req, ctx), 'expert'),
  );

  r.post(
    '/questions/:id/answer',
    action(async (req, res, ctx) => {
      const staff = await staffWithTopics(ctx);
      if (!can(ctx, 'staff') && staff.role !== 'expert') throw new ForbiddenPage(ctx.t('errors.role'));
      const q = await questionFor(store, staff, String(req.params.id));
      const form = req.body as Record<string, unknown>;
      try {
        const text = typeof form.text === 'string' ? form.text : '';
        if (!text.trim()) throw new BadRequest('write an answer');
        await answerAs(
          store,
          deps.triage,
          q,
          { text, publish: form.publish === '1' },
          staff,
          deps.wakeOutbox,
        );
        res.redirect(303, '/dashboard/questions?ok=answered');
      } catch (err) {
        if (!(err instanceof BadRequest)) throw err;
        sendPage(req, res, ctx, await render(req, ctx, { id: q._id, error: err.message }));
      }
    }, 'expert'),
  );
};
