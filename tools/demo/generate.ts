/**
 * The deterministic demo data generator: a realistic national data set for a fresh local system,
 * described as plain data — the institutions (with their specialists) to create through the
 * institutions repository, and the ingestion events (docs/http-api.md, "Ingestion") that produce enterprises,
 * products and orders. Same options (seed included) → identical description.
 *
 * The shape: enterprises in every province, weighted towards the busy ones (广东, 江苏, 浙江, 福建, 山东;
 * 厦门 well filled for the demo city user), over the 20 industry sections, registered over time; a few
 * hundred institutions of all 11 types; orders from 2019-01-01 until `now` with yearly growth,
 * seasonality (Spring Festival dip, year-end peak) and every lifecycle state.
 */
import type { EventEnvelope, EventType } from '#shared/financing/model';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { INDUSTRY_CODES } from '#shared/reference/industries';
import { INSTITUTION_TYPE_CODES, type InstitutionTypeCode } from '#shared/reference/institution-types';
import { childRegions, findRegion, type Region } from '#shared/reference/regions';
import { RETIRED_DISTRICTS } from '#shared/reference/retired-districts';
import { chinaDayStart } from '#shared/time';
import {
  CREDIT_CODE_PREFIX,
  DEFAULT_REASONS,
  enterpriseForm,
  enterpriseName,
  institutionNames,
  personName,
  productName,
  REJECTION_REASONS,
  specialistJob,
  WITHDRAWAL_REASONS,
} from './names';
import { Random, WeightedPicker } from './random';
import {
  ACCEPTANCE_WEIGHTS,
  chinaDays,
  cityWeights,
  dayWeight,
  INDUSTRY_AMOUNT_FACTORS,
  INDUSTRY_WEIGHTS,
  INSTITUTION_TYPE_WEIGHTS,
} from './weights';

/** A specialist (专管员) to create under its institution. */
export interface SpecialistSeed {
  /** Unique across the whole description. */
  phone: string;
  realName: string;
  gender: 'male' | 'female';
  department: string;
  position: string;
  status: 'enabled' | 'disabled';
  /** When the institution added the specialist (ISO-8601 UTC). */
  createdAt: string;
}

/** An institution to create through the institutions repository, in `index` order. */
export interface InstitutionSeed {
  /** Position in creation order, from 0. */
  index: number;
  /** The id the events use for it: `options.institutionId(index)`. */
  id: number;
  type: InstitutionTypeCode;
  /** 所属机构, for branches of a larger institution. */
  parentName?: string;
  fullName: string;
  shortName: string;
  districtCode: string;
  cityCode: string;
  provinceCode: string;
  address: string;
  sortOrder: number;
  intro: string;
  status: 'enabled' | 'disabled';
  /** When the institution joined the platform (入驻; ISO-8601 UTC): before its products and orders. */
  createdAt: string;
  specialists: SpecialistSeed[];
}

/** What the generator produces: plain data, no I/O. */
export interface DemoDescription {
  seed: number;
  /** Prefix of every id in the events (`demo-<seed>`). */
  idPrefix: string;
  /** The `now` the data was generated for (ISO-8601 UTC); no event is later. */
  now: string;
  institutions: InstitutionSeed[];
  /** Sorted by `occurredAt`; each event after the events it depends on. */
  events: EventEnvelope[];
  /**
   * The events that reached the platform late (event id → when received, ISO-8601 UTC): 数据质量's
   * 事件迟报. Every other event was received as it occurred ({@link demoReceivedAt}).
   */
  arrivals: Record<string, string>;
  counts: { institutions: number; specialists: number; enterprises: number; products: number; orders: number; events: number };
}

