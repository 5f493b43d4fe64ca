/**
 * The financing data model and its lifecycle, as pure functions: the ingestion API and the bulk
 * loaders (import, demo data) both turn events into stored items through `applyEvent`, so the two
 * paths cannot produce different records.
 *
 * Order lifecycle (docs/data-model.md, "Entities"): submitted → docking → loaned | rejected; submitted | docking →
 * withdrawn; loaned → defaulted. Every item remembers the ids of the events applied to it, which is
 * how a redelivered event is recognised (docs/data-model.md, "Write protocols").
 */
import * as z from 'zod';
import { isValidCreditCode } from '#shared/reference/credit-code';
import { isIndustryCode } from '#shared/reference/industries';
import { findRegion } from '#shared/reference/regions';
import { findRetiredDistrict } from '#shared/reference/retired-districts';
import {
  creditCodeFiring,
  lateEventFiring,
  loanAmountFiring,
  withFirings,
  type CreditCodeHolder,
  type Firing,
  type QualityFlags,
} from './quality';

export const EVENT_TYPES = [
  'enterprise.registered',
  'product.published',
  'product.withdrawn',
  'order.submitted',
  'order.accepted',
  'order.loaned',
  'order.rejected',
  'order.withdrawn',
  'order.defaulted',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const entityId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, '只能包含字母、数字和 ._:-');
/** Integer yuan; the largest single amount accepted is 1e12 yuan (1 万亿), far beyond any SME loan. */
const yuan = z.number().int('金额须为整数（元）').min(0, '金额不能为负').max(1e12, '金额过大');

export const EVENT_DATA = {
  'enterprise.registered': z.object({
    enterpriseId: entityId,
    name: z.string().trim().min(1).max(100),
    creditCode: z.string().trim().toUpperCase(),
    industry: z.string().trim().toUpperCase(),
    districtCode: z.string().regex(/^\d{6}$/, '须为 6 位行政区划代码'),
  }),
  'product.published': z.object({ productId: entityId, institutionId: z.number().int().positive(), name: z.string().trim().min(1).max(100).optional() }),
  'product.withdrawn': z.object({ productId: entityId, institutionId: z.number().int().positive(), name: z.string().trim().max(100).optional() }),
  'order.submitted': z.object({ orderId: entityId, enterpriseId: entityId, requestedAmount: yuan.min(1, '需求金额须大于 0') }),
  'order.accepted': z.object({
    orderId: entityId,
    institutionId: z.number().int().positive(),
    productId: entityId.optional(),
    intendedAmount: yuan,
  }),
  'order.loaned': z.object({ orderId: entityId, loanAmount: yuan.min(1, '放款金额须大于 0') }),
  'order.rejected': z.object({ orderId: entityId, reason: z.string().max(200).optional() }),
  'order.withdrawn': z.object({ orderId: entityId, reason: z.string().max(200).optional() }),
  'order.defaulted': z.object({ orderId: entityId, reason: z.string().max(200).optional() }),
} satisfies Record<EventType, z.ZodType>;

export type EventData<T extends EventType> = z.output<(typeof EVENT_DATA)[T]>;

/** Event ids: what is safe in keys, logs and spreadsheets (no spaces, no formula characters first). */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** An event as sent to `POST /ingest/events` (the envelope; `data` is checked per type). */
export const eventEnvelopeSchema = z.object({
  id: z.string().regex(EVENT_ID_PATTERN, '事件编号须为 1–128 个字母、数字或 ._:- 字符'),
  type: z.string(),
  occurredAt: z.string(),
  data: z.unknown(),
});
export type EventEnvelope = z.output<typeof eventEnvelopeSchema>;

export type ValidEvent = { [T in EventType]: { id: string; type: T; occurredAt: string; data: EventData<T> } }[EventType];

export interface Rejection {
  code: string;
  message: string;
}

