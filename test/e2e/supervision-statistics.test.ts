/**
 * 督办 and 数据质量 counts against an independent recomputation. A generated history (orders in 福建,
 * 广东 and 北京 from November 2025 to January 2027, some accepted by a disabled institution, loans far
 * above intent, repeated credit codes, retired districts, events sent weeks late) is sent through the
 * ingestion API as it happens, on a clock the test moves (vitest's fake Date). At checkpoints around
 * every holiday of 2026 — 元旦 and its make-up Sunday, 春节 and its two make-up Saturdays, 清明, 劳动节
 * and its make-up Saturday, 端午, the make-up Sunday before 中秋, 国庆 and its make-up Saturday — and
 * in January 2027 (no published arrangement: weekends only), every figure the three roles can read is
 * compared with a computation here from the events alone and a calendar written out by hand:
 * overdue, yesterday's figure and the change for both rules in the scope and every child region, the
 * institutions' ranking, the overdue lists (every page, waiting working days included) and the
 * 数据质量 counts by rule, checked included, and their months.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';
import { DEFAULT_INGEST_API_KEY } from '#local/stack';
import { createInstitution } from '#shared/db/institutions';
import { childRegions } from '#shared/reference/regions';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { loginWithPassword, useLocalStack } from './harness';

const client = useLocalStack({ capture: { batchSize: 17, batchWindowMs: 2 } });

// ---- an independent calendar ----------------------------------------------------------------------

const DAY = 86_400_000;
const HOUR = 3_600_000;
const range = (from: string, to: string) => {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
};
/** The State Council's arrangements for 2025 and 2026, typed out again here. 2027: none yet. */
const DAYS_OFF = new Set([
  ...range('2025-01-01', '2025-01-01'), ...range('2025-01-28', '2025-02-04'), ...range('2025-04-04', '2025-04-06'), ...range('2025-05-01', '2025-05-05'),
  ...range('2025-05-31', '2025-06-02'), ...range('2025-10-01', '2025-10-08'),
  ...range('2026-01-01', '2026-01-03'), ...range('2026-02-15', '2026-02-23'), ...range('2026-04-04', '2026-04-06'), ...range('2026-05-01', '2026-05-05'),
  ...range('2026-06-19', '2026-06-21'), ...range('2026-09-25', '2026-09-27'), ...range('2026-10-01', '2026-10-07'),
]);
const DAYS_WORKED = new Set(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11', '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
const isWorkday = (day: string) => DAYS_WORKED.has(day) || (!DAYS_OFF.has(day) && ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()));
/** The China day (`yyyy-mm-dd`) of an instant. */
const chinaDay = (time: number) => new Date(time + 8 * HOUR).toISOString().slice(0, 10);
const nextDay = (day: string, n = 1) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const workdaysBetween = (from: string, to: string) => {
  let count = 0;
  for (let day = nextDay(from); day < to; day = nextDay(day)) if (isWorkday(day)) count += 1;
  return count;
};
const daysBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) - 1);
const overdueOn = (rule: Rule, openDay: string, today: string) => (rule === 'acceptance' ? workdaysBetween(openDay, today) >= 3 : daysBetween(openDay, today) >= 30);

// ---- the history ----------------------------------------------------------------------------------

type Rule = 'acceptance' | 'decision';
type RoleName = 'national' | 'province' | 'city';

/** mulberry32: a small seeded generator, so the history is the same on every run. */
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(20261128);
const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

/** China time `yyyy-mm-dd HH:MM` → instant. */
const cst = (text: string) => Date.parse(`${text.replace(' ', 'T')}:00+08:00`);

const CHECKPOINTS = [
  '2026-01-05 10:00', '2026-02-13 16:00', '2026-02-14 11:00', '2026-02-24 09:30', '2026-02-27 18:30', '2026-03-02 10:00', '2026-04-07 18:30',
  '2026-05-06 10:00', '2026-05-09 15:00', '2026-05-11 18:30', '2026-06-22 18:30', '2026-09-21 10:00', '2026-09-28 10:00', '2026-10-08 10:00',
  '2026-10-10 16:00', '2026-10-12 18:30', '2027-01-04 10:00',
].map(cst);
const START = cst('2025-11-03 09:00');
const END = CHECKPOINTS.at(-1)!;