/** Generator options. */
export interface DemoOptions {
  /** Financing orders to generate (default 20 000). */
  orders?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** No event is later than this (default: the current time). */
  now?: Date;
  /** Registered enterprises (default one per order, at least 20: most enterprises ask once, some often). */
  enterprises?: number;
  /** Institutions (default orders / 80, between 12 and 600: 250 for 20 000 orders). */
  institutions?: number;
  /** The id institution number `index` (0-based creation order) gets; default `index + 1` (an empty store). */
  institutionId?: (index: number) => number;
  /** Prefix of the event and entity ids (default `demo-<seed>`). */
  idPrefix?: string;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The platform's first enterprises registered in the autumn before the first orders. */
const PLATFORM_START = chinaDayStart(2018, 10, 1);
const ORDERS_START = chinaDayStart(2019, 1, 1);
const YEARLY_GROWTH = 1.32;
const AMOUNT_MEDIAN_YUAN = 1_000_000;
const AMOUNT_SIGMA = 1.05;
const MIN_REQUEST_YUAN = 10_000;
const MAX_REQUEST_YUAN = 50_000_000;
/** Xiamen, where the demo city user works: it gets institutions of every type. */
const DEMO_CITY = '350200';

// ---- time -----------------------------------------------------------------------------------

/** The start of the China-time day holding `time` (UTC ms). */
function chinaDayStartOf(time: number): number {
  return Math.floor((time + 8 * HOUR_MS) / DAY_MS) * DAY_MS - 8 * HOUR_MS;
}

/** A moment inside office hours (08:30–20:00 China time) of the day starting at `dayStart`, to the second. */
function officeTime(random: Random, dayStart: number): number {
  return dayStart + Math.floor(random.between(8.5 * HOUR_MS, 20 * HOUR_MS) / 1000) * 1000;
}

/** Samples instants between two China-time days, with each day as likely as its {@link dayWeight}. */
class DaySampler {
  private readonly picker: WeightedPicker<number>;

  constructor(
    private readonly from: Date,
    private readonly now: Date,
  ) {
    const days = chinaDays(from, now);
    this.picker = new WeightedPicker(days.map((day) => [day.getTime(), dayWeight(day, YEARLY_GROWTH)] as const));
  }

