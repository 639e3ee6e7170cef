import { z } from 'zod';
import { connection, type ConnectionSource, type Field, GraphQLFieldError, type Operation, project, resolveArgs } from './graphql-doc';
import { gid, graphqlAmount, type Order, parseGid, type ShopStore, SimError, toCents, utc } from './store';

// Root fields of the Admin GraphQL API the channelsync adapter uses, answered in Shopify's shapes.
// Arguments are validated with zod; a mismatch is a top-level error, as Shopify reports invalid variables.

const Gid = z.string().regex(/^gid:\/\/shopify\/\w+\/\d+$/, 'Invalid global id');
const Paging = { first: z.number().int().min(0).optional(), last: z.number().int().optional(), after: z.string().nullish(), before: z.string().nullish() };

const ARGS = {
  orders: z.object({ ...Paging, query: z.string().nullish(), sortKey: z.enum(['CREATED_AT', 'UPDATED_AT', 'ID', 'PROCESSED_AT']).nullish(), reverse: z.literal(false, { message: 'reverse paging is not simulated' }).nullish() }),
  order: z.object({ id: Gid }),
  productVariants: z.object({ ...Paging, query: z.string().nullish() }),
  locations: z.object({ ...Paging }),
  shop: z.object({}),
  inventorySetQuantities: z.object({
    input: z.object({
      name: z.string(),
      reason: z.string(),
      referenceDocumentUri: z.string().nullish(),
      ignoreCompareQuantity: z.boolean().nullish(),
      quantities: z
        .array(
          z.object({
            inventoryItemId: Gid,
            locationId: Gid,
            quantity: z.number().int(),
            changeFromQuantity: z.number().int().nullable().optional(),
            compareQuantity: z.number().int().nullish(),
          }),
        )
        .max(250, 'The input array size of 251 is greater than the maximum allowed of 250.'),
    }),
  }),
  productVariantsBulkUpdate: z.object({
    productId: Gid,
    allowPartialUpdates: z.boolean().nullish(),
    variants: z.array(z.object({ id: Gid, price: z.string().nullish(), compareAtPrice: z.string().nullish() })).max(250),
  }),
  fulfillmentCreate: z.object({
    message: z.string().nullish(),
    fulfillment: z.object({
      notifyCustomer: z.boolean().nullish(),
      trackingInfo: z.object({ company: z.string().nullish(), number: z.string().nullish(), url: z.string().nullish() }).nullish(),
      lineItemsByFulfillmentOrder: z
        .array(
          z.object({
            fulfillmentOrderId: Gid,
            fulfillmentOrderLineItems: z.array(z.object({ id: Gid, quantity: z.number().int() })).nullish(),
          }),
        )
        .min(1),
      originAddress: z.unknown().optional(),
    }),
  }),
  orderCancel: z.object({
    orderId: Gid,
    reason: z.enum(['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF']),
    refund: z.boolean().optional(),
    restock: z.boolean(),
    notifyCustomer: z.boolean().nullish(),
    staffNote: z.string().nullish(),
  }),
} satisfies Record<string, z.ZodType>;

type RootName = keyof typeof ARGS;
const QUERY_ROOTS: RootName[] = ['orders', 'order', 'productVariants', 'locations', 'shop'];
const MUTATION_ROOTS: RootName[] = ['inventorySetQuantities', 'productVariantsBulkUpdate', 'fulfillmentCreate', 'orderCancel'];

/** Side effects the server turns into webhooks. */
export interface MutationEffects {
  ordersUpdated: Order[];
  ordersCancelled: Order[];
  refunds: { orderId: number; refundId: number }[];
}

export function executeOperation(input: {
  store: ShopStore;
  operation: Operation;
  variables: Record<string, unknown>;
  effects: MutationEffects;
}): { data: Record<string, unknown> } {
  const { operation, variables } = input;
  for (const v of operation.variables) {
    if (v.required && (variables[v.name] === undefined || variables[v.name] === null)) {
      throw new GraphQLFieldError(`Variable $${v.name} was provided invalid value`, {
        code: 'INVALID_VARIABLE',
        value: null,
        problems: [{ path: [], explanation: 'Expected value to not be null' }],
      });
    }
  }
  const allowed = operation.type === 'mutation' ? MUTATION_ROOTS : QUERY_ROOTS;
  const data: Record<string, unknown> = {};
  for (const field of operation.selections) {
    const key = field.alias ?? field.name;
    if (field.name === '__typename') {
      data[key] = operation.type === 'mutation' ? 'Mutation' : 'QueryRoot';
      continue;
    }
    if (!(allowed as string[]).includes(field.name)) {
      const typeName = operation.type === 'mutation' ? 'Mutation' : 'QueryRoot';
      throw new GraphQLFieldError(`Field '${field.name}' doesn't exist on type '${typeName}'`, { code: 'undefinedField', typeName, fieldName: field.name });
    }
    const name = field.name as RootName;
    const parsed = ARGS[name].safeParse(resolveArgs(field, variables));
    if (!parsed.success) {
      throw new GraphQLFieldError(`Variable or argument of ${name} was provided invalid value`, {
        code: 'INVALID_VARIABLE',
        problems: parsed.error.issues.map((i) => ({ path: i.path.map(String), explanation: i.message })),
      });
    }
    const value = resolveRoot(input, name, parsed.data as Record<string, unknown>, field);
    data[key] = value;
  }
  return { data };
}

