/**
 * What each base record contributes to the counters of docs/data-model.md, "Metric definitions", as a pure function of the
 * record. The stream handler adds `contributions(new image) − contributions(old image)`; the rebuild
 * adds the contributions of every stored record; reconcile compares the two. One definition, three
 * uses: they cannot disagree.
 *
 * Counter items maintained (only what the statistics API reads — every item is a paid write):
 * - region items (nation, province, city, district) × (all time, year, month): the metrics; nation,
 *   province and city items also carry the industry split (`i_<section>_<metric>`) and the institution
 *   type split (`t_<type>_<metric>`), so a summary, an industry or a type breakdown is one item read;
 * - day items (nation, province, city) for the recent window only: 融资动态's daily rows;
 * - institution items (scope = nation, province, city of the enterprise) × (all, year, month):
 *   机构数据统计's per-institution columns.
 */
import { findRegion, NATION_CODE } from '#shared/reference/regions';
import { ALL_TIME, dayStatKey, institutionStatKey, monthPeriod, regionStatKey, yearPeriod, type ItemKey, type StatPeriod } from '#shared/db/keys';
import { chinaDateParts, chinaDay, chinaDayStart } from '#shared/time';
import { openDemandContributions } from './open-demands';
import { qualityMetrics } from './quality';
import { regionChain } from './region-chain';

/** Day counters are kept for this many days back (融资动态 shows 15); older days expire. */
export const DAY_WINDOW_DAYS = 60;

export type CounterKind = 'region' | 'day' | 'institution' | 'open' | 'open-institution';

export interface CounterRef extends ItemKey {
  kind: CounterKind;
  regionCode?: string;
  period?: StatPeriod;
  day?: string;
  /** Expiry (epoch seconds) of an item kept for a window only; day items default to {@link dayItemExpiry}. */
  ttl?: number;
}

export interface CounterDelta {
  ref: CounterRef;
  values: Map<string, number>;
  /** Attributes set once, to the earliest value seen (a region's 开通 date). */
  firsts: Map<string, string>;
}

/** Sums contributions per counter item. */
export class DeltaAccumulator {
  readonly items = new Map<string, CounterDelta>();

  private entry(ref: CounterRef): CounterDelta {
    const id = `${ref.pk}|${ref.sk}`;
    let entry = this.items.get(id);
    if (!entry) {
      entry = { ref, values: new Map(), firsts: new Map() };
      this.items.set(id, entry);
    }
    return entry;
  }

  add(ref: CounterRef, values: Record<string, number>, sign: 1 | -1): void {
    const entry = this.entry(ref);
    for (const [name, value] of Object.entries(values)) {
      if (value === 0) continue;
      entry.values.set(name, (entry.values.get(name) ?? 0) + sign * value);
    }
  }

  first(ref: CounterRef, name: string, value: string): void {
    const entry = this.entry(ref);
    const current = entry.firsts.get(name);
    if (current === undefined || value < current) entry.firsts.set(name, value);
  }

  /** Entries with at least one non-zero value or a first. */
  nonEmpty(): CounterDelta[] {
    const out: CounterDelta[] = [];
    for (const entry of this.items.values()) {
      for (const [name, value] of entry.values) if (value === 0) entry.values.delete(name);
      if (entry.values.size > 0 || entry.firsts.size > 0) out.push(entry);
    }
    return out;
  }
}


function periodsOf(iso: string): StatPeriod[] {
  const { year, month } = chinaDateParts(iso);
  return [ALL_TIME, yearPeriod(year), monthPeriod(year, month)];
}

function dayWindowStart(now: Date): string {
  const { year, month, day } = chinaDateParts(now);
  return chinaDay(new Date(chinaDayStart(year, month, day).getTime() - DAY_WINDOW_DAYS * 86_400_000));
}