  /** `count` instants, ascending; none after `now`. */
  sortedInstants(random: Random, count: number): Float64Array {
    const instants = new Float64Array(count);
    const nowMs = this.now.getTime();
    for (let i = 0; i < count; i += 1) {
      const dayStart = this.picker.pick(random);
      const time = officeTime(random, dayStart);
      instants[i] = time <= nowMs ? time : Math.max(this.from.getTime(), dayStart + Math.floor(random.next() * (nowMs - dayStart) / 1000) * 1000);
    }
    return instants.sort();
  }
}

/** `days` whole days after `time`'s day, at an office hour: always strictly later than `time`. */
function daysLater(random: Random, time: number, days: number): number {
  return officeTime(random, chinaDayStartOf(time) + Math.max(1, days) * DAY_MS);
}

// ---- amounts --------------------------------------------------------------------------------

/** Whole 万 from 10 万 up, whole 千 below; never below 1 000 yuan. */
function roundYuan(yuan: number): number {
  const step = yuan >= 100_000 ? 10_000 : 1_000;
  return Math.max(1_000, Math.round(yuan / step) * step);
}

function requestedAmount(random: Random, industry: string): number {
  const raw = AMOUNT_MEDIAN_YUAN * Math.exp(AMOUNT_SIGMA * random.normal()) * (INDUSTRY_AMOUNT_FACTORS[industry] ?? 1);
  let yuan = Math.min(MAX_REQUEST_YUAN, Math.max(MIN_REQUEST_YUAN, raw));
  // People ask for round sums: 50 万, 100 万, 300 万 …
  if (random.chance(0.5)) {
    if (yuan >= 1_000_000) yuan = Math.round(yuan / 500_000) * 500_000;
    else if (yuan >= 200_000) yuan = Math.round(yuan / 50_000) * 50_000;
  }
  return roundYuan(yuan);
}

// ---- codes and ids --------------------------------------------------------------------------

const CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const MA_SPACE = 31 ** 6;
const DIGIT_SPACE = 100_000_000;

/** GB 11714 check character of an 8-character organisation code body (A = 10 … Z = 35). */
function orgCodeCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) {
    const char = body[i]!;
    const value = char >= '0' && char <= '9' ? char.charCodeAt(0) - 48 : char.charCodeAt(0) - 55;
    sum += value * ORG_CODE_WEIGHTS[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * A valid 18-character unified social credit code: prefix (authority and category), the district's
 * division code, a 9-character organisation code (with its own GB 11714 check) and the check character.
 * `serial` maps one-to-one onto the organisation code, so distinct serials give distinct codes.
 */
function creditCode(prefix: string, districtCode: string, serial: number, salt: number, newStyle: boolean): string {
  let body: string;
  if (newStyle) {
    let value = (serial * 1_000_003 + salt) % MA_SPACE;
    let tail = '';
    for (let i = 0; i < 6; i += 1) {
      tail = CODE_ALPHABET[value % 31]! + tail;
      value = Math.floor(value / 31);
    }
    body = `MA${tail}`;
  } else {
    body = String((serial * 7_654_321 + salt) % DIGIT_SPACE).padStart(8, '0');
  }
  const first17 = `${prefix}${districtCode}${body}${orgCodeCheck(body)}`;
  return first17 + creditCodeCheckChar(first17);
}

const PHONE_PREFIXES = ['135', '136', '137', '138', '139', '150', '151', '152', '158', '159', '186', '187', '188', '189', '177', '199'];

/** A mobile number whose last 8 digits are a bijection of `serial`: distinct serials, distinct phones. */
function phoneNumber(random: Random, serial: number, salt: number): string {
  return random.pick(PHONE_PREFIXES) + String((serial * 7_654_321 + salt) % DIGIT_SPACE).padStart(8, '0');
}

// ---- regions --------------------------------------------------------------------------------

interface Place {
  province: Region;
  city: Region;
  district: Region;
}

function placeOf(districtCode: string): Place {
  const district = findRegion(districtCode)!;
  const city = findRegion(district.parentCode!)!;
  return { district, city, province: findRegion(city.parentCode!)! };
}

/** Picks districts: a city by its weight, then one of its districts (each with a per-seed weight). */
class DistrictSampler {
  readonly cities: WeightedPicker<string>;
  private readonly districts = new Map<string, WeightedPicker<string>>();
  readonly cityCodes: string[];
  readonly districtCodes: string[] = [];

  constructor(random: Random, exponent = 1) {
    const weights = cityWeights();
    this.cityCodes = [...weights.keys()];
    this.cities = new WeightedPicker([...weights].map(([code, weight]) => [code, weight ** exponent] as const));
    for (const cityCode of this.cityCodes) {
      const districts = childRegions(cityCode);
      this.districts.set(cityCode, new WeightedPicker(districts.map((district) => [district.code, random.between(0.4, 1.6)] as const)));
      for (const district of districts) this.districtCodes.push(district.code);
    }
  }

  district(random: Random, cityCode?: string): string {
    return this.districts.get(cityCode ?? this.cities.pick(random))!.pick(random);
  }
}

// ---- the generator --------------------------------------------------------------------------

interface ProductPlan {
  productId: string;
  /** Periods in which the product is published: [from, to) with to = Infinity while it still is. */
  periods: [number, number][];
}

interface PendingEvent {
  time: number;
  type: EventType;
  data: Record<string, unknown>;
  /** When it reached the platform, when that was late. */
  receivedAt?: number;
}

/**
 * Generates the demo data set. Pure and deterministic: the same options give the same description.
 * Throws `RangeError` for non-positive counts.
 */
export function generateDemoData(options: DemoOptions = {}): DemoDescription {
  const orderCount = options.orders ?? 20_000;
  const seed = options.seed ?? 1;
  const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const enterpriseCount = options.enterprises ?? Math.max(20, orderCount);
  const institutionCount = options.institutions ?? Math.min(600, Math.max(12, Math.round(orderCount / 80)));
  const institutionId = options.institutionId ?? ((index: number) => index + 1);
  const prefix = options.idPrefix ?? `demo-${seed}`;
  for (const [name, value] of Object.entries({ orderCount, enterpriseCount, institutionCount })) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  }
  if (now.getTime() < ORDERS_START.getTime() + 30 * DAY_MS) throw new RangeError('now must be after 2019-01-31');

  const random = new Random(seed);
  const salt = random.int(0, DIGIT_SPACE - 1);
  const events: PendingEvent[] = [];
  const emit = (time: number, type: EventType, data: Record<string, unknown>) => {
    if (time <= now.getTime()) events.push({ time, type, data });
    return time <= now.getTime();
  };

  const places = new DistrictSampler(random);
  const { institutions, brands } = generateInstitutions(random, places, { count: institutionCount, institutionId, salt, nowMs: now.getTime() });
  const products = generateProducts(random, institutions, brands, prefix, now.getTime(), emit);
  const enterprises = generateEnterprises(random, places, enterpriseCount, prefix, now, salt, emit);
  const orderStats = generateOrders(random, { institutions, products, enterprises, prefix, now, count: orderCount, emit });
  const extraEnterprises = addDataQualityCases(random, events, { institutions, prefix, now, salt });

  // Sort by time; ties keep generation order (a stable sort), which is causal order within an entity.
  const order = Array.from(events.keys()).sort((a, b) => events[a]!.time - events[b]!.time || a - b);
  const arrivals: Record<string, string> = {};
  const envelopes: EventEnvelope[] = order.map((index, position) => {
    const event = events[index]!;
    const id = `${prefix}-${position + 1}`;
    if (event.receivedAt !== undefined) arrivals[id] = new Date(event.receivedAt).toISOString();
    return { id, type: event.type, occurredAt: new Date(event.time).toISOString(), data: event.data };
  });
  return {
    seed,
    idPrefix: prefix,
    now: now.toISOString(),
    institutions,
    events: envelopes,
    arrivals,
    counts: {
      institutions: institutions.length,
      specialists: institutions.reduce((sum, institution) => sum + institution.specialists.length, 0),
      enterprises: enterpriseCount + extraEnterprises,
      products: products.count,
      orders: orderStats.orders,
      events: envelopes.length,
    },
  };
}

function generateInstitutions(
  random: Random,
  places: DistrictSampler,
  options: { count: number; institutionId: (index: number) => number; salt: number; nowMs: number },
): { institutions: InstitutionSeed[]; brands: string[] } {
  const { count, institutionId, salt, nowMs } = options;
  const typePicker = new WeightedPicker(INSTITUTION_TYPE_CODES.map((type) => [type, INSTITUTION_TYPE_WEIGHTS[type]] as const));
  // Institutions cluster in big cities even more than enterprises do.
  const cityPicker = new DistrictSampler(random, 1.25).cities;
  const capitals = places.cityCodes.filter((code) => code.endsWith('0100'));
  const demoCityShare = Math.max(INSTITUTION_TYPE_CODES.length, Math.round(count * 0.06));
  const usedNames = new Set<string>();
  const brandsInCity = new Set<string>();
  const specialistsPerInstitution = new WeightedPicker([[0, 15], [1, 30], [2, 30], [3, 15], [4, 10]] as const);
  let phoneSerial = 0;
  const seeds: InstitutionSeed[] = [];
  const brands: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const type = index < INSTITUTION_TYPE_CODES.length ? INSTITUTION_TYPE_CODES[index]! : typePicker.pick(random);
    let cityCode: string;
    if (index < demoCityShare) cityCode = DEMO_CITY;
    else if (count >= demoCityShare + capitals.length * 2 && index < demoCityShare + capitals.length) cityCode = capitals[index - demoCityShare]!;
    else cityCode = cityPicker.pick(random);
    const place = placeOf(places.district(random, cityCode));
    let names = institutionNames(random, { type, ...place, isFirstOfBrandInCity: (stem) => !brandsInCity.has(`${cityCode}#${stem}`) }, 0);
    for (let attempt = 1; usedNames.has(`${cityCode}#${names.fullName}`); attempt += 1) {
      names = institutionNames(random, { type, ...place, isFirstOfBrandInCity: () => false }, attempt);
      if (attempt > 12) names = { ...names, fullName: `${names.fullName}第${attempt}营业部`, shortName: `${names.shortName}${attempt}` };
    }
    usedNames.add(`${cityCode}#${names.fullName}`);
    for (const stem of [names.parentName ?? '', names.fullName]) brandsInCity.add(`${cityCode}#${stem.replace(/股份有限公司$/, '')}`);
    brandsInCity.add(`${cityCode}#${names.fullName.replace(/(.*?)(分行|支行|分公司|营业部)$/, '$1')}`);

    // Most institutions joined in the platform's first two years; the first one on its first day.
    const joinSpan = nowMs - 30 * DAY_MS - PLATFORM_START.getTime();
    const joined = officeTime(random, chinaDayStartOf(PLATFORM_START.getTime() + (index === 0 ? 0 : joinSpan * random.next() ** 2.2)));
    const specialists: SpecialistSeed[] = [];
    const specialistCount = specialistsPerInstitution.pick(random);
    for (let s = 0; s < specialistCount; s += 1) {
      const gender = random.chance(0.55) ? 'female' : 'male';
      specialists.push({
        phone: phoneNumber(random, phoneSerial++, salt),
        realName: personName(random, gender),
        gender,
        ...specialistJob(random, type),
        status: random.chance(0.92) ? 'enabled' : 'disabled',
        createdAt: new Date(Math.min(nowMs, daysLater(random, joined, random.int(1, 60)))).toISOString(),
      });
    }
    seeds.push({
      index,
      id: institutionId(index),
      type,
      ...(names.parentName ? { parentName: names.parentName } : {}),
      fullName: names.fullName,
      shortName: names.shortName,
      districtCode: place.district.code,
      cityCode: place.city.code,
      provinceCode: place.province.code,
      address: names.address,
      sortOrder: random.chance(0.7) ? 0 : random.int(1, 99),
      intro: names.intro,
      status: index >= INSTITUTION_TYPE_CODES.length && random.chance(0.02) ? 'disabled' : 'enabled',
      createdAt: new Date(joined).toISOString(),
      specialists,
    });
    brands.push(names.productBrand);
  }
  return { institutions: seeds, brands };
}