const PLACE: Record<string, { city: string; province: string; counted?: string }> = {
  '350203': { city: '350200', province: '350000' },
  '350206': { city: '350200', province: '350000' },
  '350102': { city: '350100', province: '350000' },
  '440106': { city: '440100', province: '440000' },
  '110105': { city: '110100', province: '110000' },
  // Retired: 开元区 counts in 思明区.
  '350204': { city: '350200', province: '350000', counted: '350203' },
};
const DISTRICTS = ['350203', '350203', '350206', '350102', '440106', '110105'];

const INSTITUTIONS = [
  { key: 'xiamen', fullName: '厦门统计督办银行', districtCode: '350203', status: 'enabled' },
  { key: 'guangzhou', fullName: '广州统计督办银行', districtCode: '440106', status: 'enabled' },
  { key: 'disabled', fullName: '福州统计督办停用银行', districtCode: '350102', status: 'disabled' },
] as const;
const institutionIds = new Map<string, number>();

interface Sent {
  id: string;
  type: string;
  occurredAt: number;
  receivedAt: number;
  data: Record<string, unknown>;
}

interface OrderStory {
  orderId: string;
  district: string;
  amount: number;
  submittedAt: number;
  acceptedAt?: number;
  institution?: string;
  intended?: number;
  closedAt?: number;
  closeType?: 'order.loaned' | 'order.rejected' | 'order.withdrawn';
  loanAmount?: number;
}

const enterprises: { id: string; name: string; code: string; district: string; registeredAt: number }[] = [];
const stories: OrderStory[] = [];
const sent: Sent[] = [];
const receipt = (occurredAt: number) => Math.ceil(occurredAt / HOUR) * HOUR;

function officeInstant(time: number): number {
  const day = chinaDay(time);
  return cst(`${day} 09:00`) + Math.floor(random() * 9 * 60) * 60_000;
}

