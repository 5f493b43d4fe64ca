/**
 * Ingestion throughput (docs/capacity.md, "Writes and reads per event"): events per second through the local HTTP API
 * with four batches of 100 in flight, against conditional PutItems per second on the same engine in
 * the same run (the ratio is the figure to compare across runs), the time the rollups then need to
 * catch up, and the sequential DynamoDB round trips of one batch of 100 for several mixes. Then the
 * demo history (20,000 orders) through the HTTP API the way `npm run import` sends a file: four
 * batches in flight, each record's events in order (tools/import/pipeline.ts).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ingestOverHttp, report } from './stores';

const ENTERPRISES = Number(process.env.BENCH_INGEST_ENTERPRISES ?? 1000);
/** The demo history imported through the HTTP API (0 skips it). */
const DEMO_ORDERS = Number(process.env.BENCH_INGEST_DEMO_ORDERS ?? 20_000);
const ORDERS_PER_ENTERPRISE = 2;
const IN_FLIGHT = 4;
const BATCH = 100;
const INSTITUTION_ID = 990001;

type Envelope = { id: string; type: string; occurredAt: string; data: Record<string, unknown> };

async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const { startLocalStack, DEFAULT_INGEST_API_KEY } = await import('#local/stack');
  const stack = await startLocalStack({ memory: true, port: 0 });
  const { documentClient, tableName } = await import('#shared/db/client');
  const { creditCodeCheckChar } = await import('#shared/reference/credit-code');
  const { ingestEvents } = await import('#shared/financing/ingest');
  const { measureRoundTrips } = await import('#tools/round-trips');

  await documentClient().send(new PutCommand({
    TableName: tableName(),
    Item: {
      pk: `INSTITUTION#${INSTITUTION_ID}`, sk: 'INSTITUTION', entity: 'institution', id: INSTITUTION_ID, type: 'bank', fullName: '基准测试银行',
      shortName: '基准银行', districtCode: '350203', cityCode: '350200', provinceCode: '350000', status: 'enabled', sortOrder: 0,
      specialistCount: 0, version: 1, createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z',
    },
  }));

  let serial = 0;
  const creditCode = () => {
    serial += 1;
    const first17 = `91350203${String(serial).padStart(9, '0')}`;
    return first17 + creditCodeCheckChar(first17);
  };
  const at = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();
  const enterprise = (id: string): Envelope => ({
    id: `${id}-reg`, type: 'enterprise.registered', occurredAt: at(serial),
    data: { enterpriseId: id, name: `基准企业${id}`, creditCode: creditCode(), industry: 'C', districtCode: '350203' },
  });
  const submitted = (orderId: string, enterpriseId: string): Envelope => ({
    id: `${orderId}-sub`, type: 'order.submitted', occurredAt: at(serial + 1), data: { orderId, enterpriseId, requestedAmount: 1_000_000 },
  });
  const accepted = (orderId: string): Envelope => ({
    id: `${orderId}-acc`, type: 'order.accepted', occurredAt: at(serial + 2), data: { orderId, institutionId: INSTITUTION_ID, intendedAmount: 900_000 },
  });

  // Throughput: the enterprises, then their orders, four batches of 100 in flight over HTTP.
  const enterpriseIds = Array.from({ length: ENTERPRISES }, (_, i) => `be${i}`);
  const registrations = enterpriseIds.map(enterprise);
  const submissions = enterpriseIds.flatMap((id) => Array.from({ length: ORDERS_PER_ENTERPRISE }, (_, k) => submitted(`bo${id}-${k}`, id)));
  const send = ingestOverHttp(stack.url, DEFAULT_INGEST_API_KEY);
  const post = async (events: Envelope[]) => {
    const answer = await send(events);
    if (answer.accepted.length !== events.length) throw new Error(`ingest refused events: ${JSON.stringify(answer.rejected.slice(0, 3))}`);
  };
  let started = performance.now();
  await inParallel(batches(registrations), IN_FLIGHT, post);
  await inParallel(batches(submissions), IN_FLIGHT, post);
  const ingestSeconds = (performance.now() - started) / 1000;
  const events = registrations.length + submissions.length;
  started = performance.now();
  await stack.capture.drain(600_000);
  const rollupCatchUpSeconds = (performance.now() - started) / 1000;
  const rollupPending = stack.capture.pending();

  // The store's own pace: conditional PutItems of items of the same size, four in flight.
  const items = submissions.map((event, i) => ({ pk: `BENCHPUT#${i}`, sk: 'ORDER', ...event.data, eventIds: [event.id], version: 1 }));
  started = performance.now();
  await inParallel(items, IN_FLIGHT, async (Item) => {
    await documentClient().send(new PutCommand({ TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(pk)' }));
  });
  const putSeconds = (performance.now() - started) / 1000;
  const eventsPerSecond = events / ingestSeconds;
  const putsPerSecond = items.length / putSeconds;

  // Round trips of one batch of 100, per mix.
  const mixes: Record<string, () => Envelope[]> = {
    enterprises: () => Array.from({ length: 100 }, (_, i) => enterprise(`rt-a${i}`)),
    enterprisesWithOrders: () => Array.from({ length: 50 }, (_, i) => [enterprise(`rt-b${i}`), submitted(`rt-bo${i}`, `rt-b${i}`)]).flat(),
    acceptances: () => Array.from({ length: 100 }, (_, i) => accepted(`bo${enterpriseIds[i]}-0`)),
  };
  const roundTrips: Record<string, number> = {};
  let worst = 0;
  for (const [name, make] of Object.entries(mixes)) {
    const batch = make();
    const { result, roundTrips: measured } = await measureRoundTrips(() => ingestEvents(batch));
    if (result.accepted.length !== batch.length) throw new Error(`mix ${name}: ${JSON.stringify(result.rejected.slice(0, 3))}`);
    roundTrips[`roundTrips_${name}`] = measured.sequential;
    roundTrips[`calls_${name}`] = measured.calls;
    worst = Math.max(worst, measured.sequential);
  }

  // The demo history through the HTTP API, as an import would send it.
  const demo: Record<string, number> = {};
  if (DEMO_ORDERS > 0) {
    const { generateDemoData } = await import('#tools/demo/generate');
    const { loadThroughApi } = await import('#tools/demo/load');
    const description = generateDemoData({ orders: DEMO_ORDERS, seed: 1 });
    const loaded = await loadThroughApi(description, { send: ingestOverHttp(stack.url, DEFAULT_INGEST_API_KEY), concurrency: IN_FLIGHT });
    if (loaded.rejected > 0) throw new Error(`demo import rejected ${loaded.rejected}: ${JSON.stringify(loaded.rejections.slice(0, 3))}`);
    started = performance.now();
    await stack.capture.drain(1_800_000);
    Object.assign(demo, {
      demoEvents: loaded.events,
      demoImportSeconds: Number((loaded.elapsedMs / 1000).toFixed(1)),
      demoEventsPerSecond: Math.round(loaded.events / (loaded.elapsedMs / 1000)),
      demoRollupCatchUpSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    });
  }

  report('ingest', {
    events,
    eventsPerSecond: Math.round(eventsPerSecond),
    conditionalPutsPerSecond: Math.round(putsPerSecond),
    ratioToPutItem: Number((eventsPerSecond / putsPerSecond).toFixed(2)),
    'goal ratio ≥ 0.5': eventsPerSecond / putsPerSecond >= 0.5 ? 'pass' : 'FAIL',
    secondsPerBatch: Number((ingestSeconds / Math.ceil(events / BATCH) * IN_FLIGHT).toFixed(2)),
    rollupCatchUpSeconds: Number(rollupCatchUpSeconds.toFixed(1)),
    rollupPending,
    ...roundTrips,
    'goal round trips ≤ 6': worst <= 6 ? 'pass' : 'FAIL',
    ...demo,
  });
  await stack.stop();
}

await main();