/** Clock skew tolerated between the portals and us before an event counts as "in the future". */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** Checks the envelope's type, time and data. */
export function validateEvent(envelope: EventEnvelope, now: Date): ValidEvent | Rejection {
  if (!(EVENT_TYPES as readonly string[]).includes(envelope.type)) {
    return { code: 'UNKNOWN_EVENT_TYPE', message: `未知的事件类型 ${envelope.type}` };
  }
  const type = envelope.type as EventType;
  const time = Date.parse(envelope.occurredAt);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(envelope.occurredAt) || Number.isNaN(time)) {
    return { code: 'INVALID_OCCURRED_AT', message: 'occurredAt 须为 ISO-8601 时间' };
  }
  if (time > now.getTime() + FUTURE_TOLERANCE_MS) return { code: 'OCCURRED_IN_FUTURE', message: '事件时间晚于当前时间' };
  const parsed = EVENT_DATA[type].safeParse(envelope.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const amountIssue = parsed.error.issues.find((i) => /Amount$/.test(String(i.path.at(-1))));
    return {
      code: amountIssue ? 'INVALID_AMOUNT' : 'INVALID_DATA',
      message: `${(amountIssue ?? issue).path.join('.') || 'data'}: ${(amountIssue ?? issue).message}`,
    };
  }
  if (type === 'enterprise.registered') {
    const data = parsed.data as EventData<'enterprise.registered'>;
    if (!isValidCreditCode(data.creditCode)) return { code: 'INVALID_CREDIT_CODE', message: '统一社会信用代码无效（格式或校验位错误）' };
    if (!isIndustryCode(data.industry)) return { code: 'UNKNOWN_INDUSTRY', message: '行业门类须为 A–T' };
    // A retired district is taken (and flagged, see applyEvent); an unknown code is refused.
    if (findRegion(data.districtCode)?.level !== 'district' && !findRetiredDistrict(data.districtCode)) {
      return { code: 'UNKNOWN_DISTRICT', message: '区县代码不存在' };
    }
  }
  return { id: envelope.id, type, occurredAt: new Date(time).toISOString(), data: parsed.data } as ValidEvent;
}

// ---- stored items ---------------------------------------------------------------------------

interface Tracked {
  /** Ids of the events applied to this item, in order. */
  eventIds: string[];
  /** One more for every change: every applied event, and every 数据质量 warning marked checked. */
  version: number;
  /** 数据质量 warnings (shared/financing/quality.ts), by rule. */
  quality?: QualityFlags;
}

export interface EnterpriseItem extends Tracked {
  entity: 'enterprise';
  enterpriseId: string;
  name: string;
  creditCode: string;
  industry: string;
  districtCode: string;
  cityCode: string;
  provinceCode: string;
  /** The retired district code the portal sent, when it sent one (districtCode is then its successor). */
  reportedDistrictCode?: string;
  registeredAt: string;
}

export type ProductStatus = 'published' | 'withdrawn';

export interface ProductItem extends Tracked {
  entity: 'product';
  productId: string;
  institutionId: number;
  institutionType: string;
  name?: string;
  districtCode: string;
  cityCode: string;
  provinceCode: string;
  status: ProductStatus;
  publishedAt: string;
  withdrawnAt?: string;
}

export type OrderStatus = 'submitted' | 'docking' | 'loaned' | 'rejected' | 'withdrawn' | 'defaulted';

export interface OrderItem extends Tracked {
  entity: 'order';
  orderId: string;
  enterpriseId: string;
  enterpriseName: string;
  /** Copied from the enterprise at submission (attribution never changes afterwards). */
  industry: string;
  districtCode: string;
  cityCode: string;
  provinceCode: string;
  requestedAmount: number;
  status: OrderStatus;
  submittedAt: string;
  acceptedAt?: string;
  institutionId?: number;
  institutionType?: string;
  institutionName?: string;
  productId?: string;
  intendedAmount?: number;
  loanedAt?: string;
  loanAmount?: number;
  rejectedAt?: string;
  withdrawnAt?: string;
  defaultedAt?: string;
  reason?: string;
}

export type FinancingItem = EnterpriseItem | ProductItem | OrderItem;

/** What an event needs to know about other records. */
export interface InstitutionRef {
  id: number;
  type: string;
  fullName: string;
  districtCode: string;
  cityCode: string;
  provinceCode: string;
  status: string;
}

export interface EventContext {
  enterprise?: EnterpriseItem;
  institution?: InstitutionRef;
  product?: ProductItem;
  /**
   * When the event was received (ISO-8601): 数据质量 warnings are dated by it, and an event received
   * long after it occurred is flagged. Absent: as it occurred (on time).
   */
  receivedAt?: string;
  /** For `enterprise.registered`: other enterprises already registered under the same credit code. */
  creditCodeHolders?: readonly CreditCodeHolder[];
}

/** The key (entity kind and id) an event applies to. */
export function eventTarget(event: ValidEvent): { kind: 'enterprise' | 'product' | 'order'; id: string } {
  if (event.type === 'enterprise.registered') return { kind: 'enterprise', id: event.data.enterpriseId };
  if (event.type === 'product.published' || event.type === 'product.withdrawn') return { kind: 'product', id: event.data.productId };
  return { kind: 'order', id: event.data.orderId };
}

