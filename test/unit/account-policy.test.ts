import { describe, expect, it } from 'vitest';
import { canAudit, childRole, narrowScope, subordinateRegion, tierOf, tierScope } from '#shared/auth/account-policy';
import { NATION_CODE } from '#shared/reference/regions';

const national = { accountId: 1, role: 'national' as const, provinceCode: NATION_CODE };
const fujian = { accountId: 2, role: 'province' as const, provinceCode: '350000' };
const xiamen = { accountId: 3, role: 'city' as const, provinceCode: '350000', cityCode: '350200' };
const target = (over: Record<string, unknown>) => ({ id: 99, auditStatus: 'pending' as const, provinceCode: '350000', ...over }) as never;

describe('account policy', () => {
  it('knows the level below each role', () => {
    expect([childRole('national'), childRole('province'), childRole('city')]).toEqual(['province', 'city', undefined]);
  });

  it('scopes the peer and subordinate tiers', () => {
    expect(tierScope(national, 'peer')).toEqual({ role: 'national' });
    expect(tierScope(national, 'subordinate')).toEqual({ role: 'province' });
    expect(tierScope(fujian, 'subordinate')).toEqual({ role: 'city', provinceCode: '350000' });
    expect(tierScope(xiamen, 'peer')).toEqual({ role: 'city', provinceCode: '350000', cityCode: '350200' });
    expect(() => tierScope(xiamen, 'subordinate')).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('finds the tier through which a caller administers a target', () => {
    expect(tierOf(fujian, target({ role: 'city', cityCode: '350100' }))).toBe('subordinate');
    expect(tierOf(fujian, target({ role: 'city', provinceCode: '440000', cityCode: '440100' }))).toBeUndefined();
    expect(tierOf(xiamen, target({ role: 'city', cityCode: '350100' }))).toBeUndefined();
    expect(tierOf(national, target({ role: 'city', cityCode: '350200' }))).toBeUndefined();
  });

  it('gives audits to the level above, and national audits to another national user', () => {
    expect(canAudit(fujian, target({ role: 'city', cityCode: '350200' }))).toBe(true);
    expect(canAudit(xiamen, target({ role: 'city', cityCode: '350200' }))).toBe(false);
    expect(canAudit(national, target({ role: 'province' }))).toBe(true);
    expect(canAudit(national, target({ role: 'national', provinceCode: NATION_CODE, createdBy: 1 }))).toBe(false);
    expect(canAudit(national, target({ role: 'national', provinceCode: NATION_CODE, createdBy: 5 }))).toBe(true);
  });

  it('narrows a scope by a region inside it and refuses one outside', () => {
    expect(narrowScope({ role: 'city', provinceCode: '350000' }, '350200')).toEqual({ role: 'city', provinceCode: '350000', cityCode: '350200' });
    expect(() => narrowScope({ role: 'city', provinceCode: '350000' }, '440100')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => narrowScope({ role: 'city', provinceCode: '350000' }, '350203')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('places subordinate accounts in a province (national) or a city of the province', () => {
    expect(subordinateRegion(national, '350000')).toEqual({ provinceCode: '350000' });
    expect(() => subordinateRegion(national, '350200')).toThrow(expect.objectContaining({ status: 400 }));
    expect(subordinateRegion(fujian, '350200')).toEqual({ provinceCode: '350000', cityCode: '350200' });
    expect(() => subordinateRegion(fujian, '440100')).toThrow(expect.objectContaining({ status: 403 }));
  });
});