function buildHistory(): void {
  let serial = 0;
  for (let i = 0; i < 150; i += 1) {
    const submittedAt = officeInstant(START + random() * (END - START - DAY));
    let district = pick(DISTRICTS);
    serial += 1;
    const first17 = `91350203${String(600_000_000 + serial).padStart(9, '0')}`;
    let code = first17 + creditCodeCheckChar(first17);
    let name = `统计督办企业${serial}有限公司`;
    const draw = random();
    if (draw < 0.06 && enterprises.length > 3) {
      // Registered again under another enterprise's code, with another name (数据质量).
      const earlier = pick(enterprises.filter((e) => e.registeredAt < submittedAt - 3 * DAY));
      if (earlier) {
        code = earlier.code;
        district = earlier.district;
        name = `${earlier.name.replace('有限公司', '')}更名有限公司`;
      }
    } else if (draw < 0.1) {
      district = '350204';
    }
    const enterpriseId = `ss-e${serial}`;
    const registeredAt = submittedAt - DAY;
    enterprises.push({ id: enterpriseId, name, code, district, registeredAt });
    sent.push({ id: `${enterpriseId}-r`, type: 'enterprise.registered', occurredAt: registeredAt, receivedAt: receipt(registeredAt), data: { enterpriseId, name, creditCode: code, industry: 'C', districtCode: district } });
    const counted = PLACE[district]!.counted ?? district;
    const story: OrderStory = { orderId: `ss-o${i}`, district: counted, amount: (1 + Math.floor(random() * 90)) * 10_000, submittedAt };
    stories.push(story);
    sent.push({ id: `${story.orderId}-s`, type: 'order.submitted', occurredAt: submittedAt, receivedAt: receipt(submittedAt), data: { orderId: story.orderId, enterpriseId, requestedAmount: story.amount } });
    if (random() < 0.78) {
      // Accepted after a few days: some inside three working days, many not, around every holiday.
      const acceptedAt = officeInstant(submittedAt + Math.floor(random() * 12) * DAY + DAY / 2);
      if (acceptedAt > END) continue;
      const province = PLACE[counted]!.province;
      const institution = random() < 0.08 ? 'disabled' : province === '440000' ? 'guangzhou' : province === '350000' ? 'xiamen' : pick(['xiamen', 'guangzhou']);
      Object.assign(story, { acceptedAt, institution, intended: Math.round(story.amount * 0.8) });
      sent.push({ id: `${story.orderId}-a`, type: 'order.accepted', occurredAt: acceptedAt, receivedAt: receipt(acceptedAt), data: { orderId: story.orderId, institutionId: institutionIds.get(institution), intendedAmount: story.intended } });
      if (random() < 0.7) {
        const closedAt = officeInstant(acceptedAt + (1 + Math.floor(random() * 60)) * DAY);
        if (closedAt > END) continue;
        const type = pick(['order.loaned', 'order.loaned', 'order.rejected', 'order.withdrawn'] as const);
        const loanAmount = type === 'order.loaned' ? (random() < 0.2 ? story.intended! * 2 : story.intended!) : undefined;
        Object.assign(story, { closedAt, closeType: type, loanAmount });
        // Now and then a portal sends the decision weeks late.
        const late = random() < 0.12;
        const receivedAt = late ? receipt(closedAt + (31 + Math.floor(random() * 15)) * DAY) : receipt(closedAt);
        sent.push({ id: `${story.orderId}-c`, type, occurredAt: closedAt, receivedAt, data: { orderId: story.orderId, ...(loanAmount ? { loanAmount } : {}) } });
      }
    } else if (random() < 0.3) {
      const closedAt = officeInstant(submittedAt + (1 + Math.floor(random() * 15)) * DAY);
      if (closedAt > END) continue;
      Object.assign(story, { closedAt, closeType: 'order.withdrawn' });
      sent.push({ id: `${story.orderId}-c`, type: 'order.withdrawn', occurredAt: closedAt, receivedAt: receipt(closedAt), data: { orderId: story.orderId } });
    }
  }
  // Overdue demands that move on during a checkpoint's day: the figures fall since yesterday.
  for (const [n, checkpoint] of [CHECKPOINTS[4]!, CHECKPOINTS[9]!, CHECKPOINTS[15]!].entries()) {
    const day = chinaDay(checkpoint);
    for (const [rule, back] of [['acceptance', 9], ['decision', 45]] as const) {
      serial += 1;
      const enterpriseId = `ss-e${serial}`;
      const first17 = `91350203${String(600_000_000 + serial).padStart(9, '0')}`;
      const opened = cst(`${nextDay(day, -back)} 10:00`);
      const moved = cst(`${day} 11:00`);
      enterprises.push({ id: enterpriseId, name: `统计督办企业${serial}有限公司`, code: first17 + creditCodeCheckChar(first17), district: '350206', registeredAt: opened - 2 * DAY });
      const e = enterprises.at(-1)!;
      sent.push({ id: `${enterpriseId}-r`, type: 'enterprise.registered', occurredAt: e.registeredAt, receivedAt: receipt(e.registeredAt), data: { enterpriseId, name: e.name, creditCode: e.code, industry: 'C', districtCode: '350206' } });
      const story: OrderStory = { orderId: `ss-m${n}-${rule}`, district: '350206', amount: 310_000, submittedAt: rule === 'acceptance' ? opened : opened - DAY };
      stories.push(story);
      sent.push({ id: `${story.orderId}-s`, type: 'order.submitted', occurredAt: story.submittedAt, receivedAt: receipt(story.submittedAt), data: { orderId: story.orderId, enterpriseId, requestedAmount: story.amount } });
      const acceptedAt = rule === 'acceptance' ? moved : opened;
      Object.assign(story, { acceptedAt, institution: 'xiamen', intended: 300_000 });
      sent.push({ id: `${story.orderId}-a`, type: 'order.accepted', occurredAt: acceptedAt, receivedAt: receipt(acceptedAt), data: { orderId: story.orderId, institutionId: institutionIds.get('xiamen'), intendedAmount: 300_000 } });
      if (rule === 'decision') {
        Object.assign(story, { closedAt: moved, closeType: 'order.rejected' });
        sent.push({ id: `${story.orderId}-c`, type: 'order.rejected', occurredAt: moved, receivedAt: receipt(moved), data: { orderId: story.orderId } });
      }
    }
  }
  sent.sort((a, b) => a.receivedAt - b.receivedAt || a.occurredAt - b.occurredAt);
}

