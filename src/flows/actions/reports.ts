import { Mineral, Unit, defaultUnitFor } from '../../domain/minerals';
import { formatAmount, parsePriceParts } from '../../domain/price';
import {
  ISSUE_CATEGORIES,
  IncidentType,
  IssueCategory,
  parseCount,
  parseIncidentType,
  parseIssueCategory,
} from '../../domain/reports';
import { toHour } from '../../domain/privacy';
import { PRIORITY, Report } from '../../models';
import { compose } from '../../outbox/compose';
import { smsTransportFor } from '../../outbox/routes';
import { insertReport, recentPrices } from '../../reports/store';
import { quantile } from '../../stats/quantiles';
import { Turn } from '../turn';

/** How far from the recent median a price must be to be asked about, and on how many reports. */
const OUTLIER_FACTOR = 3;
const OUTLIER_MIN_REPORTS = 5;
const OUTLIER_WINDOW_DAYS = 90;
/** The most recent reports the check reads: a median of a few dozen is steady, and the read stays bounded. */
const OUTLIER_READ_LIMIT = 60;
const DAY = 86_400_000;

/**
 * Reads a one-SMS report into answers. A complete report fills everything, including its
 * confirmation, so the flow only stops if the price looks wrong; a partial one leaves the
 * rest to be asked.
 */
export function oneShot(
  kind: 'price' | 'issue' | 'incident',
  rest: string,
  isAnon: (w: string) => boolean,
): Record<string, unknown> {
  const words = rest.split(/\s+/).filter(Boolean);
  const anonymous = words.some(isAnon);
  const kept = words.filter((w) => !isAnon(w));
  if (kind === 'price') {
    const p = parsePriceParts(kept.join(' '));
    const a: Record<string, unknown> = {};
    if (p.mineral) a.mineral = p.mineral;
    if (p.amount !== undefined && !p.unknown.length) a.amount = p.amount;
    if (p.currency) a.currency = p.currency;
    if (p.unit) a.unit = p.unit;
    if (a.mineral && a.amount !== undefined) {
      a.unit ??= defaultUnitFor(p.mineral!);
      a.currency ??= null; // filled from the contact's country when stored
      a.purity = p.purity ?? null;
      a.placeOfSale = p.placeOfSale ?? null;
      a.confirmed = true;
    }
    return a;
  }
  const privacy = anonymous ? 'anonymous' : null;
  if (kind === 'issue') {
    const [first, ...more] = kept;
    const n = first && /^\d{1,2}$/.test(first) ? Number(first) : NaN;
    const category = (first && parseIssueCategory(first)) ?? ISSUE_CATEGORIES[n - 1];
    const description = (category ? more : kept).join(' ').slice(0, 320);
    const a: Record<string, unknown> = {};
    if (category) a.category = category;
    if (description) a.description = description;
    if (category && description) Object.assign(a, { place: null, privacy: privacy ?? 'confidential' });
    else if (privacy) a.privacy = privacy;
    return a;
  }
  // incident: a type word, injured, dead, then the place
  const a: Record<string, unknown> = {};
  const place: string[] = [];
  for (const w of kept) {
    const type = !a.incidentType ? parseIncidentType(w) : undefined;
    const count = parseCount(w);
    if (type) a.incidentType = type;
    else if (count !== undefined && a.injured === undefined) a.injured = count;
    else if (count !== undefined && a.dead === undefined) a.dead = count;
    else place.push(w);
  }
  if (place.length) a.place = place.join(' ').slice(0, 60);
  if (a.incidentType && a.injured !== undefined && a.dead !== undefined) {
    Object.assign(a, { occurred: null, place: a.place ?? null, privacy: privacy ?? 'confidential' });
  } else if (privacy) a.privacy = privacy;
  return a;
}

// ---- price -------------------------------------------------------------------------

/**
 * Median of recent prices of the same mineral, unit and currency (the contact's region
 * first, if it has enough): the latest `OUTLIER_READ_LIMIT` reports of the window.
 */
async function recentMedian(
  turn: Turn,
  q: { mineral: Mineral; unit: Unit; currency: string; region?: string; since: Date },
): Promise<{ median: number; n: number } | undefined> {
  for (const region of q.region ? [q.region, undefined] : [undefined]) {
    const recent = await recentPrices(turn.store, { ...q, region, limit: OUTLIER_READ_LIMIT });
    const amounts = recent
      .filter((r) => r.unit === q.unit && typeof r.amount === 'number')
      .map((r) => r.amount!)
      .sort((x, y) => x - y);
    if (amounts.length >= OUTLIER_MIN_REPORTS) return { median: quantile(amounts, 0.5), n: amounts.length };
  }
  return undefined;
}

/** Marks the answers as an outlier when the price is far from what others reported lately. */
async function checkOutlier(turn: Turn): Promise<void> {
  const a = turn.session.answers;
  a.currency ??= turn.currency();
  const recent = await recentMedian(turn, {
    mineral: a.mineral as Mineral,
    unit: a.unit as Unit,
    currency: a.currency as string,
    region: turn.contact.region,
    since: new Date(turn.now.getTime() - OUTLIER_WINDOW_DAYS * DAY),
  });
  const amount = a.amount as number;
  const far = recent && (amount > recent.median * OUTLIER_FACTOR || amount < recent.median / OUTLIER_FACTOR);
  a.outlier = !!far;
  if (far) a.median = formatAmount(recent!.median, turn.lang);
}

