import { makeSchema } from './common';

/**
 * A quick-reply content Chimba made on Twilio's Content API for WhatsApp buttons: its
 * body is one variable (the text), so one content serves every message with the same
 * button titles in the same language. Kept so a restart reuses it instead of making another.
 */
export interface WhatsAppContent {
  /** `language|title 1|title 2|…`. */
  _id: string;
  /** Twilio's Content SID, `HX…`. */
  sid: string;
  createdAt: Date;
}

/** Schema of `whatsappContent`. */
export const whatsappContentSchema = makeSchema({
  _id: { type: String, required: true },
  sid: { type: String, required: true },
  createdAt: { type: Date, required: true },
});
