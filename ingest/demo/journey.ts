// One shopper's visit as a small state machine. Each `advanceSession` call is
// one step of the visit and returns the calls it produced:
//
//   web/app:   landing → browsing (views, adds, maybe log in) → checkout → order | abandon
//   whatsapp:  one to three inbound messages, identified only by the phone
//   store:     one in-store purchase, identified by loyalty card and/or phone
//
// A web order reaches Signalroom either as an `Order Completed` track call or
// as a Shopify `orders/create` webhook, never both (so it is counted once).
import type { Catalog, Product } from './catalog';
import type { Device, Shopper } from './people';
import { whatsappAddress, writtenEmail, writtenPhone } from './people';
import type { Random } from './random';
import type { CampaignTouch, CartLine, SegmentMessage, Touch } from './segment';
import { cartTotal, identifyCall, pageCall, productProperties, productsList, trackCall } from './segment';
import type { ShopifyWebhook } from './shopify';
import { shopifyOrderWebhook } from './shopify';

export type DemoAction =
  { kind: 'segment'; message: SegmentMessage } | { kind: 'shopify'; webhook: ShopifyWebhook };

/** casual: a few views, rarely buys. burst: a shopper on a mission, many views and adds (fills high intent). */
export type VisitStyle = 'casual' | 'burst';

export interface WebSession {
  kind: 'web';
  shopper: Shopper;
  device: Device;
  style: VisitStyle;
  stage: 'landing' | 'browsing' | 'checkout' | 'done';
  /** Log in after this many product views; Infinity stays anonymous (until a guest checkout). */
  loginAfterViews: number;
  views: number;
  focus: string;
  lastViewed?: Product;
  cart: CartLine[];
  cartId: string;
  campaign?: CampaignTouch;
  /** Share of orders sent as Shopify webhooks instead of track calls (web only, not app). */
  shopifyShare: number;
}

export interface WhatsappSession {
  kind: 'whatsapp';
  shopper: Shopper;
  messagesLeft: number;
}

export interface StoreSession {
  kind: 'store';
  shopper: Shopper;
  done: boolean;
}

export type Session = WebSession | WhatsappSession | StoreSession;

export interface StepContext {
  random: Random;
  catalog: Catalog;
  now: Date;
}

export interface StepResult {
  actions: DemoAction[];
  done: boolean;
}

/** Per-step probabilities by visit style. Tuned so a few % of web visits buy. */
const BEHAVIOUR: Record<VisitStyle, { leave: number; add: number; checkout: number; complete: number }> = {
  casual: { leave: 0.14, add: 0.025, checkout: 0.25, complete: 0.5 },
  burst: { leave: 0.03, add: 0.4, checkout: 0.05, complete: 0.5 },
};

/** The demo's ad campaigns, one or two per channel; their economics are in spend.ts. */
export const CAMPAIGNS: readonly CampaignTouch[] = [
  { id: 'ggl-brand-search', name: 'brand_search', source: 'google', medium: 'cpc' },
  { id: 'ggl-festive-sale', name: 'festive_sale', source: 'google', medium: 'cpc' },
  { id: 'ig-new-arrivals', name: 'new_arrivals', source: 'instagram', medium: 'paid_social' },
  { id: 'fb-retargeting-cart', name: 'retargeting_cart', source: 'facebook', medium: 'paid_social' },
  { id: 'tt-spark-ads', name: 'spark_ads', source: 'tiktok', medium: 'paid_social' },
  { id: 'yt-creator-collab', name: 'creator_collab', source: 'youtube', medium: 'video' },
  { id: 'em-weekly-newsletter', name: 'weekly_newsletter', source: 'newsletter', medium: 'email' },
];

const WHATSAPP_TEXTS = [
  'Hi, is this available in size M?',
  'When will my order be delivered?',
  'Do you have cash on delivery to Pune?',
  'Can I exchange the item I bought last week?',
  'Is there any discount on the festive collection?',
  'Please share the catalog',
];
const STORES = ['BLR-INDIRANAGAR', 'MUM-BANDRA', 'DEL-SAKET', 'HYD-JUBILEE', 'CHN-TNAGAR'] as const;

export function startWebSession(
  random: Random,
  catalog: Catalog,
  shopper: Shopper,
  device: Device,
  options: { style: VisitStyle; loginAfterViews: number; campaign?: CampaignTouch; shopifyShare?: number },
): WebSession {
  const session: WebSession = {
    kind: 'web',
    shopper,
    device,
    style: options.style,
    stage: 'landing',
    loginAfterViews: options.loginAfterViews,
    views: 0,
    focus: random.pick(catalog.categories),
    cart: [],
    cartId: random.uuid(),
    shopifyShare: device.kind === 'web' ? (options.shopifyShare ?? 0.4) : 0,
  };
  if (options.campaign) session.campaign = options.campaign;
  return session;
}