function generateProducts(
  random: Random,
  institutions: InstitutionSeed[],
  /** The brand each institution's products carry (工银 …), by index. */
  brands: string[],
  prefix: string,
  nowMs: number,
  emit: (time: number, type: EventType, data: Record<string, unknown>) => boolean,
): { byInstitution: Map<number, ProductPlan[]>; count: number } {
  const byInstitution = new Map<number, ProductPlan[]>();
  let serial = 0;
  for (const institution of institutions) {
    const joined = Date.parse(institution.createdAt);
    const span = nowMs - 14 * DAY_MS - joined;
    const howMany = institution.type === 'bank' ? random.int(2, 8) : random.int(1, 5);
    const names = new Set<string>();
    const plans: ProductPlan[] = [];
    for (let p = 0; p < howMany; p += 1) {
      const productId = `${prefix}-p${++serial}`;
      const name = productName(random, institution.type, brands[institution.index] ?? institution.shortName, names);
      names.add(name);
      // Most products appear early; later ones keep trickling in.
      const published = daysLater(random, joined, Math.floor((span * random.next() ** 1.6) / DAY_MS));
      emit(published, 'product.published', { productId, institutionId: institution.id, name });
      const periods: [number, number][] = [[published, Infinity]];
      if (random.chance(0.15)) {
        const withdrawn = daysLater(random, published, random.int(60, 900));
        if (emit(withdrawn, 'product.withdrawn', { productId, institutionId: institution.id })) {
          periods[0]![1] = withdrawn;
          if (random.chance(0.25)) {
            const again = daysLater(random, withdrawn, random.int(30, 400));
            if (emit(again, 'product.published', { productId, institutionId: institution.id, name })) periods.push([again, Infinity]);
          }
        }
      }
      plans.push({ productId, periods });
    }
    byInstitution.set(institution.id, plans);
  }
  return { byInstitution, count: serial };
}

