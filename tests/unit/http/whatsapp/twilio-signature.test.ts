// Our Twilio signature against Twilio's own helper library (the `twilio`
// package) as the oracle, and against the example in Twilio's docs.
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import type { FormParams } from '../../../../ingest/http/whatsapp/form';
import {
  computeTwilioSignature,
  portVariants,
  twilioSignatureMatches,
} from '../../../../ingest/http/whatsapp/twilio-signature';

type OracleParams = Record<string, string | string[]>;

/** The same parameters as our parser hands them over: each name with its values. */
function asForm(params: OracleParams): FormParams {
  return new Map(
    Object.entries(params).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]),
  );
}

const TOKEN = '12345';

describe('Twilio signature', () => {
  it("reproduces the example in Twilio's security docs", () => {
    // https://www.twilio.com/docs/usage/webhooks/webhooks-security (auth token 12345)
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    expect(twilio.getExpectedTwilioSignature(TOKEN, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(computeTwilioSignature(TOKEN, url, asForm(params))).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  const cases: [string, OracleParams][] = [
    ['no parameters', {}],
    [
      'a WhatsApp message',
      {
        MessageSid: 'SM0123456789abcdef0123456789abcdef',
        From: 'whatsapp:+919876543210',
        WaId: '919876543210',
        ProfileName: 'Priya',
        Body: 'Is the blue kurta back in size M?',
        NumMedia: '0',
      },
    ],
    ['unicode, emoji, separators and empty values', { Body: 'नमस्ते 👋 a=b&c+d %20', Empty: '', 'a b': '&' }],
    [
      'names that sort by code unit (upper case before lower case, "_" between)',
      { b: '1', B: '2', _a: '3', a: '4' },
    ],
    ['a repeated name: each distinct value once, sorted', { Tag: ['z', 'a', 'z', 'm'], Solo: 'x' }],
  ];

  it.each(cases)('agrees with twilio.getExpectedTwilioSignature: %s', (_name, params) => {
    const url = 'https://signals.example.com/webhooks/whatsapp/acme?src=tw';
    const expected = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    expect(computeTwilioSignature(TOKEN, url, asForm(params))).toBe(expected);
    expect(twilioSignatureMatches(expected, TOKEN, url, asForm(params))).toBe(true);
  });

  it('agrees with twilio.validateRequest on which URLs verify: with or without the default port, nothing else', () => {
    const params = { MessageSid: 'SM1', Body: 'hi' };
    const configured = 'https://signals.example.com/webhooks/whatsapp/acme';
    const signedFor = [
      configured,
      'https://signals.example.com:443/webhooks/whatsapp/acme',
      'http://signals.example.com/webhooks/whatsapp/acme',
      'https://signals.example.com/webhooks/whatsapp/acme/',
      'https://signals.example.com/webhooks/whatsapp/acme?x=1',
      'https://signals.example.com:8443/webhooks/whatsapp/acme',
      'https://other.example.com/webhooks/whatsapp/acme',
    ];
    for (const url of signedFor) {
      const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params);
      const ours = twilioSignatureMatches(signature, TOKEN, configured, asForm(params));
      expect(ours, url).toBe(twilio.validateRequest(TOKEN, signature, configured, params));
    }
    // The two that verify are exactly the port variants.
    expect(
      signedFor.filter((url) =>
        twilioSignatureMatches(
          twilio.getExpectedTwilioSignature(TOKEN, url, params),
          TOKEN,
          configured,
          asForm(params),
        ),
      ),
    ).toEqual(signedFor.slice(0, 2));
  });

  it('a non-default port in the configured URL is signed with it or without any port', () => {
    expect(portVariants('https://a.example:8443/p?q=1')).toEqual([
      'https://a.example/p?q=1',
      'https://a.example:8443/p?q=1',
    ]);
    expect(portVariants('http://[::1]/p')).toEqual(['http://[::1]/p', 'http://[::1]:80/p']);
    expect(portVariants('http://user:pw@host:80/p')).toEqual([
      'http://user:pw@host/p',
      'http://user:pw@host:80/p',
    ]);
  });

  it('refuses another token, a changed value, an added parameter and a cut signature', () => {
    const url = 'https://signals.example.com/webhooks/whatsapp/acme';
    const params = { MessageSid: 'SM1', Body: 'hi' };
    const good = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    expect(twilioSignatureMatches(good, 'another-token', url, asForm(params))).toBe(false);
    expect(twilioSignatureMatches(good, TOKEN, url, asForm({ ...params, Body: 'hi!' }))).toBe(false);
    expect(twilioSignatureMatches(good, TOKEN, url, asForm({ ...params, Extra: '' }))).toBe(false);
    expect(twilioSignatureMatches(good.slice(0, -1), TOKEN, url, asForm(params))).toBe(false);
    expect(twilioSignatureMatches('', TOKEN, url, asForm(params))).toBe(false);
  });
});
