import { Schema } from 'mongoose';
import { AuditEntry, auditSchema } from './audit';
import { Broadcast, broadcastSchema } from './broadcast';
import { Contact, contactSchema } from './contact';
import { Credential, credentialSchema } from './credential';
import { StoredFlow, SurveyResponse, flowDocSchema, surveyResponseSchema } from './flow';
import { InboundMessage, inboundSchema } from './inbound';
import { JobRun, jobRunSchema } from './jobRun';
import { Lease, leaseSchema } from './lease';
import { LinkCode, linkCodeSchema } from './linkCode';
import { OutboundMessage, outboundSchema } from './outbound';
import { Poll, PollAnswer, pollAnswerSchema, pollSchema } from './poll';
import { ReferencePrice, referencePriceSchema } from './referencePrice';
import { Report, reportSchema } from './report';
import { Session, sessionSchema } from './session';
import {
  PriceConversion,
  PriceRollup,
  RollupEntry,
  priceConversionSchema,
  priceRollupSchema,
  rollupEntrySchema,
} from './stats';
import { DashboardSession, dashboardSessionSchema } from './dashboardSession';
import { UssdSession, ussdSessionSchema } from './ussdSession';
import { VoiceCall, voiceCallSchema } from './voiceCall';
import { WhatsAppContent, whatsappContentSchema } from './whatsappContent';
import { OpsAlert, opsAlertSchema } from './opsAlert';
import { DirectoryEntry, Rsvp, directoryEntrySchema, rsvpSchema } from './directoryEntry';
import { PublishedAnswer, Question, publishedAnswerSchema, questionSchema } from './question';
import { Enrolment, Series, enrolmentSchema, seriesSchema } from './series';
import { PublicHit, publicHitSchema } from './publicHit';
import { Bulletin, bulletinSchema } from './bulletin';

/** Document types by collection name. */
export interface Documents {
  contacts: Contact;
  inbound: InboundMessage;
  sessions: Session;
  reports: Report;
  referencePrices: ReferencePrice;
  outbound: OutboundMessage;
  credentials: Credential;
  leases: Lease;
  linkCodes: LinkCode;
  broadcasts: Broadcast;
  audit: AuditEntry;
  polls: Poll;
  pollAnswers: PollAnswer;
  jobRuns: JobRun;
  flows: StoredFlow;
  surveyResponses: SurveyResponse;
  priceRollups: PriceRollup;
  priceConversions: PriceConversion;
  rollupQueue: RollupEntry;
  dashboardSessions: DashboardSession;
  ussdSessions: UssdSession;
  whatsappContent: WhatsAppContent;
  opsAlerts: OpsAlert;
  directory: DirectoryEntry;
  rsvps: Rsvp;
  questions: Question;
  answers: PublishedAnswer;
  series: Series;
  enrolments: Enrolment;
  publicHits: PublicHit;
  bulletins: Bulletin;
  voiceCalls: VoiceCall;
}

/** Collection names. */
export type CollectionName = keyof Documents;

/** Every schema, by collection name: the one definition both storage engines use. */
export const SCHEMAS: Record<CollectionName, Schema> = {
  contacts: contactSchema,
  inbound: inboundSchema,
  sessions: sessionSchema,
  reports: reportSchema,
  referencePrices: referencePriceSchema,
  outbound: outboundSchema,
  credentials: credentialSchema,
  leases: leaseSchema,
  linkCodes: linkCodeSchema,
  broadcasts: broadcastSchema,
  audit: auditSchema,
  polls: pollSchema,
  pollAnswers: pollAnswerSchema,
  jobRuns: jobRunSchema,
  flows: flowDocSchema,
  surveyResponses: surveyResponseSchema,
  priceRollups: priceRollupSchema,
  priceConversions: priceConversionSchema,
  rollupQueue: rollupEntrySchema,
  dashboardSessions: dashboardSessionSchema,
  ussdSessions: ussdSessionSchema,
  whatsappContent: whatsappContentSchema,
  opsAlerts: opsAlertSchema,
  directory: directoryEntrySchema,
  rsvps: rsvpSchema,
  questions: questionSchema,
  answers: publishedAnswerSchema,
  series: seriesSchema,
  enrolments: enrolmentSchema,
  publicHits: publicHitSchema,
  bulletins: bulletinSchema,
  voiceCalls: voiceCallSchema,
};

export * from './audit';
export * from './broadcast';
export * from './common';
export * from './contact';
export * from './credential';
export * from './flow';
export * from './inbound';
export * from './jobRun';
export * from './lease';
export * from './linkCode';
export * from './outbound';
export * from './poll';
export * from './referencePrice';
export * from './report';
export * from './session';
export * from './stats';
export * from './dashboardSession';
export * from './ussdSession';
export * from './voiceCall';
export * from './whatsappContent';
export * from './opsAlert';
export * from './directoryEntry';
export * from './question';
export * from './series';
export * from './publicHit';
export * from './bulletin';