/** Which other records an event needs. */
export function eventNeeds(event: ValidEvent): { enterpriseId?: string; institutionId?: number; productId?: string } {
  switch (event.type) {
    case 'order.submitted':
      return { enterpriseId: event.data.enterpriseId };
    case 'order.accepted':
      return { institutionId: event.data.institutionId, ...(event.data.productId ? { productId: event.data.productId } : {}) };
    case 'product.published':
      return { institutionId: event.data.institutionId };
    default:
      return {};
  }
}

export type ApplyResult = { outcome: 'applied'; item: FinancingItem } | { outcome: 'duplicate' } | ({ outcome: 'rejected' } & Rejection);

const reject = (code: string, message: string): ApplyResult => ({ outcome: 'rejected', code, message });
const track = (current: Tracked | undefined, eventId: string): Tracked => ({
  eventIds: [...(current?.eventIds ?? []), eventId],
  version: (current?.version ?? 0) + 1,
});

const ORDER_TRANSITIONS: Record<string, { from: OrderStatus[]; to: OrderStatus; at: keyof OrderItem }> = {
  'order.accepted': { from: ['submitted'], to: 'docking', at: 'acceptedAt' },
  'order.loaned': { from: ['docking'], to: 'loaned', at: 'loanedAt' },
  'order.rejected': { from: ['docking'], to: 'rejected', at: 'rejectedAt' },
  'order.withdrawn': { from: ['submitted', 'docking'], to: 'withdrawn', at: 'withdrawnAt' },
  'order.defaulted': { from: ['loaned'], to: 'defaulted', at: 'defaultedAt' },
};

const STATUS_NAMES: Record<OrderStatus, string> = {
  submitted: '需求发布',
  docking: '对接中',
  loaned: '已放款',
  rejected: '已拒绝',
  withdrawn: '已撤回',
  defaulted: '坏账',
};

/**
 * Applies one valid event to the current item (undefined when it does not exist yet), with the
 * 数据质量 warnings it raises. Pure: the caller loads `current` and the context, and writes the result
 * conditionally.
 */
export function applyEvent(current: FinancingItem | undefined, event: ValidEvent, context: EventContext): ApplyResult {
  const result = applyLifecycle(current, event, context);
  if (result.outcome !== 'applied') return result;
  const firings = qualityFirings(current, result.item, event, context);
  if (firings.length === 0) return result;
  const quality = withFirings(result.item.quality, firings, event.id, context.receivedAt ?? event.occurredAt);
  return { outcome: 'applied', item: { ...result.item, quality } as FinancingItem };
}

/** The 数据质量 rules an applied event fires (shared/financing/quality.ts). */
function qualityFirings(current: FinancingItem | undefined, next: FinancingItem, event: ValidEvent, context: EventContext): Firing[] {
  const firings: (Firing | undefined)[] = [];
  if (context.receivedAt) firings.push(lateEventFiring(event.type, event.occurredAt, context.receivedAt));
  if (event.type === 'enterprise.registered' && next.entity === 'enterprise') {
    const retired = findRetiredDistrict(event.data.districtCode);
    if (retired) {
      firings.push({
        rule: 'retired-district',
        values: { reportedDistrictCode: retired.code, reportedDistrictName: retired.name, districtCode: retired.successor, districtName: findRegion(retired.successor)!.name },
      });
    }
    firings.push(creditCodeFiring(next.creditCode, next.enterpriseId, next.name, context.creditCodeHolders ?? []));
  } else if (event.type === 'order.accepted' && next.entity === 'order' && context.institution?.status === 'disabled') {
    firings.push({ rule: 'disabled-institution', values: { institutionId: context.institution.id, institutionName: context.institution.fullName } });
  } else if (event.type === 'order.loaned' && next.entity === 'order' && current?.entity === 'order') {
    firings.push(loanAmountFiring(event.data.loanAmount, current.intendedAmount, current.requestedAmount));
  }
  return firings.filter((firing): firing is Firing => firing !== undefined);
}

