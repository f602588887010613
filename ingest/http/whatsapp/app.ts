// WhatsApp via Twilio: POST /webhooks/whatsapp/:brand_id, set as a WhatsApp
// sender's incoming-message URL and (optionally) its status-callback URL in
// Twilio. The brand comes from the URL and is proven by X-Twilio-Signature,
// keyed by the brand's Twilio auth token (its `whatsapp` webhook secret) over
// the URL as configured in Twilio: PUBLIC_URL + the path and query this
// server sees, since behind a proxy the scheme, host and port it sees are not
// the ones Twilio called.
//
// Answers are empty TwiML (Twilio sends no reply to the customer).
//   inbound message  → one `message_received` event, answered after the bus has it;
//                      MessageSid deduplicates Twilio's retries
//   status callback  → verified and answered, published not at all
// A status callback reports on a message the brand sent (sent, delivered,
// read, failed). It is not something the customer did: as an event it would
// add intent and activity to the customer's profile for the brand's own
// sending, and its `From` is the brand's number, not the customer's. It does
// not spend the brand's rate limit either, so a large send's receipts cannot
// crowd out the customers' replies.
import { Hono, type Context } from 'hono';
import type { IngestContext } from '../context';
import { brandFromUrl } from '../brand-from-url';
import { IngestError } from '../errors';
import { admit } from '../rate-limit';
import { eventEnvelope } from '../raw-publisher';
import { mapWhatsAppMessage } from './map-whatsapp';
import { verifyTwilioSignature, type WhatsAppEnv } from './verify-twilio';
import { isStatusCallback, parseTwilioInboundMessage } from './whatsapp-schema';

/** Twilio's messaging webhooks are a few KB; this leaves room for a 4,096-character message fully %-escaped. */
export const WHATSAPP_MAX_BYTES = 64 * 1024;

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const twiml = (c: Context<WhatsAppEnv>) => c.body(EMPTY_TWIML, 200, { 'content-type': 'text/xml' });

/** The URL Twilio signed: the configured public base, then this request's path and query. */
export function signedUrlOf(publicUrl: string, requestUrl: string): string {
  const { pathname, search } = new URL(requestUrl);
  return publicUrl.replace(/\/+$/, '') + pathname + search;
}

/**
 * A refused request is kept for the brand to see, but not what the customer
 * sent unless the brand keeps message text: `Body` is masked without
 * `settings.whatsapp.store_message_text`, media URLs and locations always.
 */
export function redactedPayload(payload: Uint8Array, storeMessageText: boolean): string {
  const text = new TextDecoder('utf-8').decode(payload);
  const hidden = storeMessageText
    ? /(^|&)(MediaUrl\d*|Latitude|Longitude|Address)=[^&]*/g
    : /(^|&)(Body|MediaUrl\d*|Latitude|Longitude|Address)=[^&]*/g;
  return text.replace(hidden, '$1$2=[redacted]');
}

export function createWhatsAppApp(ctx: IngestContext): Hono<WhatsAppEnv> {
  const app = new Hono<WhatsAppEnv>();

  app.post(
    '/:brand_id',
    brandFromUrl(ctx),
    verifyTwilioSignature({
      maxBytes: WHATSAPP_MAX_BYTES,
      authToken: (c) => ctx.brands.webhookSecret(c.var.brand.brand_id, 'whatsapp'),
      signedUrl: (c) => signedUrlOf(ctx.publicUrl, c.req.url),
      // Kept for the brand: a wrong token or PUBLIC_URL shows up in its dashboard, not only in Twilio's debugger.
      onFailure: (c, error, payload) =>
        ctx.publisher.rejectRequest({
          brandId: c.var.brand.brand_id,
          source: 'whatsapp',
          receivedAt: ctx.clock().toISOString(),
          error,
          payload: redactedPayload(payload, c.var.brand.settings.whatsapp.store_message_text),
        }),
    }),
    async (c) => {
      const brand = c.var.brand;
      const params = c.var.twilioParams;
      if (isStatusCallback(params)) return twiml(c);

      // After the signature: only the brand's own sender can spend its allowance.
      admit(ctx.rateLimiter, brand, 1);
      const receivedAt = ctx.clock().toISOString();
      const storeMessageText = brand.settings.whatsapp.store_message_text;
      const parsed = parseTwilioInboundMessage(params);
      if (!parsed.ok) {
        return ctx.publisher.rejectRequest({
          brandId: brand.brand_id,
          source: 'whatsapp',
          receivedAt,
          error: new IngestError(400, 'invalid_event', parsed.message),
          payload: redactedPayload(c.var.rawBody, storeMessageText),
        });
      }

      const event = mapWhatsAppMessage(parsed.message, {
        brand_id: brand.brand_id,
        event_id: ctx.newId(),
        received_at: receivedAt,
        store_message_text: storeMessageText,
      });
      await ctx.publisher.publish(brand.brand_id, [eventEnvelope(event)]);
      return twiml(c);
    },
  );

  return app;
}
