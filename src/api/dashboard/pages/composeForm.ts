import { randomUUID } from 'node:crypto';
import { LANGUAGES, LANGUAGE_NAMES } from '../../../domain/language';
import { ROLES } from '../../../models';
import { Html, html } from '../html';
import { PageContext, csrfField, select } from '../views';

/* The broadcast compose form (used by the Broadcasts page) and how its fields become an API body. */

/** The compose form as the API's broadcast body. */
export function broadcastFromForm(b: Record<string, unknown>) {
  const text: Record<string, string> = {};
  for (const l of LANGUAGES) {
    const v = b[`text.${l}`];
    if (typeof v === 'string' && v.trim()) text[l] = v;
  }
  const list = (v: unknown) =>
    typeof v === 'string' && v.trim()
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  // for people who prefer calls: the name of a recording staff uploaded, per language
  const voiceRecordings: Record<string, string> = {};
  for (const l of LANGUAGES) {
    const v = b[`voice.${l}`];
    if (typeof v === 'string' && v.trim()) voiceRecordings[l] = v.trim();
  }
  // a datetime-local field, read as UTC (the form says so)
  const sendAt = typeof b.sendAt === 'string' && b.sendAt ? `${b.sendAt}Z` : undefined;
  return {
    text,
    audience: {
      countries: list(b.countries),
      regions: list(b.regions),
      roles: list(b.roles),
      channels: list(b.channels),
    },
    priority: b.priority === 'alert' ? 'alert' : 'bulk',
    untranslated: b.untranslated === 'fallback' ? 'fallback' : 'skip',
    allowEmpty: b.allowEmpty === '1',
    sendAt,
    ...(Object.keys(voiceRecordings).length ? { voiceRecordings } : {}),
  };
}

/** The compose form, filled with what was typed (after a refusal) and the reason shown above it. */
export function composeForm(ctx: PageContext, typed: Record<string, string> = {}, error?: string): Html {
  const { t } = ctx;
  return html`<form class="card compose" id="compose" method="post" action="/dashboard/broadcasts">
    ${csrfField(ctx)}
    <input type="hidden" name="formId" value="${typed.formId ?? randomUUID()}" />
    <h2>${t('broadcasts.compose')}</h2>
    ${error ? html`<p class="error" id="compose-error" role="alert">${error}</p>` : ''}
    <p class="hint">${t('broadcasts.composeHint')}</p>
    <div class="langs">
      ${LANGUAGES.map(
        (l) =>
          html`<label for="text-${l}">${LANGUAGE_NAMES[l]}</label>
            <textarea id="text-${l}" name="text.${l}" rows="3" maxlength="1600" data-lang="${l}">
${typed[`text.${l}`] ?? ''}</textarea>`,
      )}
    </div>
    <fieldset>
      <legend>${t('broadcasts.audience')}</legend>
      <label
        >${t('broadcasts.countries')}
        <input
          name="countries"
          value="${typed.countries ?? ''}"
          placeholder="${t('broadcasts.countriesHint')}"
          maxlength="200"
      /></label>
      <label
        >${t('broadcasts.regions')}
        <input
          name="regions"
          value="${typed.regions ?? ''}"
          placeholder="${t('broadcasts.commaHint')}"
          maxlength="600"
      /></label>
      <label
        >${t('broadcasts.roles')}
        ${select(
          'roles',
          ROLES.map((x) => ({ value: x, label: t(`contactRoles.${x}`) })),
          typed.roles,
          t('filters.all'),
        )}</label
      >
      <label
        >${t('broadcasts.channels')}
        ${select(
          'channels',
          [
            { value: 'sms', label: 'SMS' },
            { value: 'telegram', label: 'Telegram' },
            { value: 'whatsapp', label: 'WhatsApp' },
          ],
          typed.channels,
          t('filters.all'),
        )}</label
      >
      <label
        >${t('broadcasts.untranslated')}
        ${select(
          'untranslated',
          [
            { value: 'skip', label: t('broadcasts.untranslatedSkip') },
            { value: 'fallback', label: t('broadcasts.untranslatedFallback') },
          ],
          typed.untranslated ?? 'skip',
        )}</label
      >
    </fieldset>
    <label
      >${t('broadcasts.priority')}
      ${select(
        'priority',
        [
          { value: 'bulk', label: t('broadcasts.bulk') },
          { value: 'alert', label: t('broadcasts.alert') },
        ],
        typed.priority ?? 'bulk',
      )}</label
    >
    <label
      >${t('broadcasts.sendAt')} <input type="datetime-local" name="sendAt" value="${typed.sendAt ?? ''}" />
      <span class="hint">${t('broadcasts.sendAtHint')}</span></label
    >
    <fieldset>
      <legend>${t('broadcasts.voiceRecordings')}</legend>
      <p class="hint">${t('broadcasts.voiceRecordingsHint')}</p>
      ${LANGUAGES.map(
        (l) =>
          html`<label
            >${LANGUAGE_NAMES[l]}
            <input
              name="voice.${l}"
              value="${typed[`voice.${l}`] ?? ''}"
              maxlength="120"
              pattern="[A-Za-z0-9_.-]+"
          /></label>`,
      )}
    </fieldset>
    <label class="check"
      ><input type="checkbox" name="allowEmpty" value="1" ${typed.allowEmpty === '1' ? html` checked` : ''} />
      ${t('broadcasts.allowEmpty')}</label
    >
    <section
      id="preview"
      aria-live="polite"
      data-empty="${t('broadcasts.previewEmpty')}"
      data-error="${t('broadcasts.previewError')}"
      data-l-recipients="${t('broadcasts.recipients')}"
      data-l-language="${t('broadcasts.language')}"
      data-l-segments="${t('broadcasts.segments')}"
      data-l-encoding="${t('broadcasts.encoding')}"
      data-l-characters="${t('broadcasts.characters')}"
      data-l-cost="${t('broadcasts.cost')}"
      data-l-excluded="${t('broadcasts.excluded')}"
      data-l-smsmessages="${t('broadcasts.smsSegments')}"
      data-l-telegram="${t('broadcasts.telegramMessages')}"
      data-l-whatsapp="${t('broadcasts.whatsappMessages')}"
      data-l-plan="${t('broadcasts.plan')}"
      data-l-people="${t('broadcasts.people')}"
      data-l-gets="${t('broadcasts.gets')}"
      data-l-own="${t('broadcasts.own')}"
      data-l-fallback="${t('broadcasts.fallbackTo', { lang: '{lang}' })}"
      data-l-notsent="${t('broadcasts.notSent')}"
      data-l-calls="${t('broadcasts.calls')}"
      data-l-silent="${t('broadcasts.silent')}"
    >
      <p class="muted">${t('broadcasts.previewEmpty')}</p>
    </section>
    <button type="submit">${t('broadcasts.send')}</button>
  </form>`;
}
