// Mapped CSV rows → InboundEvents, with every refusal as a row error.
//   customers  one row = one identify event (traits: names, city, country)
//   orders     one order = one order_completed event; its rows, one per line
//              item, follow each other (as Shopify and WooCommerce export
//              them); an error in any row refuses the whole order
//   events     one row = one event, typed by its name like a Segment track call
//   spend      one row = one ad spend report, not an event (map-spend.ts)
// source_event_id makes a row's event the same every time the row is read,
// so a resumed or repeated import is dropped by the processor's dedupe:
//   orders → `order:<order id>`; events → `event:<message id>` when mapped;
//   otherwise the hash of the row's mapped values.
import { hash } from 'node:crypto';
import {
  EVENT_TYPES,
  type Campaign,
  type EventType,
  type Identifiers,
  type InboundEvent,
  type LineItem,
} from '../../src/lib/shared/events';
import type { AdSpend } from '../../src/lib/shared/campaigns';
import type { ImportKind, ImportRowError } from '../../src/lib/shared/imports';
import { trackEventType } from '../http/tracking/map-segment';
import { createSpendMapper } from './map-spend';
import {
  parseAmount,
  parseChannel,
  parseCurrency,
  parsePrice,
  parseQuantity,
  parseTime,
  type Parsed,
} from './values';

/** One data row: its spreadsheet row number, its mapped fields' cells (trimmed; empty cells left out) and the row as read. */
export interface MappedRow {
  row: number;
  cells: Readonly<Record<string, string>>;
  raw: readonly string[];
}

/** A row error with the row as read, so the report can be fixed in a spreadsheet and imported again. */
export interface RowError extends ImportRowError {
  raw: readonly string[];
}

/** More line items than this in one order is a file whose order ids are wrong, not an order. */
export const MAX_ORDER_ROWS = 1000;

/** What rows become: an event, or for the `spend` kind an ad spend report. */
export type MappedEvent =
  | {
      event: InboundEvent;
      spend?: never;
      /** The rows it came from (several for an order with several lines). */
      rows: number;
    }
  | { spend: AdSpend; event?: never; rows: number };

export interface MapOutput {
  events: MappedEvent[];
  errors: RowError[];
}

export interface RowMapperMeta {
  brand_id: string;
  import_id: string;
  /** The file's name (kept on each event's properties). */
  file_name: string;
  newId: () => string;
  /** The import's clock: events' received_at, and "now" for refusing future dates. */
  now: () => Date;
}

export interface RowMapper {
  /** Takes the next row; returns what it completed (an order completes when the next one starts). */
  push(row: MappedRow): MapOutput;
  /**
   * A row before the checkpoint a resumed import starts from: not mapped again (it was
   * published), but remembered where the mapping depends on earlier rows (spend keys).
   */
  recall(row: MappedRow): void;
  /** The end of the file: completes the order in progress. */
  end(): MapOutput;
  /** The first row not yet completed (an order still open), or null: a checkpoint must not pass it. */
  openFrom(): number | null;
  /** How many rows the open order holds (0 when none is open). */
  openRowCount(): number;
}

const IDENTIFIER_FIELDS = ['user_id', 'email', 'phone', 'loyalty_id', 'anonymous_id', 'device_id'] as const;

type RowErrors = RowError[];

/** Reads a field through a parser; a refusal becomes a row error. Absent cells give undefined. */
function read<T>(
  row: MappedRow,
  field: string,
  parse: (raw: string) => Parsed<T>,
  errors: RowErrors,
  columns: Readonly<Record<string, string>>,
): T | undefined {
  const raw = row.cells[field];
  if (raw === undefined) return undefined;
  const parsed = parse(raw);
  if (parsed.ok) return parsed.value;
  errors.push({
    row: row.row,
    column: columns[field] ?? field,
    value: raw,
    error: parsed.error,
    raw: row.raw,
  });
  return undefined;
}

function identifiersOf(row: MappedRow): Identifiers {
  const identifiers: Identifiers = {};
  for (const field of IDENTIFIER_FIELDS) {
    const value = row.cells[field];
    if (value !== undefined) identifiers[field] = value;
  }
  return identifiers;
}

function campaignOf(row: MappedRow): Campaign | undefined {
  const campaign: Campaign = {};
  if (row.cells['utm_source'] !== undefined) campaign.source = row.cells['utm_source'];
  if (row.cells['utm_medium'] !== undefined) campaign.medium = row.cells['utm_medium'];
  if (row.cells['utm_campaign'] !== undefined) campaign.name = row.cells['utm_campaign'];
  return Object.keys(campaign).length > 0 ? campaign : undefined;
}

/** A stable id from a row's mapped values: the same row gives the same id in any file, at any position. */
function contentId(kind: ImportKind, cells: Readonly<Record<string, string>>): string {
  const fields = Object.keys(cells).sort();
  const text = [kind, ...fields.map((field) => `${field}=${cells[field]}`)].join('\u001f');
  return hash('sha256', text, 'base64url').slice(0, 27);
}