export function advanceSession(session: Session, ctx: StepContext): StepResult {
  switch (session.kind) {
    case 'web':
      return advanceWeb(session, ctx);
    case 'whatsapp':
      return advanceWhatsapp(session, ctx);
    case 'store':
      return advanceStore(session, ctx);
  }
}

function webTouch(session: WebSession): Touch {
  const { device } = session;
  const touch: Touch = { anonymousId: device.anonymousId, channel: device.kind, device };
  // After a login the SDK persists the user id on the device and sends it with every call.
  if (device.loggedIn) touch.userId = session.shopper.customerId;
  if (session.campaign) touch.campaign = session.campaign;
  return touch;
}

function segment(message: SegmentMessage): DemoAction {
  return { kind: 'segment', message };
}

/** The traits a login form or checkout sends; phone and loyalty card only sometimes. */
export function identityTraits(random: Random, shopper: Shopper): Record<string, unknown> {
  const traits: Record<string, unknown> = {
    email: writtenEmail(random, shopper.email),
    first_name: shopper.firstName,
    last_name: shopper.lastName,
  };
  if (random.chance(0.75)) traits.phone = writtenPhone(random, shopper.phone);
  if (shopper.loyaltyId && random.chance(0.6)) traits.loyalty_id = shopper.loyaltyId;
  return traits;
}

function advanceWeb(session: WebSession, ctx: StepContext): StepResult {
  const { random, now } = ctx;
  const behaviour = BEHAVIOUR[session.style];
  switch (session.stage) {
    case 'landing': {
      session.stage = 'browsing';
      return { actions: [segment(landingCall(session, ctx))], done: false };
    }
    case 'browsing': {
      if (!session.device.loggedIn && session.views >= session.loginAfterViews) {
        session.device.loggedIn = true;
        session.shopper.known = true;
        const touch = webTouch(session);
        return {
          actions: [segment(identifyCall(random, touch, now, identityTraits(random, session.shopper)))],
          done: false,
        };
      }
      if (random.chance(behaviour.leave)) return leave(session);
      if (session.cart.length > 0 && random.chance(behaviour.checkout)) return startCheckout(session, ctx);
      return { actions: [segment(browseCall(session, ctx))], done: false };
    }
    case 'checkout': {
      session.stage = 'done';
      if (!random.chance(behaviour.complete)) return { actions: [], done: true };
      return { actions: [orderAction(session, ctx)], done: true };
    }
    case 'done':
      return { actions: [], done: true };
  }
}

function leave(session: WebSession): StepResult {
  session.stage = 'done';
  return { actions: [], done: true };
}

function landingCall(session: WebSession, ctx: StepContext): SegmentMessage {
  const { random, now } = ctx;
  const touch = webTouch(session);
  if (session.device.kind === 'app') {
    return trackCall(random, touch, now, 'Application Opened', { from_background: false, version: '4.2.1' });
  }
  const campaign = session.campaign;
  const search = campaign
    ? `?utm_source=${campaign.source}&utm_medium=${campaign.medium}&utm_campaign=${campaign.name}&utm_id=${campaign.id}`
    : '';
  return pageCall(random, touch, now, 'Home', {
    path: '/',
    url: `https://shop.example/${search}`,
    search,
    title: 'Home',
    referrer: campaign ? `https://www.${campaign.source}.com/` : '',
  });
}

/** One browsing step: a collection page, a product view, adding the last viewed product, or removing one. */
function browseCall(session: WebSession, ctx: StepContext): SegmentMessage {
  const { random, catalog, now } = ctx;
  const touch = webTouch(session);
  const behaviour = BEHAVIOUR[session.style];
  if (session.lastViewed && random.chance(behaviour.add)) {
    const product = session.lastViewed;
    const quantity = random.chance(0.15) ? 2 : 1;
    session.lastViewed = undefined;
    const existing = session.cart.find((line) => line.product.product_id === product.product_id);
    if (existing) existing.quantity += quantity;
    else session.cart.push({ product, quantity });
    return trackCall(random, touch, now, 'Product Added', {
      cart_id: session.cartId,
      ...productProperties(product, catalog.currency, quantity),
    });
  }
  if (session.cart.length > 1 && random.chance(0.04)) {
    const index = random.int(0, session.cart.length - 1);
    const [line] = session.cart.splice(index, 1);
    return trackCall(random, touch, now, 'Product Removed', {
      cart_id: session.cartId,
      ...productProperties(line!.product, catalog.currency, line!.quantity),
    });
  }
  if (random.chance(0.2)) session.focus = random.pick(catalog.categories);
  if (session.device.kind === 'web' && random.chance(0.15)) {
    const slug = session.focus.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    return pageCall(random, touch, now, 'Collection', {
      path: `/collections/${slug}`,
      url: `https://shop.example/collections/${slug}`,
      title: session.focus,
      category: session.focus,
    });
  }
  const inFocus = catalog.products.filter((product) => product.category === session.focus);
  const product = random.pick(random.chance(0.8) && inFocus.length > 0 ? inFocus : catalog.products);
  session.lastViewed = product;
  session.views += 1;
  return trackCall(random, touch, now, 'Product Viewed', productProperties(product, catalog.currency));
}