interface Attribution {
  districtCode: string;
  at: string;
  /** Metrics on every region level. */
  metrics: Record<string, number>;
  /** Metrics on nation, province and city items only (industry and type splits). */
  splits?: Record<string, number>;
  /** Metrics on the day items. */
  daily?: Record<string, number>;
}

class Contributor {
  constructor(
    private readonly acc: DeltaAccumulator,
    private readonly sign: 1 | -1,
    private readonly windowStart: string,
  ) {}

  region(attribution: Attribution): void {
    const periods = periodsOf(attribution.at);
    for (const level of regionChain(attribution.districtCode)) {
      const values = level.carriesSplits ? { ...attribution.metrics, ...attribution.splits } : attribution.metrics;
      for (const period of periods) {
        this.acc.add({ ...regionStatKey(level.parent, period, level.code), kind: 'region', regionCode: level.code, period }, values, this.sign);
      }
      if (attribution.daily && level.carriesSplits) {
        const day = chinaDay(attribution.at);
        if (day >= this.windowStart) {
          this.acc.add({ ...dayStatKey(level.code, day), kind: 'day', regionCode: level.code, day }, attribution.daily, this.sign);
        }
      }
    }
  }

  institution(districtCode: string, at: string, institutionId: number, values: Record<string, number>): void {
    const periods = periodsOf(at);
    for (const level of regionChain(districtCode).slice(0, 3)) {
      for (const period of periods) {
        this.acc.add(
          { ...institutionStatKey(level.code, period, institutionId), kind: 'institution', regionCode: level.code, period },
          values,
          this.sign,
        );
      }
    }
  }

  opened(regionCode: string, at: string): void {
    const region = findRegion(regionCode);
    if (!region || region.level === 'district') return;
    const parent = region.parentCode ?? NATION_CODE;
    const ref: CounterRef = { ...regionStatKey(parent, ALL_TIME, regionCode), kind: 'region', regionCode, period: ALL_TIME };
    this.acc.add(ref, { approvedAccounts: 1 }, this.sign);
    if (this.sign > 0) this.acc.first(ref, 'openedAt', at);
  }
}

type Item = Record<string, unknown>;
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function orderContributions(order: Item, add: Contributor): void {
  const districtCode = String(order.districtCode);
  const industry = String(order.industry);
  const requested = num(order.requestedAmount);
  const submittedAt = str(order.submittedAt);
  if (submittedAt) {
    add.region({
      districtCode,
      at: submittedAt,
      metrics: { demandCount: 1, demandAmount: requested },
      splits: { [`i_${industry}_demandCount`]: 1, [`i_${industry}_demandAmount`]: requested },
      daily: { demandCount: 1, demandAmount: requested },
    });
  }
  const acceptedAt = str(order.acceptedAt);
  const institutionId = order.institutionId === undefined ? undefined : num(order.institutionId);
  const type = str(order.institutionType);
  if (acceptedAt && institutionId !== undefined && type) {
    add.region({
      districtCode,
      at: acceptedAt,
      metrics: { acceptedCount: 1, acceptedAmount: requested },
      splits: { [`t_${type}_acceptedCount`]: 1, [`t_${type}_acceptedAmount`]: requested },
    });
    add.institution(districtCode, acceptedAt, institutionId, { acceptedCount: 1, acceptedAmount: requested });
    if (order.status === 'docking') {
      add.region({ districtCode, at: acceptedAt, metrics: { dockingCount: 1, dockingAmount: requested, intendedAmount: num(order.intendedAmount) } });
      add.institution(districtCode, acceptedAt, institutionId, { dockingCount: 1, dockingAmount: requested });
    }
  }
  const loanedAt = str(order.loanedAt);
  if (loanedAt) {
    const loan = num(order.loanAmount);
    add.region({
      districtCode,
      at: loanedAt,
      metrics: { loanCount: 1, loanAmount: loan },
      splits: {
        [`i_${industry}_loanCount`]: 1,
        [`i_${industry}_loanAmount`]: loan,
        ...(type ? { [`t_${type}_loanCount`]: 1, [`t_${type}_loanAmount`]: loan } : {}),
      },
      daily: { loanCount: 1, loanAmount: loan },
    });
    if (institutionId !== undefined) add.institution(districtCode, loanedAt, institutionId, { loanCount: 1, loanAmount: loan });
  }
  const defaultedAt = str(order.defaultedAt);
  if (defaultedAt) add.region({ districtCode, at: defaultedAt, metrics: { badDebtCount: 1 } });
}