// ---- the independent model --------------------------------------------------------------------

/** What the platform knows at `now`: the events received by then, each at the time it occurred. */
function known(now: number) {
  const ids = new Set(sent.filter((event) => event.receivedAt <= now).map((event) => event.id));
  return stories
    .filter((story) => ids.has(`${story.orderId}-s`))
    .map((story) => ({
      ...story,
      acceptedAt: ids.has(`${story.orderId}-a`) ? story.acceptedAt : undefined,
      closedAt: ids.has(`${story.orderId}-c`) ? story.closedAt : undefined,
    }));
}

/** The orders waiting under a rule at instant `at`, with the day they started waiting. */
function waitingAt(rule: Rule, orders: ReturnType<typeof known>, at: number) {
  return orders.flatMap((order) => {
    if (rule === 'acceptance') {
      const stoppedAt = order.acceptedAt ?? (order.closedAt !== undefined ? order.closedAt : undefined);
      return order.submittedAt <= at && !(stoppedAt !== undefined && stoppedAt <= at) ? [{ order, since: order.submittedAt }] : [];
    }
    return order.acceptedAt !== undefined && order.acceptedAt <= at && !(order.closedAt !== undefined && order.closedAt <= at) ? [{ order, since: order.acceptedAt }] : [];
  });
}

const inRegion = (district: string, region: string) => region === '000000' || district === region || PLACE[district]!.city === region || PLACE[district]!.province === region;
const childOf = (district: string, region: string) => (region === '000000' ? PLACE[district]!.province : PLACE[district]!.province === region ? PLACE[district]!.city : district);

function expectedFigures(rule: Rule, now: number, region: string) {
  const orders = known(now).filter((order) => inRegion(order.district, region));
  const today = chinaDay(now);
  const startOfToday = cst(`${today} 00:00`);
  const overdueNow = waitingAt(rule, orders, now).filter((entry) => overdueOn(rule, chinaDay(entry.since), today));
  const overdueYesterday = waitingAt(rule, orders, startOfToday - 1).filter((entry) => overdueOn(rule, chinaDay(entry.since), nextDay(today, -1)));
  const waiting = waitingAt(rule, orders, now);
  return {
    all: {
      overdue: overdueNow.length,
      overdueAmount: overdueNow.reduce((sum, entry) => sum + entry.order.amount, 0),
      yesterday: overdueYesterday.length,
      change: overdueNow.length - overdueYesterday.length,
      waiting: waiting.length,
      waitingAmount: waiting.reduce((sum, entry) => sum + entry.order.amount, 0),
    },
    overdueNow,
    byChild: (child: string) => expectedFigures(rule, now, child).all,
  };
}

// ---- 数据质量 model ---------------------------------------------------------------------------

interface Warning {
  rule: string;
  district: string;
  flaggedAt: number;
}

function expectedWarnings(now: number): Warning[] {
  const warnings: Warning[] = [];
  const seenCodes = new Map<string, string[]>();
  for (const event of sent.filter((candidate) => candidate.receivedAt <= now)) {
    const late = event.receivedAt - event.occurredAt > 30 * DAY;
    if (event.type === 'enterprise.registered') {
      const enterprise = enterprises.find((e) => e.id === event.data.enterpriseId)!;
      const district = PLACE[enterprise.district]!.counted ?? enterprise.district;
      const names = seenCodes.get(enterprise.code) ?? [];
      if (names.some((name) => name !== enterprise.name)) warnings.push({ rule: 'credit-code-names', district, flaggedAt: event.receivedAt });
      seenCodes.set(enterprise.code, [...names, enterprise.name]);
      if (PLACE[enterprise.district]!.counted) warnings.push({ rule: 'retired-district', district, flaggedAt: event.receivedAt });
      continue;
    }
    const story = stories.find((s) => s.orderId === event.data.orderId)!;
    if (event.type === 'order.accepted' && story.institution === 'disabled') warnings.push({ rule: 'disabled-institution', district: story.district, flaggedAt: event.receivedAt });
    if (event.type === 'order.loaned' && story.loanAmount! * 2 > story.intended! * 3) warnings.push({ rule: 'loan-amount', district: story.district, flaggedAt: event.receivedAt });
    if (late) warnings.push({ rule: 'late-event', district: story.district, flaggedAt: event.receivedAt });
  }
  return warnings;
}

