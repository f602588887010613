import { describe, expect, it } from 'vitest';
import { inboundEventSchema } from '../../../../src/lib/shared/events';
import { mapWhatsAppMessage, senderPhone } from '../../../../ingest/http/whatsapp/map-whatsapp';
import {
  isStatusCallback,
  parseTwilioInboundMessage,
  type TwilioInboundMessage,
} from '../../../../ingest/http/whatsapp/whatsapp-schema';

const NOW = '2024-05-01T12:00:00.000Z';
const form = (params: Record<string, string>) =>
  new Map(Object.entries(params).map(([name, value]) => [name, [value]]));

function message(params: Record<string, string>): TwilioInboundMessage {
  const parsed = parseTwilioInboundMessage(form(params));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.message;
}

const meta = { brand_id: 'acme', event_id: 'e-1', received_at: NOW, store_message_text: false };

const textMessage = {
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  From: 'whatsapp:+919876543210',
  To: 'whatsapp:+14155238886',
  WaId: '919876543210',
  ProfileName: 'Priya',
  Body: 'Is the blue kurta back in size M?',
  NumMedia: '0',
  MessageType: 'text',
  SmsStatus: 'received',
};

describe('mapWhatsAppMessage', () => {
  it('an inbound text → message_received on whatsapp, the sender a phone, deduplicated by MessageSid', () => {
    const event = mapWhatsAppMessage(message(textMessage), meta);
    expect(event).toEqual({
      brand_id: 'acme',
      event_id: 'e-1',
      source: 'whatsapp',
      source_event_id: 'SM0123456789abcdef0123456789abcdef',
      type: 'message_received',
      name: 'whatsapp_message',
      channel: 'whatsapp',
      timestamp: NOW,
      received_at: NOW,
      identifiers: { phone: '+919876543210' },
      traits: { whatsapp_profile_name: 'Priya' },
      properties: { message_type: 'text', num_media: 0, business_number: '+14155238886' },
      commerce: {},
      context: {},
    });
    expect(inboundEventSchema.parse(event)).toEqual(event);
  });

  it('keeps the text only when the brand stores message text', () => {
    expect(mapWhatsAppMessage(message(textMessage), meta).properties).not.toHaveProperty('body');
    expect(
      mapWhatsAppMessage(message(textMessage), { ...meta, store_message_text: true }).properties,
    ).toMatchObject({ body: 'Is the blue kurta back in size M?' });
  });

  it('media: the count and types, never the URLs', () => {
    const event = mapWhatsAppMessage(
      message({
        ...textMessage,
        Body: '',
        NumMedia: '2',
        MessageType: 'image',
        MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
        MediaContentType0: 'image/jpeg',
        MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
        MediaContentType1: 'image/png',
      }),
      { ...meta, store_message_text: true },
    );
    expect(event.properties).toEqual({
      message_type: 'image',
      num_media: 2,
      media_content_types: ['image/jpeg', 'image/png'],
      business_number: '+14155238886',
    });
    expect(JSON.stringify(event)).not.toContain('api.twilio.com');
  });

  it('a Click-to-WhatsApp ad becomes the campaign', () => {
    const event = mapWhatsAppMessage(
      message({
        ...textMessage,
        ReferralSourceId: '120200000000001',
        ReferralSourceType: 'ad',
        ReferralSourceUrl: 'https://fb.me/abc',
      }),
      meta,
    );
    expect(event.context).toEqual({ campaign: { id: '120200000000001', source: 'whatsapp', medium: 'ad' } });
    expect(event.properties).toMatchObject({ referral_source_url: 'https://fb.me/abc' });
  });

  it('the sender: From, else WaId, else no identifier (the message still counts)', () => {
    expect(senderPhone('whatsapp:+919876543210', '919876543210')).toBe('+919876543210');
    expect(senderPhone('whatsapp:919876543210', undefined)).toBe('+919876543210');
    expect(senderPhone('whatsapp:bsuid.AbC123', '919876543210')).toBe('+919876543210');
    expect(senderPhone('whatsapp:bsuid.AbC123', undefined)).toBeUndefined();
    expect(senderPhone('whatsapp:', 'not-a-number')).toBeUndefined();
    const anonymous = mapWhatsAppMessage(message({ MessageSid: 'SM1', From: 'whatsapp:bsuid.AbC123' }), meta);
    expect(anonymous.identifiers).toEqual({});
  });
});

describe('parseTwilioInboundMessage', () => {
  it.each([
    ['no MessageSid', { From: 'whatsapp:+919876543210' }, 'MessageSid'],
    ['an SMS sender', { MessageSid: 'SM1', From: '+919876543210' }, 'From: expected a WhatsApp sender'],
    [
      'a media count that is not a number',
      { MessageSid: 'SM1', From: 'whatsapp:+1', NumMedia: 'two' },
      'NumMedia',
    ],
    [
      'more media than WhatsApp allows',
      { MessageSid: 'SM1', From: 'whatsapp:+1', NumMedia: '11' },
      'NumMedia',
    ],
  ])('refuses %s, naming the parameter', (_name, params, named) => {
    const parsed = parseTwilioInboundMessage(form(params));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(named);
  });
});

describe('isStatusCallback', () => {
  it('MessageStatus, or an SmsStatus other than received, marks a status callback', () => {
    expect(isStatusCallback(form(textMessage))).toBe(false);
    expect(isStatusCallback(form({ MessageSid: 'SM1', From: 'whatsapp:+1' }))).toBe(false);
    for (const status of ['sent', 'delivered', 'read', 'failed', 'undelivered']) {
      expect(isStatusCallback(form({ MessageSid: 'SM1', MessageStatus: status, SmsStatus: status }))).toBe(
        true,
      );
    }
    expect(isStatusCallback(form({ MessageSid: 'SM1', SmsStatus: 'delivered' }))).toBe(true);
  });
});
