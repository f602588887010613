// The session codec for the SvelteKit side, built from the context main.ts
// provided (and rebuilt only if the secret changes, as in tests).
import { dashboardContext } from './context';
import { createSessionCodec, type SessionCodec } from './session';

let cached: { secret: string; codec: SessionCodec } | undefined;

export function dashboardSessions(): SessionCodec {
  const { sessionSecret } = dashboardContext();
  if (cached?.secret !== sessionSecret)
    cached = { secret: sessionSecret, codec: createSessionCodec(sessionSecret) };
  return cached.codec;
}