/** The enterprises, by index in registration order. */
interface EnterprisePlan {
  /** Registration instants, ascending (enterprise i registered at times[i]). */
  times: Float64Array;
  ids: string[];
  industries: string[];
  districts: string[];
}

function generateEnterprises(
  random: Random,
  places: DistrictSampler,
  count: number,
  prefix: string,
  now: Date,
  salt: number,
  emit: (time: number, type: EventType, data: Record<string, unknown>) => boolean,
): EnterprisePlan {
  const times = new DaySampler(PLATFORM_START, now).sortedInstants(random, count);
  // The first orders (January 2019) need enterprises already registered.
  times[0] = Math.min(times[0]!, officeTime(random, PLATFORM_START.getTime()));

  // Every district (or at least every city) has enterprises when there are enough to go round.
  const districts: string[] = [];
  if (count >= places.districtCodes.length * 5) districts.push(...places.districtCodes);
  else if (count >= places.cityCodes.length * 3) for (const city of places.cityCodes) districts.push(places.district(random, city));
  while (districts.length < count) districts.push(places.district(random));
  random.shuffle(districts);

  const industryPicker = new WeightedPicker(INDUSTRY_CODES.map((code) => [code, INDUSTRY_WEIGHTS[code]!] as const));
  const usedNames = new Set<string>();
  const ids: string[] = [];
  const industries: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const industry = count >= 200 && i < INDUSTRY_CODES.length ? INDUSTRY_CODES[i]! : industryPicker.pick(random);
    const place = placeOf(districts[i]!);
    const form = enterpriseForm(random, industry);
    let name = enterpriseName(random, { industry, form, ...place, long: false });
    for (let attempt = 1; usedNames.has(name); attempt += 1) {
      name = enterpriseName(random, { industry, form, ...place, long: true });
      if (attempt > 20 && usedNames.has(name)) name = `${name}（${attempt}）`;
    }
    usedNames.add(name);
    const id = `${prefix}-e${i + 1}`;
    ids.push(id);
    industries.push(industry);
    emit(times[i]!, 'enterprise.registered', {
      enterpriseId: id,
      name,
      creditCode: creditCode(CREDIT_CODE_PREFIX[form], place.district.code, i, salt, form === 'company' && random.chance(0.7)),
      industry,
      districtCode: place.district.code,
    });
  }
  return { times, ids, industries, districts: districts.slice(0, count) };
}