/** Adds `sign` × the contributions of one stored record (old or new image, or a scanned item). */
export function addContributions(item: Item | undefined, acc: DeltaAccumulator, sign: 1 | -1, now: Date): void {
  if (!item) return;
  const add = new Contributor(acc, sign, dayWindowStart(now));
  qualityContributions(item, add);
  switch (item.entity) {
    case 'order':
      orderContributions(item, add);
      openDemandContributions(item, acc, sign, now);
      break;
    case 'enterprise':
      add.region({
        districtCode: String(item.districtCode),
        at: String(item.registeredAt),
        metrics: { enterpriseCount: 1 },
        daily: { enterpriseCount: 1 },
      });
      break;
    case 'institution': {
      // Every institution is listed in 机构数据统计 (listedInstitutionCount); 金融机构数 counts the enabled ones.
      const enabled = item.status === 'enabled';
      const type = String(item.type);
      add.region({
        districtCode: String(item.districtCode),
        at: String(item.createdAt),
        metrics: { listedInstitutionCount: 1, ...(enabled ? { institutionCount: 1 } : {}) },
        splits: { [`t_${type}_listedInstitutionCount`]: 1, ...(enabled ? { [`t_${type}_institutionCount`]: 1 } : {}) },
        ...(enabled ? { daily: { institutionCount: 1 } } : {}),
      });
      break;
    }
    case 'product':
      if (item.status === 'published') {
        const at = String(item.publishedAt);
        add.region({
          districtCode: String(item.districtCode),
          at,
          metrics: { productCount: 1 },
          splits: { [`t_${String(item.institutionType)}_productCount`]: 1 },
        });
        add.institution(String(item.districtCode), at, num(item.institutionId), { productCount: 1 });
      }
      break;
    case 'account':
      if (item.auditStatus === 'approved' && (item.role === 'province' || item.role === 'city')) {
        const region = item.role === 'city' ? String(item.cityCode) : String(item.provinceCode);
        add.opened(region, String(item.auditedAt ?? item.createdAt));
      }
      break;
    default:
      break;
  }
}

/** 数据质量 warnings counted per rule (and checked) in the record's regions, by the month they were raised. */
function qualityContributions(item: Item, add: Contributor): void {
  if (item.entity !== 'order' && item.entity !== 'enterprise' && item.entity !== 'product') return;
  for (const { at, metrics } of qualityMetrics(item)) add.region({ districtCode: String(item.districtCode), at, metrics });
}

/** The counter deltas of one stream record: new contributions minus old ones. */
export function recordDeltas(oldImage: Item | undefined, newImage: Item | undefined, now: Date, acc = new DeltaAccumulator()): DeltaAccumulator {
  addContributions(newImage, acc, 1, now);
  addContributions(oldImage, acc, -1, now);
  return acc;
}

/** TTL of a day item: the window past its day (housekeeping; readers never look that far back). */
export function dayItemExpiry(day: string): number {
  const start = chinaDayStart(Number(day.slice(0, 4)), Number(day.slice(4, 6)), Number(day.slice(6, 8)));
  return Math.floor(start.getTime() / 1000) + (DAY_WINDOW_DAYS + 30) * 86_400;
}

/** The first day (`yyyymmdd`) inside the day window at `now`. */
export function firstDayInWindow(now: Date): string {
  return dayWindowStart(now);
}
