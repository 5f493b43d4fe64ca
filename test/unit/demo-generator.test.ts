import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  eventNeeds,
  eventTarget,
  validateEvent,
  type EnterpriseItem,
  type FinancingItem,
  type InstitutionRef,
  type OrderItem,
  type OrderStatus,
  type ProductItem,
} from '#shared/financing/model';
import { generateDemoData, type DemoDescription } from '#tools/demo/generate';
import { isValidCreditCode } from '#shared/reference/credit-code';
import { INSTITUTION_TYPE_CODES } from '#shared/reference/institution-types';
import { INDUSTRY_CODES } from '#shared/reference/industries';
import { demoProvinces } from '#tools/demo/weights';
import { findRegion } from '#shared/reference/regions';

const NOW = new Date('2026-05-20T04:00:00Z');
const ORDERS = 3000;
const description = generateDemoData({ orders: ORDERS, seed: 7, now: NOW });

/** Folds the events the way the bulk loader does, with institutions as the repository would store them. */
function fold(demo: DemoDescription) {
  const institutions = new Map<number, InstitutionRef>(
    demo.institutions.map((seed) => [
      seed.id,
      { id: seed.id, type: seed.type, fullName: seed.fullName, districtCode: seed.districtCode, cityCode: seed.cityCode, provinceCode: seed.provinceCode, status: seed.status },
    ]),
  );
  const items = new Map<string, FinancingItem>();
  const invalid: unknown[] = [];
  const rejected: unknown[] = [];
  for (const envelope of demo.events) {
    const event = validateEvent(envelope, NOW);
    if ('code' in event) {
      invalid.push({ envelope, event });
      continue;
    }
    const target = eventTarget(event);
    const key = `${target.kind}#${target.id}`;
    const needs = eventNeeds(event);
    const result = applyEvent(items.get(key), event, {
      enterprise: needs.enterpriseId ? (items.get(`enterprise#${needs.enterpriseId}`) as EnterpriseItem) : undefined,
      institution: needs.institutionId ? institutions.get(needs.institutionId) : undefined,
      product: needs.productId ? (items.get(`product#${needs.productId}`) as ProductItem) : undefined,
    });
    if (result.outcome === 'applied') items.set(key, result.item);
    else rejected.push({ envelope, result });
  }
  return { items, invalid, rejected };
}

const folded = fold(description);
const orders = [...folded.items.values()].filter((item): item is OrderItem => item.entity === 'order');

