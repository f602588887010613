// The parts of Twilio's WhatsApp webhooks the mapping reads
// (https://www.twilio.com/docs/messaging/guides/webhook-request). Twilio posts
// two kinds of request, both form-encoded, to the URLs a WhatsApp sender is
// configured with:
//   - an inbound message: `MessageSid`, `From` ("whatsapp:+919876543210"),
//     `WaId` (the sender's number, digits only), `ProfileName`, `Body`,
//     `NumMedia` and `MediaContentType<n>`, `MessageType`, ..., and
//     `SmsStatus=received`;
//   - a status callback for a message the brand sent: `MessageSid`,
//     `MessageStatus` (sent, delivered, read, failed, ...), `SmsStatus`, with
//     `From` the brand's own number and `To` the customer's.
// Twilio adds parameters without notice, so unknown ones are ignored (they
// are still part of what the signature covers).
import { z } from 'zod';
import { describeIssues } from '../zod-issues';
import { firstValues, type FormParams } from './form';

/** WhatsApp allows at most 10 media per message; Twilio numbers them from 0. */
const MAX_MEDIA = 10;

const optionalText = z.string().max(4096).optional();

export const twilioInboundMessageSchema = z.object({
  MessageSid: z.string().min(1, 'MessageSid is empty').max(64),
  From: z.string().regex(/^whatsapp:.+$/, 'expected a WhatsApp sender such as "whatsapp:+919876543210"'),
  To: optionalText,
  WaId: optionalText,
  ProfileName: optionalText,
  /** Bounded by the body cap (WHATSAPP_MAX_BYTES), not here: a long message is still a message. */
  Body: z.string().optional(),
  NumMedia: z
    .string()
    .regex(/^\d{1,2}$/, 'expected a count of media such as "0"')
    .transform(Number)
    .pipe(z.number().max(MAX_MEDIA))
    .optional(),
  MessageType: optionalText,
  ButtonPayload: optionalText,
  /** Set when the customer came from a Click-to-WhatsApp ad or post. */
  ReferralSourceId: optionalText,
  ReferralSourceType: optionalText,
  ReferralSourceUrl: optionalText,
});

export type TwilioInboundMessage = z.output<typeof twilioInboundMessageSchema> & {
  /** `MediaContentType0` … `MediaContentType<NumMedia - 1>`, those present. */
  mediaContentTypes: string[];
};

/**
 * A status callback reports on a message the brand sent; an inbound message
 * never carries `MessageStatus`, and its `SmsStatus` is `received`.
 */
export function isStatusCallback(params: FormParams): boolean {
  const smsStatus = params.get('SmsStatus')?.[0];
  return params.has('MessageStatus') || (smsStatus !== undefined && smsStatus !== 'received');
}

export type TwilioInboundParse = { ok: true; message: TwilioInboundMessage } | { ok: false; message: string };

/** Validates an inbound message; the error names every bad parameter. */
export function parseTwilioInboundMessage(params: FormParams): TwilioInboundParse {
  const values = firstValues(params);
  const parsed = twilioInboundMessageSchema.safeParse(values);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const mediaContentTypes: string[] = [];
  for (let i = 0; i < (parsed.data.NumMedia ?? 0); i++) {
    const type = values[`MediaContentType${i}`];
    if (type) mediaContentTypes.push(type.slice(0, 255));
  }
  return { ok: true, message: { ...parsed.data, mediaContentTypes } };
}