function resolveRoot(ctx: { store: ShopStore; variables: Record<string, unknown>; effects: MutationEffects }, name: RootName, args: Record<string, unknown>, field: Field): unknown {
  const { store, variables } = ctx;
  const answer = (value: unknown) => (field.selections ? project(value, field.selections, variables) : value);
  switch (name) {
    case 'shop':
      return answer({ __typename: 'Shop', name: store.shopDomain.split('.')[0], myshopifyDomain: store.shopDomain, currencyCode: store.currency, ianaTimezone: 'America/New_York' });
    case 'locations':
      return wrapConnection(ctx, field, connection([{ __typename: 'Location', id: gid('Location', store.locationId), name: 'Shop location', isActive: true }]));
    case 'order': {
      const id = parseGid(args.id as string, 'Order');
      const order = id === undefined ? undefined : store.orders.get(id);
      return order ? answer(store.graphqlOrder(order)) : null;
    }
    case 'orders': {
      const filter = orderFilter(typeof args.query === 'string' ? args.query : '');
      const sortKey = (args.sortKey as string | undefined) ?? 'ID';
      const key = (o: Order): [number, number] => [sortKey === 'UPDATED_AT' ? Math.floor(o.updatedAt / 1000) : sortKey === 'ID' ? o.id : Math.floor(o.createdAt / 1000), o.id];
      const items = [...store.orders.values()].filter(filter).sort((a, b) => key(a)[0] - key(b)[0] || a.id - b.id);
      return wrapConnection(ctx, field, connection(items.map((o) => store.graphqlOrder(o)), (node) => {
        const o = store.order(Number((node as { legacyResourceId: string }).legacyResourceId));
        return key(o);
      }));
    }
    case 'productVariants': {
      const skus = skuTerms(typeof args.query === 'string' ? args.query : '');
      const items = [...store.variants.values()].filter((v) => skus === undefined || skus.includes(v.sku)).sort((a, b) => a.variantId - b.variantId);
      return wrapConnection(ctx, field, connection(items.map((v) => store.graphqlVariant(v)), (node) => {
        const id = Number((node as { legacyResourceId: string }).legacyResourceId);
        return [id, id];
      }));
    }
    case 'inventorySetQuantities':
      return answer(setQuantities(ctx, args as z.infer<(typeof ARGS)['inventorySetQuantities']>));
    case 'productVariantsBulkUpdate':
      return answer(bulkUpdatePrices(ctx, args as z.infer<(typeof ARGS)['productVariantsBulkUpdate']>));
    case 'fulfillmentCreate':
      return answer(createFulfillment(ctx, args as z.infer<(typeof ARGS)['fulfillmentCreate']>));
    case 'orderCancel':
      return answer(cancelOrder(ctx, args as z.infer<(typeof ARGS)['orderCancel']>));
  }
}

/** A root connection: slice it with the field's own arguments, then keep the selected fields. */
function wrapConnection<T>(ctx: { variables: Record<string, unknown> }, field: Field, source: ConnectionSource<T>): unknown {
  const holder = { __typename: 'QueryRoot', [field.name]: source };
  const projected = project(holder, [{ ...field, alias: undefined }], ctx.variables) as Record<string, unknown>;
  return projected[field.name];
}

// Shopify search syntax, the subset used here: `updated_at:>='2025-01-01T00:00:00Z' AND status:any`.
function orderFilter(query: string): (o: Order) => boolean {
  const tests: ((o: Order) => boolean)[] = [];
  const term = /(\w+):(>=|<=|>|<)?\s*('([^']*)'|"([^"]*)"|[^\s)]+)/g;
  for (const m of query.matchAll(term)) {
    const [, field, op = '=', raw] = m;
    const value = m[4] ?? m[5] ?? raw!;
    if (field === 'updated_at' || field === 'created_at') {
      const at = Date.parse(value);
      if (Number.isNaN(at)) continue; // Shopify ignores terms it cannot read
      const pick = (o: Order) => Math.floor((field === 'updated_at' ? o.updatedAt : o.createdAt) / 1000) * 1000;
      const cmp = { '>=': (a: number) => a >= at, '<=': (a: number) => a <= at, '>': (a: number) => a > at, '<': (a: number) => a < at, '=': (a: number) => a === at }[op];
      if (cmp) tests.push((o) => cmp(pick(o)));
    } else if (field === 'status' && value !== 'any') {
      tests.push((o) => (value === 'cancelled' ? o.cancelledAt !== null : value === 'closed' ? o.closedAt !== null : o.closedAt === null));
    } else if (field === 'id') {
      tests.push((o) => String(o.id) === value);
    }
  }
  return (o) => tests.every((t) => t(o));
}

