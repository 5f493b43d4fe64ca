import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  validateEvent,
  type EnterpriseItem,
  type EventType,
  type InstitutionRef,
  type OrderItem,
  type OrderStatus,
  type ValidEvent,
} from '#shared/financing/model';

const NOW = new Date('2026-11-27T00:00:00Z');
const enterprise: EnterpriseItem = {
  entity: 'enterprise', enterpriseId: 'e1', name: '厦门测试科技有限公司', creditCode: '91110108551385082Q', industry: 'I',
  districtCode: '350203', cityCode: '350200', provinceCode: '350000', registeredAt: '2024-01-01T00:00:00.000Z', eventIds: ['x'], version: 1,
};
const institution: InstitutionRef = { id: 7, type: 'bank', fullName: '测试银行', districtCode: '350203', cityCode: '350200', provinceCode: '350000', status: 'enabled' };

function event(type: EventType, data: Record<string, unknown>, id = `${type}-1`, occurredAt = '2025-01-01T00:00:00Z'): ValidEvent {
  const result = validateEvent({ id, type, occurredAt, data }, NOW);
  if ('code' in result) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

const ORDER_EVENTS: Record<Exclude<EventType, 'enterprise.registered' | 'product.published' | 'product.withdrawn' | 'order.submitted'>, Record<string, unknown>> = {
  'order.accepted': { orderId: 'o1', institutionId: 7, intendedAmount: 1_000_000 },
  'order.loaned': { orderId: 'o1', loanAmount: 900_000 },
  'order.rejected': { orderId: 'o1' },
  'order.withdrawn': { orderId: 'o1' },
  'order.defaulted': { orderId: 'o1' },
};

const ALLOWED: Record<OrderStatus, string[]> = {
  submitted: ['order.accepted', 'order.withdrawn'],
  docking: ['order.loaned', 'order.rejected', 'order.withdrawn'],
  loaned: ['order.defaulted'],
  rejected: [],
  withdrawn: [],
  defaulted: [],
};

function order(status: OrderStatus): OrderItem {
  return {
    entity: 'order', orderId: 'o1', enterpriseId: 'e1', enterpriseName: enterprise.name, industry: 'I', districtCode: '350203',
    cityCode: '350200', provinceCode: '350000', requestedAmount: 1_000_000, status, submittedAt: '2024-06-01T00:00:00.000Z',
    eventIds: ['s'], version: 1,
  };
}

describe('order lifecycle', () => {
  for (const status of Object.keys(ALLOWED) as OrderStatus[]) {
    for (const [type, data] of Object.entries(ORDER_EVENTS)) {
      const allowed = ALLOWED[status].includes(type);
      it(`${allowed ? 'allows' : 'refuses'} ${type} from ${status}`, () => {
        const result = applyEvent(order(status), event(type as EventType, data), { institution });
        if (allowed) {
          expect(result.outcome).toBe('applied');
        } else {
          expect(result).toMatchObject({ outcome: 'rejected', code: 'INVALID_TRANSITION' });
        }
      });
    }
  }

  it('copies the enterprise region and industry at submission and the institution at acceptance', () => {
    const submitted = applyEvent(undefined, event('order.submitted', { orderId: 'o1', enterpriseId: 'e1', requestedAmount: 500_000 }), { enterprise });
    expect(submitted).toMatchObject({ outcome: 'applied', item: { provinceCode: '350000', cityCode: '350200', districtCode: '350203', industry: 'I', status: 'submitted', version: 1 } });
    const accepted = applyEvent((submitted as { item: OrderItem }).item, event('order.accepted', ORDER_EVENTS['order.accepted'], 'a1', '2025-01-02T00:00:00Z'), { institution });
    expect(accepted).toMatchObject({ outcome: 'applied', item: { status: 'docking', institutionId: 7, institutionType: 'bank', intendedAmount: 1_000_000, acceptedAt: '2025-01-02T00:00:00.000Z', version: 2, eventIds: ['order.submitted-1', 'a1'] } });
  });

  it('recognises an event applied before as a duplicate', () => {
    const item = { ...order('docking'), eventIds: ['s', 'order.accepted-1'] };
    expect(applyEvent(item, event('order.accepted', ORDER_EVENTS['order.accepted']), { institution })).toEqual({ outcome: 'duplicate' });
  });

  it('refuses orders of unknown enterprises and acceptance by unknown institutions', () => {
    expect(applyEvent(undefined, event('order.submitted', { orderId: 'o1', enterpriseId: 'zz', requestedAmount: 1 }), {})).toMatchObject({ code: 'UNKNOWN_ENTERPRISE' });
    expect(applyEvent(order('submitted'), event('order.accepted', ORDER_EVENTS['order.accepted']), {})).toMatchObject({ code: 'UNKNOWN_INSTITUTION' });
    // A disabled institution's acceptance is taken and flagged (test/unit/quality-rules.test.ts).
    expect(applyEvent(order('submitted'), event('order.accepted', ORDER_EVENTS['order.accepted']), { institution: { ...institution, status: 'disabled' } })).toMatchObject({ outcome: 'applied' });
    expect(applyEvent(undefined, event('order.loaned', ORDER_EVENTS['order.loaned']), {})).toMatchObject({ code: 'UNKNOWN_ORDER' });
  });
});

describe('event validation', () => {
  const valid = { enterpriseId: 'e1', name: '企业', creditCode: '91110108551385082Q', industry: 'C', districtCode: '350203' };
  const check = (type: string, data: unknown, occurredAt = '2025-01-01T00:00:00Z') => validateEvent({ id: 'x', type, occurredAt, data }, NOW);

  it('accepts a good enterprise registration and normalises the time to UTC', () => {
    expect(check('enterprise.registered', valid, '2025-01-01T08:00:00+08:00')).toMatchObject({ occurredAt: '2025-01-01T00:00:00.000Z' });
  });

  it('rejects bad credit codes, industries, districts, amounts, times and types with clear codes', () => {
    expect(check('enterprise.registered', { ...valid, creditCode: '91110108551385082A' })).toMatchObject({ code: 'INVALID_CREDIT_CODE' });
    expect(check('enterprise.registered', { ...valid, industry: 'Z' })).toMatchObject({ code: 'UNKNOWN_INDUSTRY' });
    expect(check('enterprise.registered', { ...valid, districtCode: '350200' })).toMatchObject({ code: 'UNKNOWN_DISTRICT' });
    expect(check('enterprise.registered', { ...valid, districtCode: '350299' })).toMatchObject({ code: 'UNKNOWN_DISTRICT' });
    // A retired district (鼓浪屿区, merged into 思明区 in 2003) is taken and flagged.
    expect(check('enterprise.registered', { ...valid, districtCode: '350202' })).toMatchObject({ type: 'enterprise.registered' });
    expect(check('order.submitted', { orderId: 'o', enterpriseId: 'e', requestedAmount: -5 })).toMatchObject({ code: 'INVALID_AMOUNT' });
    expect(check('order.submitted', { orderId: 'o', enterpriseId: 'e', requestedAmount: 10.5 })).toMatchObject({ code: 'INVALID_AMOUNT' });
    expect(check('order.loaned', { orderId: 'o', loanAmount: '100' })).toMatchObject({ code: 'INVALID_AMOUNT' });
    expect(check('order.submitted', { orderId: 'o', enterpriseId: 'e', requestedAmount: 5 }, '2027-01-01T00:00:00Z')).toMatchObject({ code: 'OCCURRED_IN_FUTURE' });
    expect(check('order.submitted', { orderId: 'o', enterpriseId: 'e', requestedAmount: 5 }, 'yesterday')).toMatchObject({ code: 'INVALID_OCCURRED_AT' });
    expect(check('order.exploded', {})).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE' });
    expect(check('order.submitted', null)).toMatchObject({ code: 'INVALID_DATA' });
  });
});
