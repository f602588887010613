// The two receiver bodies, exactly as they go on the wire.
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, jsonPayload, payloadFor, slackPayload } from '../../../ingest/alerts/payloads';
import type { AlertNotification } from '../../../src/lib/shared/alert-rules';

const firing: AlertNotification = {
  brand_id: 'acme',
  alert_id: 'al-1',
  rule_id: 'roi-floor',
  rule_type: 'roi_drop',
  subject: 'spring-sale',
  severity: 'critical',
  state: 'firing',
  message: 'ROI fell to -35% over 15 minutes',
  value: -0.35,
  threshold: 0.2,
  at: '2026-03-01T10:00:00.000Z',
  url: 'https://signalroom.example/alerts/al-1',
};

describe('slackPayload', () => {
  it('says FIRING, severity, rule, subject, message, value vs threshold, and links the alert', () => {
    expect(slackPayload(firing)).toEqual({
      text:
        'FIRING critical roi_drop (roi-floor) on spring-sale: ROI fell to -35% over 15 minutes ' +
        '(value -0.35 vs threshold 0.2) <https://signalroom.example/alerts/al-1|Open the alert>',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              ':rotating_light: *FIRING* · critical · roi_drop `roi-floor` on *spring-sale*\n' +
              'ROI fell to -35% over 15 minutes\n' +
              'Value -0.35 vs threshold 0.2\n' +
              '<https://signalroom.example/alerts/al-1|Open the alert>',
          },
        },
      ],
    });
  });

  it('says RESOLVED with a check mark, whatever the severity', () => {
    const resolved = slackPayload({ ...firing, state: 'resolved', severity: 'warning', value: 0.31 });
    expect(resolved.text.startsWith('RESOLVED warning roi_drop (roi-floor) on spring-sale:')).toBe(true);
    expect(resolved.blocks[0].text.text.split('\n')[0]).toBe(
      ':white_check_mark: *RESOLVED* · warning · roi_drop `roi-floor` on *spring-sale*',
    );
    expect(resolved.blocks[0].text.text.split('\n')[2]).toBe('Value 0.31 vs threshold 0.2');
  });

  it('escapes &, < and > in user text, so a subject cannot ping a channel or forge a link', () => {
    const hostile = slackPayload({
      ...firing,
      subject: '<!channel> & co',
      message: 'spend <https://evil.example|click> > budget',
      url: 'https://signalroom.example/alerts/a?x=1&y=<2>|3',
    });
    const lines = hostile.blocks[0].text.text.split('\n');
    expect(lines[0]).toBe(
      ':rotating_light: *FIRING* · critical · roi_drop `roi-floor` on *&lt;!channel&gt; &amp; co*',
    );
    expect(lines[1]).toBe('spend &lt;https://evil.example|click&gt; &gt; budget');
    expect(lines[3]).toBe('<https://signalroom.example/alerts/a?x=1&amp;y=&lt;2&gt;%7C3|Open the alert>');
    expect(hostile.text).not.toContain('<!channel>');
    expect(hostile.text).not.toContain('<https://evil');
  });

  it('keeps the section under Slack’s 3000 characters however long the message', () => {
    const long = slackPayload({ ...firing, message: 'x'.repeat(5000) });
    const section = long.blocks[0].text.text;
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section.split('\n')[1]).toBe(`${'x'.repeat(1499)}…`);
  });

  it('rounds long fractions to 4 digits and groups thousands', () => {
    const lines = slackPayload({ ...firing, value: 12345.678912, threshold: 1 / 3 }).blocks[0].text.text;
    expect(lines.split('\n')[2]).toBe('Value 12,345.6789 vs threshold 0.3333');
  });
});

describe('escapeMrkdwn', () => {
  it('escapes & first, so an escaped < is not escaped twice', () => {
    expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
  });
});

describe('jsonPayload', () => {
  it('is the notification as it is, plus version 1', () => {
    expect(jsonPayload(firing)).toEqual({ ...firing, version: 1 });
    expect(payloadFor('json', firing)).toEqual({ ...firing, version: 1 });
    expect(payloadFor('slack', firing)).toEqual(slackPayload(firing));
  });
});