function skuTerms(query: string): string[] | undefined {
  const skus = [...query.matchAll(/sku:(?:"((?:\\.|[^"\\])*)"|'([^']*)'|([^\s)]+))/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]!),
  );
  return skus.length ? skus : undefined;
}

function userError(field: string[] | null, message: string, code?: string) {
  return { __typename: 'UserError', field, message, code: code ?? null };
}

function setQuantities(ctx: { store: ShopStore }, args: z.infer<(typeof ARGS)['inventorySetQuantities']>) {
  const { store } = ctx;
  const { input } = args;
  const errors: ReturnType<typeof userError>[] = [];
  if (!['available', 'on_hand'].includes(input.name)) errors.push(userError(['input', 'name'], "The quantity name must be either 'available' or 'on_hand'.", 'INVALID_NAME'));
  const reasons = ['correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled', 'other', 'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage'];
  if (!reasons.includes(input.reason)) errors.push(userError(['input', 'reason'], 'The specified reason is invalid.', 'INVALID_REASON'));
  const variants = [...store.variants.values()];
  const plan = input.quantities.map((q, i) => {
    const variant = variants.find((v) => gid('InventoryItem', v.inventoryItemId) === q.inventoryItemId);
    const locationId = parseGid(q.locationId, 'Location');
    const path = ['input', 'quantities', String(i)];
    if (!variant) errors.push(userError([...path, 'inventoryItemId'], 'The specified inventory item could not be found.', 'INVALID_INVENTORY_ITEM'));
    else if (locationId !== store.locationId) errors.push(userError([...path, 'locationId'], 'The specified location could not be found.', 'INVALID_LOCATION'));
    else if (q.quantity < 0 && input.name === 'on_hand') errors.push(userError([...path, 'quantity'], "The quantity can't be negative.", 'INVALID_QUANTITY_NEGATIVE'));
    else if (q.quantity > 1_000_000_000) errors.push(userError([...path, 'quantity'], "The quantity can't be higher than 1,000,000,000.", 'INVALID_QUANTITY_TOO_HIGH'));
    else if (q.changeFromQuantity === undefined && q.compareQuantity === undefined && !input.ignoreCompareQuantity) {
      errors.push(userError([...path, 'changeFromQuantity'], 'The changeFromQuantity argument must be given to each quantity (pass null to opt out).', 'COMPARE_QUANTITY_REQUIRED'));
    } else {
      const current = variant.available.get(store.locationId) ?? 0;
      const expected = q.changeFromQuantity !== undefined ? q.changeFromQuantity : q.compareQuantity;
      if (!input.ignoreCompareQuantity && expected !== null && expected !== undefined && expected !== current) {
        errors.push(userError([...path, q.changeFromQuantity !== undefined ? 'changeFromQuantity' : 'compareQuantity'], 'The specified compare quantity does not match the current quantity.', q.changeFromQuantity !== undefined ? 'CHANGE_FROM_QUANTITY_STALE' : 'COMPARE_QUANTITY_STALE'));
      }
    }
    return { variant, quantity: q.quantity, before: variant?.available.get(store.locationId) ?? 0 };
  });
  // All or nothing, like Shopify: one bad quantity rejects the whole mutation.
  if (errors.length) return { __typename: 'InventorySetQuantitiesPayload', inventoryAdjustmentGroup: null, userErrors: errors };
  for (const p of plan) p.variant!.available.set(store.locationId, p.quantity);
  return {
    __typename: 'InventorySetQuantitiesPayload',
    inventoryAdjustmentGroup: {
      __typename: 'InventoryAdjustmentGroup',
      id: gid('InventoryAdjustmentGroup', store.nextId('other') + 90_000_000_000),
      createdAt: utc(Date.now()),
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      changes: plan.map((p) => ({ __typename: 'InventoryChange', name: input.name, delta: p.quantity - p.before, quantityAfterChange: p.quantity, item: { __typename: 'InventoryItem', id: gid('InventoryItem', p.variant!.inventoryItemId), sku: p.variant!.sku } })),
    },
    userErrors: [],
  };
}

