// The two bodies a receiver can ask for.
//
//   slack  Slack's incoming-webhook message (https://api.slack.com/messaging/webhooks):
//          `text` is the fallback shown in notifications (mobile uses only it),
//          `blocks` holds one mrkdwn section with the full message.
//   json   the AlertNotification as it is, plus `version` so receivers can tell
//          a later shape apart.
//
// Slack reads `&`, `<` and `>` as markup (`<!channel>` pings a whole channel),
// so every user-controlled string is escaped before it goes into mrkdwn.
import type { AlertNotification, AlertReceiver } from '../../src/lib/shared/alert-rules';

export const JSON_PAYLOAD_VERSION = 1;

export interface SlackPayload {
  text: string;
  blocks: [{ type: 'section'; text: { type: 'mrkdwn'; text: string } }];
}

export type JsonPayload = AlertNotification & { version: typeof JSON_PAYLOAD_VERSION };

/** Slack caps a section's text at 3000 characters; the message gets what the rest leaves. */
const MAX_MESSAGE_CHARS = 1500;

const EMOJI: Record<AlertNotification['severity'], string> = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
};

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** Escapes Slack's three control characters, `&` first so the others' entities survive. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A `<url|label>` link; `|` would end the URL early, so it is percent-encoded. */
function link(url: string, label: string): string {
  return `<${escapeMrkdwn(url).replaceAll('|', '%7C')}|${label}>`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function slackPayload(n: AlertNotification): SlackPayload {
  const state = n.state === 'firing' ? 'FIRING' : 'RESOLVED';
  const emoji = n.state === 'firing' ? EMOJI[n.severity] : ':white_check_mark:';
  const subject = escapeMrkdwn(n.subject);
  const message = escapeMrkdwn(truncate(n.message, MAX_MESSAGE_CHARS));
  const figures = `value ${number.format(n.value)} vs threshold ${number.format(n.threshold)}`;
  const open = link(n.url, 'Open the alert');
  const headline = `${emoji} *${state}* · ${n.severity} · ${n.rule_type} \`${n.rule_id}\` on *${subject}*`;
  return {
    text: `${state} ${n.severity} ${n.rule_type} (${n.rule_id}) on ${subject}: ${message} (${figures}) ${open}`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${headline}\n${message}\n${capitalize(figures)}\n${open}` },
      },
    ],
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function jsonPayload(n: AlertNotification): JsonPayload {
  return { ...n, version: JSON_PAYLOAD_VERSION };
}

export function payloadFor(
  format: AlertReceiver['format'],
  n: AlertNotification,
): SlackPayload | JsonPayload {
  return format === 'slack' ? slackPayload(n) : jsonPayload(n);
}