// ---- the run ----------------------------------------------------------------------------------

const tokens: Record<RoleName, string> = { national: '', province: '', city: '' };
const SCOPES: [RoleName, string][] = [
  ['national', '000000'],
  ['province', '350000'],
  ['city', '350200'],
];
const get = async (role: RoleName, path: string) => {
  const answer = await client.request('GET', path, { token: tokens[role] });
  expect(answer.status, `${path}: ${answer.text}`).toBe(200);
  return answer.body;
};

async function signIn(): Promise<void> {
  const [national, province, city] = DEMO_ACCOUNTS;
  tokens.national = await loginWithPassword(client, national!.phone, DEMO_PASSWORD);
  tokens.province = await loginWithPassword(client, province!.phone, DEMO_PASSWORD);
  tokens.city = await loginWithPassword(client, city!.phone, DEMO_PASSWORD);
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START - 30 * DAY);
  await ensureDemoAccounts();
  for (const institution of INSTITUTIONS) {
    const place = PLACE[institution.districtCode]!;
    const created = await createInstitution(
      { type: 'bank', fullName: institution.fullName, shortName: institution.fullName.slice(0, 6), logoKey: '', districtCode: institution.districtCode, cityCode: place.city, provinceCode: place.province, sortOrder: 0, status: institution.status, createdBy: 1 },
      new Date(START - 60 * DAY),
    );
    institutionIds.set(institution.key, created.id);
  }
  buildHistory();
});

afterAll(() => {
  vi.useRealTimers();
});

