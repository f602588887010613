// How the composition root hands dependencies to the SvelteKit server code.
// The SvelteKit build bundles its own copy of this module, so the hand-over
// goes through one global slot under a registered symbol that both copies
// name, set once by ingest/main.ts before the first request.
import type { BrandRegistry } from '../../../ingest/brands/types';
import type { Importer } from '../../../ingest/import/importer';
import type { WarehouseReader } from '../../../ingest/warehouse/types';
import type { AlertCommand } from '../shared/alert-rules';
import type { IdentityCommand } from '../shared/events';

/** Where operators' identity decisions go: the processor applies them in order with the brand's events. */
export interface IdentityCommandSender {
  /** Resolves once the bus has the command; rejects when it could not take it (retrying may help). */
  send(command: IdentityCommand): Promise<void>;
}

/** Where operators' alert decisions (acknowledge, silence, unsilence) go, like identity commands. */
export interface AlertCommandSender {
  /** Resolves once the bus has the command; rejects when it could not take it (retrying may help). */
  send(command: AlertCommand): Promise<void>;
}

export interface DashboardContext {
  warehouse: WarehouseReader;
  brands: BrandRegistry;
  commands: IdentityCommandSender;
  alertCommands: AlertCommandSender;
  /** CSV imports: the Imports page lists them; uploads go through /api/v1/imports. */
  importer: Importer;
  /** Signs and verifies session cookies. */
  sessionSecret: string;
  /** The base URL providers are configured with (config `publicUrl`, no trailing slash). */
  publicUrl: string;
  /** True when served over https (cookies get `Secure`). */
  secureCookies: boolean;
}

const SLOT = Symbol.for('signalroom.dashboard-context');
type Slot = { [SLOT]?: DashboardContext };

export function provideDashboardContext(context: DashboardContext): void {
  (globalThis as Slot)[SLOT] = context;
}

export function dashboardContext(): DashboardContext {
  const context = (globalThis as Slot)[SLOT];
  if (!context) throw new Error('dashboard context missing: start the dashboard through ingest/main.ts');
  return context;
}