function bulkUpdatePrices(ctx: { store: ShopStore }, args: z.infer<(typeof ARGS)['productVariantsBulkUpdate']>) {
  const { store } = ctx;
  const productId = parseGid(args.productId, 'Product');
  const variants = [...store.variants.values()];
  if (!variants.some((v) => v.productId === productId)) {
    return { __typename: 'ProductVariantsBulkUpdatePayload', product: null, productVariants: null, userErrors: [userError(['productId'], 'Product does not exist', 'PRODUCT_DOES_NOT_EXIST')] };
  }
  const errors: ReturnType<typeof userError>[] = [];
  const plan = args.variants.map((input, i) => {
    const variant = variants.find((v) => gid('ProductVariant', v.variantId) === input.id);
    if (!variant) errors.push(userError(['variants', String(i), 'id'], 'Product variant does not exist', 'PRODUCT_VARIANT_DOES_NOT_EXIST'));
    else if (variant.productId !== productId) errors.push(userError(['variants', String(i), 'id'], 'Input must be for this product.', 'MUST_BE_FOR_THIS_PRODUCT'));
    let cents: bigint | undefined;
    if (input.price !== undefined && input.price !== null) {
      try {
        cents = toCents(input.price);
        if (cents < 0n) errors.push(userError(['variants', String(i), 'price'], 'Price cannot take a negative value.', 'NEGATIVE_PRICE_VALUE'));
      } catch {
        errors.push(userError(['variants', String(i), 'price'], 'Price is invalid', 'INVALID'));
      }
    }
    return { variant, cents };
  });
  if (errors.length) return { __typename: 'ProductVariantsBulkUpdatePayload', product: null, productVariants: null, userErrors: errors };
  for (const p of plan) if (p.cents !== undefined) p.variant!.priceCents = p.cents;
  return {
    __typename: 'ProductVariantsBulkUpdatePayload',
    product: { __typename: 'Product', id: args.productId },
    productVariants: plan.map((p) => ({ ...store.graphqlVariant(p.variant!), price: graphqlAmount(p.variant!.priceCents) })),
    userErrors: [],
  };
}

function createFulfillment(ctx: { store: ShopStore; effects: MutationEffects }, args: z.infer<(typeof ARGS)['fulfillmentCreate']>) {
  const { store } = ctx;
  const input = args.fulfillment;
  const owners = input.lineItemsByFulfillmentOrder.map((item) => {
    const foId = parseGid(item.fulfillmentOrderId, 'FulfillmentOrder');
    return [...store.orders.values()].find((o) => o.fulfillmentOrders.some((fo) => fo.id === foId));
  });
  const order = owners[0];
  const fail = (message: string) => ({ __typename: 'FulfillmentCreatePayload', fulfillment: null, userErrors: [userError(['fulfillment'], message)] });
  if (!order || owners.some((o) => o !== order)) return fail('Fulfillment orders must belong to the same order and exist.');
  try {
    const fulfillment = store.fulfil(order, {
      items: input.lineItemsByFulfillmentOrder.map((item) => ({
        foId: parseGid(item.fulfillmentOrderId, 'FulfillmentOrder')!,
        lines: item.fulfillmentOrderLineItems?.map((l) => ({ foLineId: parseGid(l.id, 'FulfillmentOrderLineItem') ?? -1, quantity: l.quantity })),
      })),
      company: input.trackingInfo?.company ?? 'Other',
      number: input.trackingInfo?.number ?? '',
      url: input.trackingInfo?.url ?? null,
    });
    ctx.effects.ordersUpdated.push(order);
    return { __typename: 'FulfillmentCreatePayload', fulfillment: store.graphqlFulfillment(fulfillment), userErrors: [] };
  } catch (err) {
    if (err instanceof SimError) return fail(err.message);
    throw err;
  }
}

function cancelOrder(ctx: { store: ShopStore; effects: MutationEffects }, args: z.infer<(typeof ARGS)['orderCancel']>) {
  const id = parseGid(args.orderId, 'Order');
  const order = id === undefined ? undefined : ctx.store.orders.get(id);
  const job = { __typename: 'Job', id: gid('Job', ctx.store.nextId('other') + 95_000_000_000), done: false };
  const fail = (message: string, code: string) => {
    const e = { __typename: 'OrderCancelUserError', field: ['orderId'], message, code };
    return { __typename: 'OrderCancelPayload', job: null, orderCancelUserErrors: [e], userErrors: [{ field: e.field, message }] };
  };
  if (!order) return fail('Order does not exist', 'NOT_FOUND');
  if (order.cancelledAt !== null) return fail('Cannot cancel an order that has already been cancelled', 'INVALID');
  const { refund } = ctx.store.cancel(order.id, { reason: args.reason, restock: args.restock, refund: args.refund ?? false });
  ctx.effects.ordersCancelled.push(order);
  if (refund) ctx.effects.refunds.push({ orderId: order.id, refundId: refund.id });
  return { __typename: 'OrderCancelPayload', job, orderCancelUserErrors: [], userErrors: [] };
}