describe('督办 and 数据质量 counts against an independent recomputation', () => {
  it('agree at every checkpoint, for every role, rule and child region', async () => {
    let next = 0;
    const checked: string[] = [];
    for (const checkpoint of CHECKPOINTS) {
      // Send what reaches the platform before the checkpoint, batch by batch, each when it arrives.
      while (next < sent.length && sent[next]!.receivedAt <= checkpoint) {
        const receivedAt = sent[next]!.receivedAt;
        const batch: Sent[] = [];
        while (next < sent.length && sent[next]!.receivedAt === receivedAt) batch.push(sent[next++]!);
        vi.setSystemTime(receivedAt);
        const answer = await client.request('POST', '/api/ingest/events', {
          body: { events: batch.map((event) => ({ id: event.id, type: event.type, occurredAt: new Date(event.occurredAt).toISOString(), data: event.data })) },
          headers: { 'x-api-key': DEFAULT_INGEST_API_KEY },
        });
        expect(answer.body.rejected, JSON.stringify(answer.body)).toEqual([]);
        if (next % 40 < batch.length) await client.stack.capture.drain(60_000);
      }
      await client.stack.capture.drain(60_000);
      vi.setSystemTime(checkpoint);
      await signIn();
      const label = new Date(checkpoint + 8 * HOUR).toISOString().slice(0, 16);
      for (const [role, region] of SCOPES) {
        // The scope and every child region, both rules.
        const answer = await get(role, '/api/supervision/regions');
        expect(answer.basis.today, label).toBe(chinaDay(checkpoint));
        expect(answer.basis.calendar.coversToday).toBe(chinaDay(checkpoint) < '2027-01-01');
        for (const rule of ['acceptance', 'decision'] as const) {
          const expected = expectedFigures(rule, checkpoint, region);
          expect(answer[rule], `${label} ${role} ${rule}`).toEqual(expected.all);
          const children = region === '000000' ? childRegions() : childRegions(region);
          for (const child of children) {
            const row = answer.rows.find((candidate: { code: string }) => candidate.code === child.code);
            expect(row[rule], `${label} ${role} ${rule} ${child.code}`).toEqual(expected.byChild(child.code));
          }
          // The list: every page, in waiting order, with its waiting working days.
          const rows: { orderId: string; waitingWorkdays: number; waitingDays: number }[] = [];
          let cursor: string | null = null;
          do {
            const page: { items: typeof rows; nextCursor: string | null } = await get(role, `/api/supervision/demands?rule=${rule}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
            rows.push(...page.items);
            cursor = page.nextCursor;
          } while (cursor);
          const listed = [...expected.overdueNow].sort((a, b) => a.since - b.since || a.order.orderId.localeCompare(b.order.orderId));
          expect(rows.map((row) => row.orderId), `${label} ${role} ${rule} list`).toEqual(listed.map((entry) => entry.order.orderId));
          const today = chinaDay(checkpoint);
          expect(rows.map((row) => [row.waitingWorkdays, row.waitingDays])).toEqual(listed.map((entry) => [workdaysBetween(chinaDay(entry.since), today), daysBetween(chinaDay(entry.since), today)]));
        }
        // Institutions by overdue decisions of the scope's enterprises.
        const ranking = await get(role, '/api/supervision/institutions?top=50');
        const perInstitution = new Map<number, number>();
        for (const entry of expectedFigures('decision', checkpoint, region).overdueNow) {
          const id = institutionIds.get(entry.order.institution!)!;
          perInstitution.set(id, (perInstitution.get(id) ?? 0) + 1);
        }
        expect(
          ranking.items.map((row: { institutionId: number; overdue: number }) => [row.institutionId, row.overdue]).sort(),
          `${label} ${role} institutions`,
        ).toEqual([...perInstitution.entries()].sort());

        // 数据质量: counts by rule, all time and this year, and the months of this year.
        const warnings = expectedWarnings(checkpoint).filter((warning) => inRegion(warning.district, region));
        const year = Number(chinaDay(checkpoint).slice(0, 4));
        for (const [query, filter] of [
          ['', () => true],
          [`?year=${year}`, (w: Warning) => chinaDay(w.flaggedAt).startsWith(String(year))],
        ] as const) {
          const summary = await get(role, `/api/data-quality/summary${query}`);
          for (const entry of summary.rules) {
            expect(entry.count, `${label} ${role} ${entry.rule} ${query}`).toBe(warnings.filter((w) => w.rule === entry.rule && filter(w)).length);
          }
        }
        const trend = await get(role, `/api/data-quality/trend?year=${year}`);
        for (const month of trend.months) {
          const prefix = `${year}-${String(month.month).padStart(2, '0')}`;
          expect(month.total, `${label} ${role} ${prefix}`).toBe(warnings.filter((w) => chinaDay(w.flaggedAt).startsWith(prefix)).length);
        }
        const children = await get(role, '/api/data-quality/regions');
        for (const row of children.rows) {
          expect(row.count, `${label} ${role} ${row.code}`).toBe(warnings.filter((w) => childOf(w.district, region) === row.code).length);
        }
      }
      checked.push(label);
    }
    expect(checked).toHaveLength(CHECKPOINTS.length);
    // The history really exercised what the test is about.
    const all = expectedWarnings(END);
    for (const rule of ['late-event', 'loan-amount', 'disabled-institution', 'credit-code-names', 'retired-district']) expect(all.some((w) => w.rule === rule), rule).toBe(true);
    for (const rule of ['acceptance', 'decision'] as const) {
      const figures = CHECKPOINTS.map((checkpoint) => expectedFigures(rule, checkpoint, '350200').all);
      expect(figures.some((entry) => entry.overdue > 0), rule).toBe(true);
      expect(figures.some((entry) => entry.change > 0) && figures.some((entry) => entry.change < 0), rule).toBe(true);
      expect(figures.some((entry) => entry.waiting > entry.overdue), rule).toBe(true);
    }
  }, 600_000);
});
