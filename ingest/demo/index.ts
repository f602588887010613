// The demo traffic generator: `createDemoTraffic` for the server's `--demo`
// mode, benchmarks and tests; the pure builders for unit tests and other tools.
export { createDemoTraffic, callLabel, DemoConfigError } from './traffic';
export type { DemoBrand, DemoTraffic, DemoTrafficDeps, DemoTrafficStats } from './traffic';
export { DemoDeliveryError, DemoDrainError, retryAfterMs } from './delivery';
export type { Send } from './delivery';
export { createBrandTraffic } from './brand-traffic';
export type { BrandTraffic, BrandTrafficOptions } from './brand-traffic';
export { advanceSession, startWebSession, identityTraits, CAMPAIGNS } from './journey';
export type { DemoAction, Session, StepContext, StepResult, VisitStyle } from './journey';
export { catalogFor, CATALOG_NAMES } from './catalog';
export type { Catalog, CatalogName, Product } from './catalog';
export { createShopper, addDevice, createIdentitySequence, writtenPhone, whatsappAddress } from './people';
export type { Device, IdentitySequence, Shopper } from './people';
export { batchRequest, identifyCall, pageCall, trackCall, productsList, cartTotal } from './segment';
export type { OutgoingRequest, SegmentMessage, Touch, CartLine } from './segment';
export {
  shopifyOrder,
  shopifyOrderWebhook,
  shopifyRequest,
  shopifySignature,
  SHOPIFY_ORDER_TOPIC,
} from './shopify';
export type { ShopifyWebhook } from './shopify';
export { createSpendLedger, spendRequest, CAMPAIGN_ECONOMICS, VISIT_VALUE } from './spend';
export type { CampaignEconomics, SpendLedger } from './spend';
export { createRandom, deriveSeed } from './random';
export type { Random } from './random';