const SNAKE_TYPES = new Set<string>(EVENT_TYPES.filter((type) => type !== 'custom' && type !== 'identify'));

/** "Product Viewed" (Segment's spec name) or `product_viewed` (ours); anything else is custom. */
function typeOfEventName(name: string): EventType {
  const type = trackEventType(name);
  if (type !== 'custom') return type;
  return SNAKE_TYPES.has(name) ? (name as EventType) : 'custom';
}

export function createRowMapper(
  kind: ImportKind,
  columns: Readonly<Record<string, string>>,
  meta: RowMapperMeta,
): RowMapper {
  if (kind === 'spend') return createSpendMapper(columns, meta);
  const nowMs = () => meta.now().getTime();
  const parseTimeNow = (raw: string) => parseTime(raw, nowMs());

  const base = (row: MappedRow, rows: number) => ({
    brand_id: meta.brand_id,
    event_id: meta.newId(),
    source: 'csv' as const,
    received_at: meta.now().toISOString(),
    traits: {},
    properties: { import_id: meta.import_id, file: meta.file_name, row: row.row, rows },
  });

  const needsIdentifier = (row: MappedRow, errors: RowErrors, what: string) => {
    if (IDENTIFIER_FIELDS.some((field) => row.cells[field] !== undefined)) return;
    errors.push({
      row: row.row,
      column: '',
      value: '',
      error: `${what} has no identifier: it needs a customer id, email, phone or loyalty id`,
      raw: row.raw,
    });
  };

  function customer(row: MappedRow): MapOutput {
    const errors: RowErrors = [];
    needsIdentifier(row, errors, 'the customer');
    const at = read(row, 'occurred_at', parseTimeNow, errors, columns);
    if (errors.length > 0) return { events: [], errors };
    const traits: Record<string, string> = {};
    for (const field of ['first_name', 'last_name', 'name', 'city', 'country', 'email', 'phone'] as const) {
      const value = row.cells[field];
      if (value !== undefined) traits[field] = value;
    }
    const event: InboundEvent = {
      ...base(row, 1),
      source_event_id: `customer:${contentId(kind, row.cells)}`,
      type: 'identify',
      name: 'Customer Imported',
      channel: 'server',
      // Without a "created" column the import's own time: the customer is known from now on.
      timestamp: new Date(at ?? nowMs()).toISOString(),
      identifiers: identifiersOf(row),
      traits,
      commerce: {},
      context: {},
    };
    return { events: [{ event, rows: 1 }], errors: [] };
  }

  function trackedEvent(row: MappedRow): MapOutput {
    const errors: RowErrors = [];
    needsIdentifier(row, errors, 'the event');
    const name = row.cells['event'];
    if (name === undefined)
      errors.push({
        row: row.row,
        column: columns['event'] ?? 'event',
        value: '',
        error: 'the event name is empty',
        raw: row.raw,
      });
    const at = read(row, 'occurred_at', parseTimeNow, errors, columns);
    if (at === undefined && row.cells['occurred_at'] === undefined)
      errors.push({
        row: row.row,
        column: columns['occurred_at'] ?? '',
        value: '',
        error: 'the time is empty',
        raw: row.raw,
      });
    const revenue = read(row, 'revenue', parseAmount, errors, columns);
    const currency = read(row, 'currency', parseCurrency, errors, columns);
    const channel = read(row, 'channel', parseChannel, errors, columns);
    if (errors.length > 0 || name === undefined || at === undefined) return { events: [], errors };
    const messageId = row.cells['message_id'];
    const campaign = campaignOf(row);
    const event: InboundEvent = {
      ...base(row, 1),
      source_event_id: messageId !== undefined ? `event:${messageId}` : `event:${contentId(kind, row.cells)}`,
      type: typeOfEventName(name),
      name,
      channel: channel ?? 'web',
      timestamp: new Date(at).toISOString(),
      identifiers: identifiersOf(row),
      commerce: definedOnly({
        order_id: row.cells['order_id'],
        revenue,
        currency,
        category: row.cells['category'],
        product_id: row.cells['product_id'],
      }),
      context: campaign ? { campaign } : {},
    };
    return { events: [{ event, rows: 1 }], errors: [] };
  }

  // ---- orders: consecutive rows with one order id are one order ----
  interface OpenOrder {
    orderId: string;
    first: MappedRow;
    rows: MappedRow[];
    items: LineItem[];
    lineTotal: number;
    errors: RowErrors;
    /** More rows than MAX_ORDER_ROWS: refused whole. */
    tooLong: boolean;
  }
  let open: OpenOrder | null = null;

  function addLine(order: OpenOrder, row: MappedRow): void {
    const quantity = read(row, 'quantity', parseQuantity, order.errors, columns) ?? 1;
    const price = read(row, 'price', parsePrice, order.errors, columns);
    const productId = row.cells['product_id'];
    if (productId === undefined) {
      if (price !== undefined) order.lineTotal += price * quantity;
      return;
    }
    if (price === undefined && columns['price'] !== undefined && row.cells['price'] === undefined) {
      order.errors.push({
        row: row.row,
        column: columns['price'],
        value: '',
        error: `product ${productId} has no unit price`,
        raw: row.raw,
      });
      return;
    }
    order.items.push(
      definedOnly({
        product_id: productId,
        name: row.cells['product_name'],
        category: row.cells['category'],
        price: price ?? 0,
        quantity,
      }),
    );
    order.lineTotal += (price ?? 0) * quantity;
  }

  function closeOrder(order: OpenOrder): MapOutput {
    const { first } = order;
    const errors = order.errors;
    const at = read(first, 'occurred_at', parseTimeNow, errors, columns);
    if (first.cells['occurred_at'] === undefined)
      errors.push({
        row: first.row,
        column: columns['occurred_at'] ?? '',
        value: '',
        error: 'the order time is empty',
        raw: first.raw,
      });
    const total = read(first, 'total', parseAmount, errors, columns);
    const currency = read(first, 'currency', parseCurrency, errors, columns);
    const channel = read(first, 'channel', parseChannel, errors, columns);
    if (order.tooLong)
      errors.push({
        row: first.row,
        column: columns['order_id'] ?? 'order_id',
        value: order.orderId,
        error: `order ${order.orderId} has more than ${MAX_ORDER_ROWS} rows: are the order ids right?`,
        raw: first.raw,
      });
    const revenue = total ?? (order.items.length > 0 || order.lineTotal > 0 ? order.lineTotal : undefined);
    if (revenue === undefined && errors.length === 0)
      errors.push({
        row: first.row,
        column: columns['total'] ?? '',
        value: '',
        error: `order ${order.orderId} has no total and no line prices`,
        raw: first.raw,
      });
    if (errors.length > 0 || at === undefined || revenue === undefined) {
      // The order is refused whole: its other rows say why they were not imported either.
      const failed = new Set(errors.map((e) => e.row));
      const firstBad = Math.min(...failed);
      for (const row of order.rows)
        if (!failed.has(row.row))
          errors.push({
            row: row.row,
            column: columns['order_id'] ?? 'order_id',
            value: order.orderId,
            error: `not imported: order ${order.orderId} has an error in row ${firstBad}`,
            raw: row.raw,
          });
      errors.sort((a, b) => a.row - b.row);
      return { events: [], errors };
    }
    const campaign = campaignOf(first);
    const category = order.items.find((item) => item.category !== undefined)?.category;
    const event: InboundEvent = {
      ...base(first, order.rows.length),
      source_event_id: `order:${order.orderId}`,
      type: 'order_completed',
      name: 'Order Completed',
      channel: channel ?? 'web',
      timestamp: new Date(at).toISOString(),
      identifiers: identifiersOf(first),
      commerce: definedOnly({
        order_id: order.orderId,
        revenue,
        currency,
        category,
        items: order.items.length > 0 ? order.items : undefined,
      }),
      context: campaign ? { campaign } : {},
    };
    return { events: [{ event, rows: order.rows.length }], errors: [] };
  }

  function orderRow(row: MappedRow): MapOutput {
    const orderId = row.cells['order_id'];
    if (orderId === undefined) {
      return {
        events: [],
        errors: [
          {
            row: row.row,
            column: columns['order_id'] ?? 'order_id',
            value: '',
            error: 'the order id is empty',
            raw: row.raw,
          },
        ],
      };
    }
    if (open && open.orderId === orderId) {
      if (open.rows.length >= MAX_ORDER_ROWS) {
        // Kept out of the open order, so a file of one endless order still reads in bounded memory.
        open.tooLong = true;
        const error = `not imported: order ${orderId} has more than ${MAX_ORDER_ROWS} rows`;
        return {
          events: [],
          errors: [
            { row: row.row, column: columns['order_id'] ?? 'order_id', value: orderId, error, raw: row.raw },
          ],
        };
      }
      open.rows.push(row);
      addLine(open, row);
      return { events: [], errors: [] };
    }
    const done = open ? closeOrder(open) : { events: [], errors: [] };
    open = { orderId, first: row, rows: [row], items: [], lineTotal: 0, errors: [], tooLong: false };
    addLine(open, row);
    return done;
  }

  const none: MapOutput = { events: [], errors: [] };
  return {
    push(row) {
      if (kind === 'customers') return customer(row);
      if (kind === 'events') return trackedEvent(row);
      return orderRow(row);
    },
    // An order open at a checkpoint is read again whole (openFrom); nothing else depends on earlier rows.
    recall() {},
    end() {
      if (!open) return none;
      const done = closeOrder(open);
      open = null;
      return done;
    },
    openFrom: () => open?.first.row ?? null,
    openRowCount: () => open?.rows.length ?? 0,
  };
}

function definedOnly<T extends object>(object: T): T {
  const result: Record<string, unknown> = {};
  for (const key in object) {
    const value = object[key];
    if (value !== undefined) result[key] = value;
  }
  return result as T;
}