describe('demo data generator', () => {
  it('gives the same description for the same options', () => {
    const again = generateDemoData({ orders: ORDERS, seed: 7, now: NOW });
    expect(again).toEqual(description);
  });

  it('gives different data for a different seed', () => {
    const other = generateDemoData({ orders: ORDERS, seed: 8, now: NOW });
    expect(other.events.map((event) => event.data)).not.toEqual(description.events.map((event) => event.data));
    expect(other.institutions.map((seed) => seed.fullName)).not.toEqual(description.institutions.map((seed) => seed.fullName));
  });

  it('produces events that all pass validation', () => {
    expect(folded.invalid).toEqual([]);
  });

  it('produces events the reducer applies without a single rejection', () => {
    expect(folded.rejected).toEqual([]);
    expect(orders).toHaveLength(ORDERS);
  });

  it('reaches every order lifecycle state', () => {
    const states = new Set(orders.map((order) => order.status));
    const all: OrderStatus[] = ['submitted', 'docking', 'loaned', 'rejected', 'withdrawn', 'defaulted'];
    expect([...states].sort()).toEqual([...all].sort());
  });

  it('keeps outcome shares near the intended ones', () => {
    const share = (statuses: OrderStatus[]) => orders.filter((order) => statuses.includes(order.status)).length / orders.length;
    expect(share(['loaned', 'defaulted'])).toBeGreaterThan(0.45);
    expect(share(['loaned', 'defaulted'])).toBeLessThan(0.65);
    expect(share(['rejected'])).toBeGreaterThan(0.22);
    expect(share(['rejected'])).toBeLessThan(0.4);
    const loans = orders.filter((order) => order.loanAmount !== undefined).length;
    const defaults = orders.filter((order) => order.status === 'defaulted').length;
    expect(defaults / loans).toBeGreaterThan(0.01);
    expect(defaults / loans).toBeLessThan(0.06);
  });

  it('uses positive integer yuan for every amount, loans mostly within the intended amount', () => {
    for (const order of orders) {
      for (const amount of [order.requestedAmount, order.intendedAmount, order.loanAmount]) {
        if (amount === undefined) continue;
        expect(Number.isSafeInteger(amount) && amount > 0, `${order.orderId}: ${amount}`).toBe(true);
      }
    }
    const loans = orders.filter((order) => order.loanAmount !== undefined);
    const within = loans.filter((order) => order.loanAmount! <= order.intendedAmount!).length;
    expect(within / loans.length).toBeGreaterThan(0.9);
    const requested = orders.map((order) => order.requestedAmount).sort((a, b) => a - b);
    const median = requested[Math.floor(requested.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(500_000);
    expect(median).toBeLessThanOrEqual(2_000_000);
  });

  it('puts no event after now and keeps events sorted, each entity in causal order', () => {
    const times = description.events.map((event) => Date.parse(event.occurredAt));
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
    for (let i = 1; i < times.length; i += 1) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    for (const order of orders) {
      const chain = [order.submittedAt, order.acceptedAt, order.loanedAt ?? order.rejectedAt, order.defaultedAt].filter(Boolean) as string[];
      for (let i = 1; i < chain.length; i += 1) expect(chain[i]! > chain[i - 1]!, order.orderId).toBe(true);
      const enterprise = folded.items.get(`enterprise#${order.enterpriseId}`) as EnterpriseItem;
      expect(enterprise.registeredAt < order.submittedAt).toBe(true);
    }
    const firstOrder = orders.map((order) => order.submittedAt).sort()[0]!;
    expect(firstOrder >= '2018-12-31T16:00:00.000Z').toBe(true);
  });

  it('gives every enterprise a valid credit code carrying its district, and unique codes and names', () => {
    const enterprises = [...folded.items.values()].filter((item): item is EnterpriseItem => item.entity === 'enterprise');
    for (const enterprise of enterprises) {
      expect(isValidCreditCode(enterprise.creditCode), enterprise.creditCode).toBe(true);
      expect(enterprise.creditCode.slice(2, 8)).toBe(enterprise.reportedDistrictCode ?? enterprise.districtCode);
    }
    // Apart from the enterprises planted for 数据质量, registered again under another's code (`-eq`).
    const regular = enterprises.filter((enterprise) => !enterprise.enterpriseId.includes('-eq'));
    expect(new Set(regular.map((enterprise) => enterprise.creditCode)).size).toBe(regular.length);
    expect(new Set(enterprises.map((enterprise) => enterprise.name)).size).toBe(enterprises.length);
  });

  it('plants every kind of 数据质量 case: repeated codes, retired districts, late events, loans above intent', () => {
    const enterprises = [...folded.items.values()].filter((item): item is EnterpriseItem => item.entity === 'enterprise');
    const codes = new Map<string, string[]>();
    for (const enterprise of enterprises) codes.set(enterprise.creditCode, [...(codes.get(enterprise.creditCode) ?? []), enterprise.name]);
    const repeated = [...codes.values()].filter((names) => names.length > 1);
    expect(repeated.length).toBeGreaterThanOrEqual(1);
    expect(repeated.every((names) => new Set(names).size === names.length)).toBe(true);
    expect(enterprises.filter((enterprise) => enterprise.reportedDistrictCode).length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(description.arrivals).length).toBeGreaterThan(0);
    for (const [id, receivedAt] of Object.entries(description.arrivals)) {
      const event = description.events.find((candidate) => candidate.id === id)!;
      expect(Date.parse(receivedAt) - Date.parse(event.occurredAt)).toBeGreaterThan(30 * 86_400_000);
      expect(Date.parse(receivedAt)).toBeLessThanOrEqual(NOW.getTime());
    }
    expect(orders.some((order) => order.loanAmount !== undefined && order.loanAmount * 2 > order.intendedAmount! * 3)).toBe(true);
  });

  it('covers every mainland province, every industry section and every institution type', () => {
    const enterprises = [...folded.items.values()].filter((item): item is EnterpriseItem => item.entity === 'enterprise');
    expect(new Set(enterprises.map((enterprise) => enterprise.provinceCode)).size).toBe(demoProvinces().length);
    expect(new Set(enterprises.map((enterprise) => enterprise.industry))).toEqual(new Set(INDUSTRY_CODES));
    expect(new Set(description.institutions.map((seed) => seed.type))).toEqual(new Set(INSTITUTION_TYPE_CODES));
    expect(enterprises.some((enterprise) => enterprise.cityCode === '350200')).toBe(true);
  });

  it('places institutions in their own city, with unique names per city and unique specialist phones', () => {
    for (const seed of description.institutions) {
      expect(findRegion(seed.districtCode)?.parentCode).toBe(seed.cityCode);
      expect(findRegion(seed.cityCode)?.parentCode).toBe(seed.provinceCode);
      expect(seed.specialists.length).toBeLessThanOrEqual(4);
    }
    const names = description.institutions.map((seed) => `${seed.cityCode}#${seed.fullName}`);
    expect(new Set(names).size).toBe(names.length);
    const phones = description.institutions.flatMap((seed) => seed.specialists.map((specialist) => specialist.phone));
    expect(phones.every((phone) => /^1[3-9]\d{9}$/.test(phone))).toBe(true);
    expect(new Set(phones).size).toBe(phones.length);
  });

  it('numbers institutions through the given id function', () => {
    const shifted = generateDemoData({ orders: 200, seed: 7, now: NOW, institutions: 15, institutionId: (index) => 1000 + index });
    expect(shifted.institutions.map((seed) => seed.id)).toEqual(Array.from({ length: 15 }, (_, index) => 1000 + index));
    const referenced = shifted.events.map((event) => (event.data as { institutionId?: number }).institutionId).filter((id) => id !== undefined);
    expect(referenced.length).toBeGreaterThan(0);
    expect(referenced.every((id) => id! >= 1000 && id! < 1015)).toBe(true);
  });

  it('has orders grow year over year and dip in the Spring Festival month', () => {
    const big = generateDemoData({ orders: 20_000, seed: 3, now: NOW });
    const submitted = big.events.filter((event) => event.type === 'order.submitted').map((event) => event.occurredAt);
    const count = (prefix: string) => submitted.filter((time) => time.startsWith(prefix)).length;
    expect(count('2024')).toBeGreaterThan(count('2020'));
    expect(count('2025')).toBeGreaterThan(count('2024'));
    // 2024: Spring Festival on 10 February.
    expect(count('2024-02')).toBeLessThan(count('2024-03') * 0.7);
    expect(count('2024-12')).toBeGreaterThan(count('2024-11'));
  });
});