async function storePrice(turn: Turn): Promise<void> {
  const a = turn.session.answers;
  const c = turn.contact;
  a.currency ??= turn.currency();
  const report = await insertReport(turn.store, {
    kind: 'price',
    contactId: c._id,
    sourceKey: `${turn.inbound.channel}:${turn.inbound._id}`,
    channel: turn.source,
    language: turn.lang,
    mineral: a.mineral as Mineral,
    amount: a.amount as number,
    currency: a.currency as string,
    unit: a.unit as Unit,
    purity: typeof a.purity === 'number' ? a.purity : undefined,
    placeOfSale: typeof a.placeOfSale === 'string' ? a.placeOfSale : undefined,
    site: c.site,
    region: c.region,
    country: c.country,
    createdAt: turn.now,
  });
  turn.reported = { reference: report.reference, anonymous: false };
  const key = c.registration === 'none' ? 'flows.price.savedInvite.say' : 'flows.price.saved.say';
  turn.say(key, { ...turn.vars(), ref: report.reference });
}

// ---- issues and incidents -----------------------------------------------------------------

/**
 * The fields that say who and where. Anonymous: no contact, no source key once handled,
 * only the place typed and the coarse region, and the time rounded to the hour.
 */
function reporter(turn: Turn): Partial<Report> {
  const c = turn.contact;
  const a = turn.session.answers;
  const typed = typeof a.place === 'string' ? a.place : undefined;
  const common = {
    channel: turn.source,
    language: turn.lang,
    sourceKey: `${turn.inbound.channel}:${turn.inbound._id}`,
    region: c.region,
    country: c.country,
  };
  if (a.privacy === 'anonymous') {
    return { ...common, anonymous: true, confidential: false, place: typed, createdAt: toHour(turn.now) };
  }
  // photos and a spoken description stay with confidential reports only: they lead back to the sender
  const media = turn.media();
  const recording = a.recording as Report['recording'];
  return {
    ...common,
    anonymous: false,
    confidential: true,
    ...(media.length ? { media } : {}),
    ...(recording ? { recording: { sid: recording.sid, durationSec: recording.durationSec } } : {}),
    contactId: c._id,
    site: c.site,
    place: typed ?? c.site,
    createdAt: turn.now,
  };
}

function afterStore(turn: Turn, report: Report, key: string): void {
  const anonymous = report.anonymous;
  turn.reported = { reference: report.reference, anonymous };
  if (anonymous) {
    turn.anonymised = {
      inboundIds: [...new Set([...turn.session.inboundIds, turn.inbound._id])],
      reportId: report._id,
    };
  }
  turn.say(
    `${key}${anonymous ? 'Anonymous' : ''}.say`,
    { ref: report.reference },
    { redactAfterSend: anonymous },
  );
}

async function storeIssue(turn: Turn): Promise<void> {
  const a = turn.session.answers;
  const report = await insertReport(turn.store, {
    kind: 'issue',
    ...reporter(turn),
    category: a.category as IssueCategory,
    description: String(a.description ?? ''),
  });
  afterStore(turn, report, 'flows.issue.saved');
}

async function storeIncident(turn: Turn): Promise<void> {
  const a = turn.session.answers;
  const injured = Number(a.injured ?? 0);
  const dead = Number(a.dead ?? 0);
  const urgent = injured + dead > 0;
  const report = await insertReport(turn.store, {
    kind: 'incident',
    ...reporter(turn),
    incidentType: a.incidentType as IncidentType,
    injured,
    dead,
    occurred: typeof a.occurred === 'string' ? a.occurred : undefined,
    urgent,
  });
  const alerted = urgent && alertOnCall(turn, report);
  afterStore(turn, report, alerted ? 'flows.incident.savedUrgent' : 'flows.incident.saved');
}

/**
 * Urgent incident: one alert per on-call number, ahead of bulk traffic, never naming the
 * reporter. False when nobody is on call (the reply then promises nothing).
 */
function alertOnCall(turn: Turn, report: Report): boolean {
  const { settings, translator } = turn.kit;
  if (!settings.oncallSms?.length) return false;
  const lang = settings.defaultLanguage;
  const text = translator.t(lang, 'alerts.incident', {
    ref: report.reference,
    type: translator.t(lang, `incidents.${report.incidentType}`),
    injured: report.injured,
    dead: report.dead,
    place: report.place ?? report.site ?? report.region ?? '?',
    reporter: translator.t(lang, report.anonymous ? 'privacy.anonymous' : 'privacy.confidential'),
  });
  for (const to of settings.oncallSms) {
    const envelope = {
      channel: 'sms' as const,
      transport: settings.smsRoutes ? smsTransportFor(settings.smsRoutes, to) : 'simulator',
      to,
      priority: PRIORITY.alert,
      dedupeKey: `alert:${report._id}:${to}`,
      now: turn.now,
    };
    turn.extra.push(...compose({ text }, envelope, settings.smsFoldGsm));
  }
  return true;
}

/** Flow actions of the report flows. */
export const reportActions = { checkOutlier, storePrice, storeIssue, storeIncident };
