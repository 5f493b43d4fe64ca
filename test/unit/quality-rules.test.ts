/**
 * 数据质量 rules at ingestion (shared/financing/quality.ts through applyEvent): each rule flags the
 * record it concerns with its values and never rejects; a second firing replaces the warning and
 * undoes a check; boundaries are exact in integer yuan and days.
 */
import { describe, expect, it } from 'vitest';
import { applyEvent, validateEvent, type EnterpriseItem, type EventType, type InstitutionRef, type OrderItem, type ValidEvent } from '#shared/financing/model';
import { loanAmountFiring, lateEventFiring, normalizeEnterpriseName } from '#shared/financing/quality';

const NOW = new Date('2026-11-27T00:00:00Z');
const institution: InstitutionRef = { id: 7, type: 'bank', fullName: '测试银行', districtCode: '350203', cityCode: '350200', provinceCode: '350000', status: 'enabled' };

function event(type: EventType, data: Record<string, unknown>, occurredAt = '2026-11-01T02:00:00Z', id = `${type}-1`): ValidEvent {
  const result = validateEvent({ id, type, occurredAt, data }, NOW);
  if ('code' in result) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

const docking: OrderItem = {
  entity: 'order', orderId: 'o1', enterpriseId: 'e1', enterpriseName: '企业', industry: 'C', districtCode: '350203', cityCode: '350200', provinceCode: '350000',
  requestedAmount: 1_000_000, status: 'docking', submittedAt: '2026-10-01T02:00:00.000Z', acceptedAt: '2026-10-02T02:00:00.000Z',
  institutionId: 7, institutionType: 'bank', institutionName: '测试银行', intendedAmount: 600_000, eventIds: ['s', 'a'], version: 2,
};

const applied = (result: ReturnType<typeof applyEvent>) => {
  if (result.outcome !== 'applied') throw new Error(JSON.stringify(result));
  return result.item;
};

describe('放款金额异常', () => {
  it('fires above 150 % of the intended or 200 % of the requested amount, not at them', () => {
    expect(loanAmountFiring(900_000, 600_000, 1_000_000)).toBeUndefined(); // exactly 150 %
    expect(loanAmountFiring(900_001, 600_000, 1_000_000)).toMatchObject({ rule: 'loan-amount' });
    expect(loanAmountFiring(2_000_000, 2_000_000, 1_000_000)).toBeUndefined(); // exactly 200 % of requested
    expect(loanAmountFiring(2_000_001, 2_000_000, 1_000_000)).toMatchObject({ values: { loanAmount: 2_000_001, intendedAmount: 2_000_000, requestedAmount: 1_000_000 } });
    expect(loanAmountFiring(1, 0, 1_000_000)).toMatchObject({ rule: 'loan-amount' }); // nothing intended
  });

  it('flags the loaned order, received on time, dated when received', () => {
    const item = applied(applyEvent(docking, event('order.loaned', { orderId: 'o1', loanAmount: 1_000_000 }), { receivedAt: '2026-11-01T03:00:00.000Z' }));
    expect(item.quality).toEqual({
      'loan-amount': { flaggedAt: '2026-11-01T03:00:00.000Z', eventId: 'order.loaned-1', values: { loanAmount: 1_000_000, intendedAmount: 600_000, requestedAmount: 1_000_000 }, occurrences: 1 },
    });
    expect(applied(applyEvent(docking, event('order.loaned', { orderId: 'o1', loanAmount: 800_000 }), {})).quality).toBeUndefined();
  });
});

describe('事件迟报', () => {
  it('fires for more than 30 days between occurrence and receipt', () => {
    expect(lateEventFiring('order.submitted', '2026-10-01T00:00:00.000Z', '2026-10-31T00:00:00.000Z')).toBeUndefined();
    expect(lateEventFiring('order.submitted', '2026-10-01T00:00:00.000Z', '2026-10-31T00:00:00.001Z')).toMatchObject({ values: { delayDays: 30 } });
  });

  it('keeps one warning per rule: a later firing replaces it, unchecked, counting occurrences', () => {
    const first = applied(applyEvent(undefined, event('order.submitted', { orderId: 'o9', enterpriseId: 'e1', requestedAmount: 5 }, '2026-06-01T00:00:00Z', 's9'), {
      enterprise: { entity: 'enterprise', enterpriseId: 'e1', name: '企业', creditCode: 'x', industry: 'C', districtCode: '350203', cityCode: '350200', provinceCode: '350000', registeredAt: '2026-01-01T00:00:00Z', eventIds: [], version: 1 },
      receivedAt: '2026-08-01T00:00:00.000Z',
    })) as OrderItem;
    expect(first.quality?.['late-event']).toMatchObject({ eventId: 's9', occurrences: 1, values: { eventType: 'order.submitted', delayDays: 61 } });
    const checked: OrderItem = { ...first, quality: { 'late-event': { ...first.quality!['late-event']!, checkedAt: '2026-08-02T00:00:00.000Z', checkedBy: { accountId: 1, name: '张三' } } } };
    const second = applied(applyEvent(checked, event('order.withdrawn', { orderId: 'o9' }, '2026-07-01T00:00:00Z', 'w9'), { receivedAt: '2026-09-01T00:00:00.000Z' }));
    expect(second.quality?.['late-event']).toEqual({
      flaggedAt: '2026-09-01T00:00:00.000Z', eventId: 'w9', occurrences: 2,
      values: { eventType: 'order.withdrawn', occurredAt: '2026-07-01T00:00:00.000Z', receivedAt: '2026-09-01T00:00:00.000Z', delayDays: 62 },
    });
    // An event that changes nothing (a duplicate) raises nothing.
    expect(applyEvent(second, event('order.withdrawn', { orderId: 'o9' }, '2026-07-01T00:00:00Z', 'w9'), { receivedAt: '2026-12-01T00:00:00.000Z' })).toEqual({ outcome: 'duplicate' });
  });
});

describe('registration rules', () => {
  const registration = (districtCode: string, name = '厦门鹭岛科技有限公司') =>
    event('enterprise.registered', { enterpriseId: 'e5', name, creditCode: '91110108551385082Q', industry: 'I', districtCode });

  it('信用代码名称不一致: another enterprise holds the code under another name', () => {
    const holders = [{ enterpriseId: 'e1', name: '厦门鹭岛科技有限公司' }, { enterpriseId: 'e2', name: '厦门海湾贸易有限公司' }];
    const item = applied(applyEvent(undefined, registration('350203'), { creditCodeHolders: holders })) as EnterpriseItem;
    expect(item.quality?.['credit-code-names']?.values).toEqual({ creditCode: '91110108551385082Q', name: '厦门鹭岛科技有限公司', otherNames: '厦门海湾贸易有限公司', otherCount: 1 });
    // The same name (full-width brackets and spaces aside) is the same enterprise registering twice: no warning.
    expect(normalizeEnterpriseName(' 厦门（鹭岛）科技 ')).toBe(normalizeEnterpriseName('厦门(鹭岛)科技'));
    expect(applied(applyEvent(undefined, registration('350203'), { creditCodeHolders: [holders[0]!] })).quality).toBeUndefined();
  });

  it('区县代码已撤销: counted in the successor, the reported code kept', () => {
    const item = applied(applyEvent(undefined, registration('350204'), {})) as EnterpriseItem;
    expect(item).toMatchObject({ districtCode: '350203', cityCode: '350200', provinceCode: '350000', reportedDistrictCode: '350204' });
    expect(item.quality?.['retired-district']?.values).toEqual({ reportedDistrictCode: '350204', reportedDistrictName: '开元区', districtCode: '350203', districtName: '思明区' });
  });

  it('禁用机构受理: accepted as reported and flagged', () => {
    const submitted: OrderItem = { ...docking, status: 'submitted', acceptedAt: undefined, institutionId: undefined, institutionType: undefined, institutionName: undefined, intendedAmount: undefined, eventIds: ['s'], version: 1 };
    const item = applied(applyEvent(submitted, event('order.accepted', { orderId: 'o1', institutionId: 7, intendedAmount: 5 }), { institution: { ...institution, status: 'disabled' } }));
    expect(item).toMatchObject({ status: 'docking', institutionId: 7 });
    expect(item.quality?.['disabled-institution']?.values).toEqual({ institutionId: 7, institutionName: '测试银行' });
    expect(applied(applyEvent(submitted, event('order.accepted', { orderId: 'o1', institutionId: 7, intendedAmount: 5 }), { institution })).quality).toBeUndefined();
  });
});