function startCheckout(session: WebSession, ctx: StepContext): StepResult {
  const { random, catalog, now } = ctx;
  const actions: DemoAction[] = [];
  // Checkout asks for contact details: a guest is identified by traits alone (no userId).
  if (!session.device.loggedIn) {
    const traits = identityTraits(random, session.shopper);
    actions.push(segment(identifyCall(random, webTouch(session), now, traits)));
  }
  actions.push(
    segment(
      trackCall(random, webTouch(session), now, 'Checkout Started', {
        cart_id: session.cartId,
        value: cartTotal(session.cart),
        currency: catalog.currency,
        products: productsList(session.cart),
      }),
    ),
  );
  session.stage = 'checkout';
  return { actions, done: false };
}

function orderAction(session: WebSession, ctx: StepContext): DemoAction {
  const { random, catalog, now } = ctx;
  if (random.chance(session.shopifyShare)) {
    const input = {
      random,
      now,
      catalog,
      shopper: session.shopper,
      cart: session.cart,
      device: session.device,
    };
    return {
      kind: 'shopify',
      webhook: shopifyOrderWebhook(session.campaign ? { ...input, campaign: session.campaign } : input),
    };
  }
  const revenue = cartTotal(session.cart);
  const shipping = revenue >= 499 ? 0 : 49;
  return segment(
    trackCall(random, webTouch(session), now, 'Order Completed', {
      order_id: `${random.int(100, 999)}-${random.digits(7)}`,
      cart_id: session.cartId,
      revenue,
      subtotal: revenue,
      shipping,
      tax: 0,
      total: revenue + shipping,
      currency: catalog.currency,
      products: productsList(session.cart),
    }),
  );
}

function advanceWhatsapp(session: WhatsappSession, ctx: StepContext): StepResult {
  const { random, now } = ctx;
  const { shopper } = session;
  session.messagesLeft -= 1;
  const address = whatsappAddress(shopper.phone);
  // The WhatsApp bridge knows only the sender's number; it keys the caller by it.
  const touch: Touch = { anonymousId: `wa-${shopper.phone.slice(1)}`, channel: 'whatsapp' };
  const message = trackCall(
    random,
    touch,
    now,
    'Message Received',
    { message_sid: `SM${random.uuid().replace(/-/g, '')}`, body: random.pick(WHATSAPP_TEXTS), from: address },
    { phone: address, name: `${shopper.firstName} ${shopper.lastName}` },
  );
  return { actions: [segment(message)], done: session.messagesLeft <= 0 };
}

function advanceStore(session: StoreSession, ctx: StepContext): StepResult {
  const { random, catalog, now } = ctx;
  const { shopper } = session;
  session.done = true;
  const cart: CartLine[] = [];
  for (let i = random.int(1, 3); i > 0; i--) {
    const product = random.pick(catalog.products);
    const existing = cart.find((line) => line.product.product_id === product.product_id);
    if (existing) existing.quantity += 1;
    else cart.push({ product, quantity: 1 });
  }
  const traits: Record<string, unknown> = {};
  if (shopper.loyaltyId) traits.loyalty_id = shopper.loyaltyId;
  // The cashier asks for a phone number when there is no card, and sometimes anyway.
  if (!shopper.loyaltyId || random.chance(0.5)) traits.phone = writtenPhone(random, shopper.phone);
  const store = random.pick(STORES);
  const touch: Touch = {
    anonymousId: `pos-${shopper.loyaltyId ?? shopper.phone.slice(1)}`,
    channel: 'store',
  };
  const revenue = cartTotal(cart);
  const message = trackCall(
    random,
    touch,
    now,
    'Order Completed',
    {
      order_id: `POS-${store}-${random.digits(8)}`,
      store_id: store,
      revenue,
      total: revenue,
      currency: catalog.currency,
      products: productsList(cart),
      ...(shopper.loyaltyId ? { loyalty_id: shopper.loyaltyId } : {}),
    },
    traits,
  );
  return { actions: [segment(message)], done: true };
}
