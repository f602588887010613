// Webhook sources name the brand in their URL (/webhooks/<source>/:brand_id).
// The URL only claims the brand: the signature checked next proves it, with
// that brand's secret for the source.
import type { MiddlewareHandler } from 'hono';
import type { IngestContext, IngestEnv } from './context';
import { IngestError } from './errors';

export function brandFromUrl<E extends IngestEnv>(
  ctx: Pick<IngestContext, 'brands'>,
): MiddlewareHandler<E, '/:brand_id'> {
  return async (c, next) => {
    const brand = ctx.brands.get(c.req.param('brand_id'));
    if (!brand) throw new IngestError(404, 'unknown_brand', 'no brand with this id');
    c.set('brand', brand);
    await next();
  };
}