/** The lifecycle alone (see {@link applyEvent}). */
function applyLifecycle(current: FinancingItem | undefined, event: ValidEvent, context: EventContext): ApplyResult {
  if (current?.eventIds.includes(event.id)) return { outcome: 'duplicate' };
  const at = event.occurredAt;

  switch (event.type) {
    case 'enterprise.registered': {
      if (current) return reject('ENTERPRISE_EXISTS', `企业 ${event.data.enterpriseId} 已注册`);
      const retired = findRetiredDistrict(event.data.districtCode);
      const district = findRegion(retired?.successor ?? event.data.districtCode)!;
      const city = findRegion(district.parentCode!)!;
      return {
        outcome: 'applied',
        item: {
          entity: 'enterprise',
          enterpriseId: event.data.enterpriseId,
          name: event.data.name,
          creditCode: event.data.creditCode,
          industry: event.data.industry,
          districtCode: district.code,
          cityCode: city.code,
          provinceCode: city.parentCode!,
          ...(retired ? { reportedDistrictCode: retired.code } : {}),
          registeredAt: at,
          ...track(undefined, event.id),
        },
      };
    }
    case 'product.published': {
      const institution = context.institution;
      if (!institution) return reject('UNKNOWN_INSTITUTION', `金融机构 ${event.data.institutionId} 不存在`);
      const previous = current as ProductItem | undefined;
      if (previous && previous.status !== 'withdrawn') return reject('INVALID_TRANSITION', '产品已发布');
      if (previous && previous.institutionId !== institution.id) return reject('PRODUCT_INSTITUTION_MISMATCH', '产品不属于该金融机构');
      return {
        outcome: 'applied',
        item: {
          entity: 'product',
          productId: event.data.productId,
          institutionId: institution.id,
          institutionType: institution.type,
          ...(event.data.name ?? previous?.name ? { name: event.data.name ?? previous?.name } : {}),
          districtCode: institution.districtCode,
          cityCode: institution.cityCode,
          provinceCode: institution.provinceCode,
          status: 'published',
          publishedAt: at,
          ...track(previous, event.id),
        },
      };
    }
    case 'product.withdrawn': {
      const previous = current as ProductItem | undefined;
      if (!previous) return reject('UNKNOWN_PRODUCT', `产品 ${event.data.productId} 不存在`);
      if (previous.institutionId !== event.data.institutionId) return reject('PRODUCT_INSTITUTION_MISMATCH', '产品不属于该金融机构');
      if (previous.status !== 'published') return reject('INVALID_TRANSITION', '产品已下架');
      return { outcome: 'applied', item: { ...previous, status: 'withdrawn', withdrawnAt: at, ...track(previous, event.id) } };
    }
    case 'order.submitted': {
      if (current) return reject('ORDER_EXISTS', `订单 ${event.data.orderId} 已存在`);
      const enterprise = context.enterprise;
      if (!enterprise) return reject('UNKNOWN_ENTERPRISE', `企业 ${event.data.enterpriseId} 不存在`);
      return {
        outcome: 'applied',
        item: {
          entity: 'order',
          orderId: event.data.orderId,
          enterpriseId: enterprise.enterpriseId,
          enterpriseName: enterprise.name,
          industry: enterprise.industry,
          districtCode: enterprise.districtCode,
          cityCode: enterprise.cityCode,
          provinceCode: enterprise.provinceCode,
          requestedAmount: event.data.requestedAmount,
          status: 'submitted',
          submittedAt: at,
          ...track(undefined, event.id),
        },
      };
    }
    default: {
      const order = current as OrderItem | undefined;
      if (!order) return reject('UNKNOWN_ORDER', `订单 ${event.data.orderId} 不存在`);
      const rule = ORDER_TRANSITIONS[event.type]!;
      if (!rule.from.includes(order.status)) {
        return reject('INVALID_TRANSITION', `订单当前为「${STATUS_NAMES[order.status]}」，不能变为「${STATUS_NAMES[rule.to]}」`);
      }
      const next: OrderItem = { ...order, status: rule.to, [rule.at]: at, ...track(order, event.id) };
      if (event.type === 'order.accepted') {
        const institution = context.institution;
        if (!institution) return reject('UNKNOWN_INSTITUTION', `金融机构 ${event.data.institutionId} 不存在`);
        // A disabled institution's acceptance is taken as reported and flagged (数据质量, applyEvent).
        if (event.data.productId) {
          const product = context.product;
          if (!product || product.institutionId !== institution.id) return reject('UNKNOWN_PRODUCT', '产品不存在或不属于该机构');
          next.productId = product.productId;
        }
        next.institutionId = institution.id;
        next.institutionType = institution.type;
        next.institutionName = institution.fullName;
        next.intendedAmount = event.data.intendedAmount;
      } else if (event.type === 'order.loaned') {
        next.loanAmount = event.data.loanAmount;
      } else if ('reason' in event.data && event.data.reason) {
        next.reason = event.data.reason;
      }
      return { outcome: 'applied', item: next };
    }
  }
}
