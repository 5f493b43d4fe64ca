/**
 * Reads behind 督办 (docs/data-model.md, "Overdue demands"): the open-demand counters the rollup keeps
 * (shared/rollups/open-demands.ts) and the open-demand index the orders carry (shared/db/keys.ts,
 * `openDemandIndexKeys`). Every function is one Query (the list: a few, bounded), whatever the number
 * of orders: the counters' partitions hold a region's children × recent days, the index's the orders
 * that are waiting right now, read a page at a time.
 */
import { tableName } from './client';
import { filteredPage, invalidCursor, parseCursor, type FilteredPage } from './cursor';
import { queryAll } from './expressions';
import { openCounterPartition, openDemandPartition, openInstitutionPartition } from './keys';

export interface Figures {
  count: number;
  amount: number;
}

/** A child's open-demand counters in one partition: every waiting order, those since each recent day, those that stopped today. */
export interface ChildCounters {
  waiting: Figures;
  /** Start day (`yyyymmdd`) → the orders still waiting that started on it (recent days). */
  since: Map<string, Figures>;
  /** Orders that stopped waiting today: all of them, and by start day. */
  closedToday: number;
  closedTodayByStart: Map<string, number>;
}

const emptyChild = (): ChildCounters => ({ waiting: { count: 0, amount: 0 }, since: new Map(), closedToday: 0, closedTodayByStart: new Map() });
const figures = (item: Record<string, unknown>): Figures => ({ count: Number(item.count ?? 0), amount: Number(item.amount ?? 0) });

/**
 * A region's open-demand counters of one waiting state, per child: two Queries side by side, one for
 * every waiting order and those that started since `fromDay`, one for those that stopped `today`
 * after starting on `fromDay` or later.
 */
export async function readOpenCounters(parentCode: string, state: 'submitted' | 'docking', fromDay: string, today: string): Promise<Map<string, ChildCounters>> {
  const pk = openCounterPartition(parentCode, state);
  const [open, closed] = await Promise.all([
    queryAll({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': `D${fromDay}`, ':to': 'T#~' },
    }),
    queryAll({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': `C${today}#${fromDay}`, ':to': `C${today}#T#~` },
    }),
  ]);
  const children = new Map<string, ChildCounters>();
  const child = (code: string) => {
    let entry = children.get(code);
    if (!entry) children.set(code, (entry = emptyChild()));
    return entry;
  };
  for (const item of open) {
    const sk = String(item.sk);
    if (sk.startsWith('T#')) child(sk.slice(2)).waiting = figures(item);
    else child(sk.slice(10)).since.set(sk.slice(1, 9), figures(item)); // D<yyyymmdd>#<child>
  }
  for (const item of closed) {
    const [day, start, code] = String(item.sk).slice(1).split('#') as [string, string, string];
    if (day !== today) continue;
    if (start === 'T') child(code).closedToday = Number(item.count ?? 0);
    else child(code).closedTodayByStart.set(start, Number(item.count ?? 0));
  }
  return children;
}

/** Per institution inside a scope: every accepted order waiting for a decision and those accepted since `fromDay`. One Query. */
export async function readOpenInstitutionCounters(scopeCode: string, fromDay: string): Promise<Map<number, { waiting: Figures; since: Map<string, Figures> }>> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': openInstitutionPartition(scopeCode), ':from': `D${fromDay}`, ':to': 'T#~' },
  });
  const institutions = new Map<number, { waiting: Figures; since: Map<string, Figures> }>();
  for (const item of items) {
    const sk = String(item.sk);
    const id = Number(sk.startsWith('T#') ? sk.slice(2) : sk.slice(10));
    let entry = institutions.get(id);
    if (!entry) institutions.set(id, (entry = { waiting: { count: 0, amount: 0 }, since: new Map() }));
    if (sk.startsWith('T#')) entry.waiting = figures(item);
    else entry.since.set(sk.slice(1, 9), figures(item));
  }
  return institutions;
}

// ---- the list of overdue demands ------------------------------------------------------------------

export interface OpenDemandQuery {
  state: 'submitted' | 'docking';
  /** The region's index partition: the nation, a province or a city (a district reads its city's and filters). */
  level: 'nation' | 'province' | 'city';
  code: string;
  districtCode?: string;
  /** Only orders that started waiting before this instant (ISO-8601): the overdue ones. */
  before: string;
  keyword?: string;
  institutionId?: number;
  /** `asc`: longest waiting first (default); `desc`: most recently overdue first. */
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

const PROJECTION = ['pk', 'sk', 'orderId', 'enterpriseId', 'enterpriseName', 'districtCode', 'cityCode', 'provinceCode', 'requestedAmount', 'submittedAt', 'acceptedAt', 'institutionId', 'institutionName', 'intendedAmount', 'status', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'];

const SORT_KEY = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[A-Za-z0-9._:-]{1,64}$/;

/** A cursor is good only for the list it came from: the same partition, a real order key. */
function decodeCursor(text: string, index: string, pk: string): Record<string, string> {
  const key = parseCursor(text);
  const sort = key[`${index}sk`];
  const orderKey = typeof key.pk === 'string' ? /^ORDER#([A-Za-z0-9._:-]{1,64})$/.exec(key.pk) : null;
  if (!orderKey || key.sk !== 'ORDER' || key[`${index}pk`] !== pk || typeof sort !== 'string' || !SORT_KEY.test(sort) || !sort.endsWith(`#${orderKey[1]}`)) invalidCursor();
  return { pk: key.pk as string, sk: 'ORDER', [`${index}pk`]: pk, [`${index}sk`]: sort };
}

/**
 * One page of the overdue demands of a region and state: the index partition's orders that started
 * waiting before `before`, filtered by DynamoDB (district, enterprise name, institution), in waiting
 * order (`filteredPage`: at most ten Queries; `nextCursor` goes on exactly after the last row).
 */
export async function queryOverdueDemands(query: OpenDemandQuery): Promise<FilteredPage> {
  const partition = openDemandPartition(query.state, query.level, query.code);
  const sortKey = `${partition.index}sk`;
  const clauses: string[] = [];
  const values: Record<string, unknown> = { ':pk': partition.pk, ':before': query.before };
  if (query.districtCode) {
    clauses.push('districtCode = :district');
    values[':district'] = query.districtCode;
  }
  if (query.keyword) {
    clauses.push('contains(enterpriseName, :keyword)');
    values[':keyword'] = query.keyword;
  }
  if (query.institutionId !== undefined) {
    clauses.push('institutionId = :institution');
    values[':institution'] = query.institutionId;
  }
  const names = Object.fromEntries(PROJECTION.map((name, i) => [`#p${i}`, name]));
  return filteredPage(
    {
      TableName: tableName(),
      IndexName: partition.index,
      KeyConditionExpression: `${partition.index}pk = :pk AND ${sortKey} < :before`,
      ...(clauses.length > 0 ? { FilterExpression: clauses.join(' AND ') } : {}),
      ProjectionExpression: Object.keys(names).join(', '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: query.order === 'asc',
    },
    {
      limit: query.limit,
      ...(query.cursor ? { startKey: decodeCursor(query.cursor, partition.index, partition.pk) } : {}),
      keyOf: (row) => ({ pk: row.pk, sk: row.sk, [`${partition.index}pk`]: partition.pk, [sortKey]: row[sortKey] }),
    },
  );
}
