import { Schema, SchemaOptions } from 'mongoose';
import { newId } from '../domain/ids';

/** Options every Chimba schema shares: string ids, no mongoose version key, strict shape. */
export const schemaOptions: SchemaOptions = { versionKey: false, strict: true, minimize: false };

/** The `_id` path every document has: a random UUID string, identical on both engines. */
export const idPath = { type: String, default: newId } as const;

/** Channels people reach Chimba on. */
export const CHANNELS = ['sms', 'telegram', 'whatsapp'] as const;
/** A channel people reach Chimba on. */
export type Channel = (typeof CHANNELS)[number];

/**
 * Where a report or an answer came from: a channel, or a USSD session or a phone call (the
 * screens or keypad of the phone's SMS address: no messages, so no address of their own).
 */
export const SOURCES = [...CHANNELS, 'ussd', 'voice'] as const;
/** Where a report or an answer came from. */
export type Source = (typeof SOURCES)[number];

/** What carries a channel's messages: a real provider, or the simulator for trying Chimba. */
/** `whatsapp` is Twilio's WhatsApp sender: the same account and client, its own rate and rules. */
/** `voice` is Twilio's Calls API: a call back after a missed call, an alert spoken to a phone. */
export const TRANSPORTS = ['twilio', 'africastalking', 'telegram', 'whatsapp', 'simulator', 'voice'] as const;
/** What carries a channel's messages. */
export type Transport = (typeof TRANSPORTS)[number];

/** Makes a schema with the shared options. */
export function makeSchema(definition: Record<string, unknown>): Schema {
  return new Schema({ _id: idPath, ...definition }, schemaOptions);
}
