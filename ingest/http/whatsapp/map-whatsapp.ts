// Twilio WhatsApp inbound message → InboundEvent. Pure: the caller supplies
// ids, arrival time and the brand's choice about message text.
//   type message_received, channel whatsapp, source_event_id = MessageSid
//   identifiers.phone  From without "whatsapp:" (else "+" + WaId): the
//                      processor puts it in E.164 like any phone
//   traits.whatsapp_profile_name  ProfileName, a name the customer picked for
//                      WhatsApp; kept apart from any name the brand knows
//   properties.body    the text, only with settings.whatsapp.store_message_text
// Media URLs and shared locations are never kept: they are the customer's
// content, and a media URL opens the file to whoever holds it. Only the media
// count and types are.
import type { Campaign, InboundEvent } from '../../../src/lib/shared/events';
import type { TwilioInboundMessage } from './whatsapp-schema';

export interface WhatsAppMappingMeta {
  brand_id: string;
  event_id: string;
  received_at: string;
  /** The brand's `settings.whatsapp.store_message_text`. */
  store_message_text: boolean;
}

export const WHATSAPP_EVENT_NAME = 'whatsapp_message';

const PHONE = /^\+?\d{6,15}$/;

/** The sender's number: `From` is "whatsapp:+<digits>"; `WaId` is the same number without the "+". */
export function senderPhone(from: string, waId: string | undefined): string | undefined {
  const address = from.slice('whatsapp:'.length).trim();
  if (PHONE.test(address)) return address.startsWith('+') ? address : `+${address}`;
  if (waId && /^\d{6,15}$/.test(waId)) return `+${waId}`;
  return undefined;
}

function definedOnly<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value != null && value !== '')) as T;
}

/** A Click-to-WhatsApp ad or post the customer came from. */
function referralCampaign(message: TwilioInboundMessage): Campaign | undefined {
  if (!message.ReferralSourceId) return undefined;
  return definedOnly({
    id: message.ReferralSourceId,
    source: 'whatsapp',
    medium: message.ReferralSourceType || 'referral',
  });
}

export function mapWhatsAppMessage(message: TwilioInboundMessage, meta: WhatsAppMappingMeta): InboundEvent {
  const phone = senderPhone(message.From, message.WaId);
  const campaign = referralCampaign(message);
  return {
    brand_id: meta.brand_id,
    event_id: meta.event_id,
    source: 'whatsapp',
    source_event_id: message.MessageSid,
    type: 'message_received',
    name: WHATSAPP_EVENT_NAME,
    channel: 'whatsapp',
    // Twilio does not say when the customer wrote; its request follows within seconds.
    timestamp: meta.received_at,
    received_at: meta.received_at,
    identifiers: phone ? { phone } : {},
    traits: definedOnly({ whatsapp_profile_name: message.ProfileName?.trim() }),
    properties: definedOnly({
      body: meta.store_message_text ? message.Body : undefined,
      message_type: message.MessageType,
      num_media: message.NumMedia,
      media_content_types: message.mediaContentTypes.length > 0 ? message.mediaContentTypes : undefined,
      button_payload: message.ButtonPayload,
      business_number: message.To?.replace(/^whatsapp:/, ''),
      referral_source_url: message.ReferralSourceUrl,
    }),
    commerce: {},
    context: campaign ? { campaign } : {},
  };
}