interface OrderInput {
  institutions: InstitutionSeed[];
  products: { byInstitution: Map<number, ProductPlan[]> };
  enterprises: EnterprisePlan;
  prefix: string;
  now: Date;
  count: number;
  emit: (time: number, type: EventType, data: Record<string, unknown>) => boolean;
}

/** Institutions likely to accept an order from a place: same city first, then province, then anywhere. */
class AcceptorSampler {
  private readonly byCity = new Map<string, WeightedPicker<InstitutionSeed>>();
  private readonly byProvince = new Map<string, WeightedPicker<InstitutionSeed>>();
  private readonly all: WeightedPicker<InstitutionSeed>;
  private readonly joined = new Map<InstitutionSeed, number>();
  private readonly earliest: InstitutionSeed;

  constructor(institutions: InstitutionSeed[]) {
    const enabled = institutions.filter((institution) => institution.status === 'enabled');
    for (const institution of enabled) this.joined.set(institution, Date.parse(institution.createdAt));
    this.earliest = enabled.reduce((first, next) => (this.joined.get(next)! < this.joined.get(first)! ? next : first));
    const group = (key: (institution: InstitutionSeed) => string) => {
      const groups = new Map<string, InstitutionSeed[]>();
      for (const institution of enabled) groups.set(key(institution), [...(groups.get(key(institution)) ?? []), institution]);
      return new Map([...groups].map(([code, list]) => [code, this.picker(list)]));
    };
    for (const [code, picker] of group((institution) => institution.cityCode)) this.byCity.set(code, picker);
    for (const [code, picker] of group((institution) => institution.provinceCode)) this.byProvince.set(code, picker);
    this.all = this.picker(enabled);
  }

  private picker(list: InstitutionSeed[]): WeightedPicker<InstitutionSeed> {
    return new WeightedPicker(list.map((institution) => [institution, ACCEPTANCE_WEIGHTS[institution.type]] as const));
  }

  /** An institution that had joined the platform before `time`. */
  pick(random: Random, cityCode: string, provinceCode: string, time: number): InstitutionSeed {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const draw = random.next();
      const city = this.byCity.get(cityCode);
      const province = this.byProvince.get(provinceCode);
      const candidate = city && draw < 0.75 ? city.pick(random) : province && draw < 0.93 ? province.pick(random) : this.all.pick(random);
      if (this.joined.get(candidate)! < time) return candidate;
    }
    return this.earliest;
  }
}

function generateOrders(random: Random, input: OrderInput): { orders: number } {
  const { enterprises, emit } = input;
  const nowMs = input.now.getTime();
  const times = new DaySampler(ORDERS_START, input.now).sortedInstants(random, input.count);
  const acceptors = new AcceptorSampler(input.institutions);
  let orders = 0;
  let registered = 0;
  for (let n = 0; n < input.count; n += 1) {
    const submitted = times[n]!;
    // An enterprise orders after registering (an hour at least); recent registrations order more often.
    while (registered < enterprises.times.length && enterprises.times[registered]! < submitted - HOUR_MS) registered += 1;
    // (The first enterprise registers before the first order can be placed, see generateEnterprises.)
    const pool = Math.max(1, registered);
    const e = Math.min(pool - 1, Math.floor(pool * Math.sqrt(random.next())));
    const industry = enterprises.industries[e]!;
    const place = placeOf(enterprises.districts[e]!);
    const orderId = `${input.prefix}-o${n + 1}`;
    const requested = requestedAmount(random, industry);
    if (!emit(submitted, 'order.submitted', { orderId, enterpriseId: enterprises.ids[e]!, requestedAmount: requested })) continue;
    orders += 1;

    const fate = random.next();
    if (fate < 0.04) {
      emit(daysLater(random, submitted, random.int(1, 20)), 'order.withdrawn', { orderId, reason: random.pick(WITHDRAWAL_REASONS) });
      continue;
    }
    if (fate < 0.055) continue; // never taken up by any institution
    const accepted = daysLater(random, submitted, 1 + Math.floor(29 * random.next() ** 2));
    const institution = acceptors.pick(random, place.city.code, place.province.code, accepted);
    const product = activeProduct(random, input.products.byInstitution.get(institution.id) ?? [], accepted);
    const intended = random.chance(0.45) ? requested : roundYuan(requested * random.between(0.5, 1));
    const acceptedData = { orderId, institutionId: institution.id, ...(product ? { productId: product } : {}), intendedAmount: intended };
    if (!emit(accepted, 'order.accepted', acceptedData)) continue;

    const outcome = random.next();
    if (outcome < 0.585) {
      const loaned = daysLater(random, accepted, random.int(3, 40));
      const share = random.next();
      const loan = share < 0.6 ? intended : roundYuan(intended * (share < 0.95 ? random.between(0.6, 1) : random.between(1, 1.15)));
      if (emit(loaned, 'order.loaned', { orderId, loanAmount: loan }) && random.chance(0.03)) {
        emit(daysLater(random, loaned, random.int(90, 540)), 'order.defaulted', { orderId, reason: random.pick(DEFAULT_REASONS) });
      }
    } else if (outcome < 0.905) {
      emit(daysLater(random, accepted, random.int(1, 20)), 'order.rejected', { orderId, reason: random.pick(REJECTION_REASONS) });
    } else if (outcome < 0.97) {
      emit(daysLater(random, accepted, random.int(2, 30)), 'order.withdrawn', { orderId, reason: random.pick(WITHDRAWAL_REASONS) });
    } else if (accepted < nowMs - 180 * DAY_MS) {
      // Long-running negotiations end eventually; only recent ones are still docking.
      emit(daysLater(random, accepted, random.int(30, 90)), 'order.rejected', { orderId, reason: random.pick(REJECTION_REASONS) });
    }
  }
  return { orders };
}

