// The ping WooCommerce sends to a webhook's delivery URL when the webhook is
// saved (WC_Webhook::deliver_ping): a POST of `webhook_id=<id>`, form-encoded,
// with no X-WC-Webhook-* headers and so no signature. Unless it is answered
// exactly 200, WooCommerce reports "Delivery URL returned response code" and
// keeps the webhook pending. Nothing in it is the brand's data: it is answered
// and published nowhere.

/** Larger than any ping; what an unsigned request is read up to before it is refused. */
export const PING_MAX_BYTES = 4096;

const FORM = 'application/x-www-form-urlencoded';
const PING_BODY = /^webhook_id=\d{1,20}$/;

export function isWooCommercePing(contentType: string | undefined, body: Uint8Array): boolean {
  if (contentType?.split(';')[0]?.trim().toLowerCase() !== FORM) return false;
  return PING_BODY.test(new TextDecoder('utf-8').decode(body).trim());
}