/** A product of the institution published at `time` (60 % of the time when there is one). */
function activeProduct(random: Random, plans: ProductPlan[], time: number): string | undefined {
  if (!random.chance(0.6)) return undefined;
  const active = plans.filter((plan) => plan.periods.some(([from, to]) => from < time && time < to));
  return active.length > 0 ? random.pick(active).productId : undefined;
}

// ---- 数据质量 cases -------------------------------------------------------------------------------

/** When a demo event reached the platform: as it occurred, or late (description.arrivals). */
export function demoReceivedAt(description: Pick<DemoDescription, 'arrivals'>): (event: { id: string; occurredAt: string }) => string {
  return (event) => description.arrivals[event.id] ?? event.occurredAt;
}

/** At least one, or this share of `total`. */
const some = (total: number, share: number) => Math.max(1, Math.round(total * share));

/**
 * Plants what 数据质量 warns about (shared/financing/quality.ts), so that the page shows something
 * on a fresh demo: enterprises registered again under another's credit code with another name, some
 * in a retired district code, acceptances by a disabled institution, loans far above the intended
 * amount and events that reached the platform weeks late; and accepted demands still without a
 * decision weeks later (督办's 对接超时; demands never accepted occur naturally). Returns the
 * enterprises it added.
 */
function addDataQualityCases(
  random: Random,
  events: PendingEvent[],
  context: { institutions: InstitutionSeed[]; prefix: string; now: Date; salt: number },
): number {
  const nowMs = context.now.getTime();
  const registrations = events.filter((event) => event.type === 'enterprise.registered' && event.time < nowMs - 60 * DAY_MS);
  let added = 0;

  // The same credit code under another name, months later (a renamed enterprise registered again).
  for (let i = 0; i < some(registrations.length, 0.001) && registrations.length > 0; i += 1) {
    const original = random.pick(registrations);
    const data = original.data as { name: string; creditCode: string; industry: string; districtCode: string };
    const place = placeOf(data.districtCode);
    let name = enterpriseName(random, { industry: data.industry, form: enterpriseForm(random, data.industry), ...place, long: true });
    if (name === data.name) name = `${name}（新）`;
    const time = Math.min(nowMs - DAY_MS, daysLater(random, original.time, random.int(30, 400)));
    events.push({ time, type: 'enterprise.registered', data: { enterpriseId: `${context.prefix}-eq${i + 1}`, name, creditCode: data.creditCode, industry: data.industry, districtCode: data.districtCode } });
    added += 1;
  }

  // Districts that were merged away, still sent by a portal.
  for (let i = 0; i < Math.max(2, some(registrations.length, 0.0005)); i += 1) {
    // The first two in the demo city (开元区 and 鼓浪屿区, now 思明区), so its user sees some too.
    const retired = i < 2 ? RETIRED_DISTRICTS.find((entry) => entry.code === (i === 0 ? '350204' : '350202'))! : random.pick(RETIRED_DISTRICTS);
    const industry = random.pick(INDUSTRY_CODES);
    const form = enterpriseForm(random, industry);
    const place = placeOf(retired.successor);
    const time = officeTime(random, chinaDayStartOf(nowMs - random.int(20, 700) * DAY_MS));
    events.push({
      time,
      type: 'enterprise.registered',
      data: {
        enterpriseId: `${context.prefix}-er${i + 1}`,
        name: enterpriseName(random, { industry, form, ...place, long: true }),
        creditCode: creditCode(CREDIT_CODE_PREFIX[form], retired.code, 9_000_000 + i, context.salt, true),
        industry,
        districtCode: retired.code,
      },
    });
    added += 1;
  }

  // Acceptances reported by an institution the console has disabled.
  const disabled = context.institutions.filter((institution) => institution.status === 'disabled');
  const acceptances = events.filter((event) => event.type === 'order.accepted');
  if (disabled.length > 0) {
    for (let i = 0; i < some(acceptances.length, 0.002); i += 1) {
      const event = random.pick(acceptances);
      const institution = random.pick(disabled);
      if (event.time <= Date.parse(institution.createdAt)) continue;
      const { productId: _product, ...rest } = event.data as { productId?: string };
      event.data = { ...rest, institutionId: institution.id };
    }
  }

  // Loans far above what was intended.
  const intended = new Map(acceptances.map((event) => [String(event.data.orderId), Number(event.data.intendedAmount)]));
  const loans = events.filter((event) => event.type === 'order.loaned');
  for (let i = 0; i < some(loans.length, 0.003) && loans.length > 0; i += 1) {
    const event = random.pick(loans);
    const base = intended.get(String(event.data.orderId)) ?? 0;
    event.data = { ...event.data, loanAmount: Math.max(1_000, Math.ceil((base * random.between(1.6, 2.4)) / 1_000) * 1_000) };
  }

  const submitted = new Map(events.filter((event) => event.type === 'order.submitted').map((event) => [String(event.data.orderId), String(event.data.enterpriseId)]));
  const districtOf = new Map(events.filter((event) => event.type === 'enterprise.registered').map((event) => [String(event.data.enterpriseId), String(event.data.districtCode)]));
  const inCity = (orderId: string) => districtOf.get(submitted.get(orderId) ?? '')?.startsWith(DEMO_CITY.slice(0, 4)) ?? false;
  const submittedAt = new Map(events.filter((event) => event.type === 'order.submitted').map((event) => [String(event.data.orderId), event.time]));

  // Demands of the demo city never taken up (督办's 待受理超时): their acceptance and what followed dropped.
  const unanswered = new Set(
    acceptances
      .filter((event) => inCity(String(event.data.orderId)))
      .filter((event) => {
        const at = submittedAt.get(String(event.data.orderId)) ?? 0;
        return at > nowMs - 60 * DAY_MS && at < nowMs - 10 * DAY_MS;
      })
      .slice(0, 2)
      .map((event) => String(event.data.orderId)),
  );
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i]!;
    if (event.type !== 'order.submitted' && event.type.startsWith('order.') && unanswered.has(String(event.data.orderId))) events.splice(i, 1);
  }

  // Decisions still pending weeks after acceptance (督办's 对接超时), a few of them in the demo city.
  const acceptedAt = new Map(events.filter((event) => event.type === 'order.accepted').map((event) => [String(event.data.orderId), event.time]));
  const pending = events.filter((event) => {
    if (event.type !== 'order.loaned' && event.type !== 'order.rejected') return false;
    const accepted = acceptedAt.get(String(event.data.orderId)) ?? 0;
    return accepted > nowMs - 90 * DAY_MS && accepted < nowMs - 32 * DAY_MS;
  });
  const inDemoCity = pending.filter((event) => inCity(String(event.data.orderId)));
  const undecided = new Set<string>();
  for (const event of inDemoCity.slice(0, 3)) undecided.add(String(event.data.orderId));
  for (let i = 0; i < some(pending.length, 0.02) && pending.length > 0; i += 1) undecided.add(String(random.pick(pending).data.orderId));
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i]!;
    if (['order.loaned', 'order.rejected', 'order.defaulted'].includes(event.type) && undecided.has(String(event.data.orderId))) events.splice(i, 1);
  }

  // Events that reached the platform weeks after they happened.
  const old = events.filter((event) => event.time < nowMs - 120 * DAY_MS);
  for (let i = 0; i < some(old.length, 0.002) && old.length > 0; i += 1) {
    const event = random.pick(old);
    event.receivedAt = Math.min(nowMs, event.time + random.int(31, 90) * DAY_MS + random.int(0, 8 * 3600) * 1000);
  }
  return added;
}
