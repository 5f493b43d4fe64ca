import { describe, expect, it } from 'vitest';
import {
  bySortOrderThenId,
  canManageInstitution,
  canReadInstitution,
  institutionPlace,
  listScope,
  matchesKeyword,
  pageOf,
} from '#functions/institutions/policy';
import { planCounterRepair } from '#tools/specialists';
import { WRITE_SETTLE_MS } from '#shared/db/guards';
import { NATION_CODE } from '#shared/reference/regions';

const national = { role: 'national' as const, provinceCode: NATION_CODE };
const fujian = { role: 'province' as const, provinceCode: '350000' };
const xiamen = { role: 'city' as const, provinceCode: '350000', cityCode: '350200' };
const fuzhou = { role: 'city' as const, provinceCode: '350000', cityCode: '350100' };
const inXiamen = { provinceCode: '350000', cityCode: '350200' };
const inGuangzhou = { provinceCode: '440000', cityCode: '440100' };

describe('institution policy', () => {
  it('lets the nation read everything, a province and a city only inside themselves', () => {
    expect(canReadInstitution(national, inGuangzhou)).toBe(true);
    expect(canReadInstitution(fujian, inXiamen)).toBe(true);
    expect(canReadInstitution(fujian, inGuangzhou)).toBe(false);
    expect(canReadInstitution(xiamen, inXiamen)).toBe(true);
    expect(canReadInstitution(fuzhou, inXiamen)).toBe(false);
  });

  it('lets only a user of the institution’s own city manage it', () => {
    expect(canManageInstitution(xiamen, inXiamen)).toBe(true);
    expect(canManageInstitution(fuzhou, inXiamen)).toBe(false);
    expect(canManageInstitution(fujian, inXiamen)).toBe(false);
    expect(canManageInstitution(national, inXiamen)).toBe(false);
  });

  it('lists the caller’s own scope without a region filter', () => {
    expect(listScope(national, undefined)).toEqual({});
    expect(listScope(fujian, undefined)).toEqual({ provinceCode: '350000' });
    expect(listScope(xiamen, undefined)).toEqual({ provinceCode: '350000', cityCode: '350200' });
  });

  it('narrows to a province, city or district inside the scope', () => {
    expect(listScope(national, '440000')).toEqual({ provinceCode: '440000' });
    expect(listScope(national, NATION_CODE)).toEqual({});
    expect(listScope(fujian, '350200')).toEqual({ provinceCode: '350000', cityCode: '350200' });
    expect(listScope(fujian, '350203')).toEqual({ provinceCode: '350000', cityCode: '350200', districtCode: '350203' });
    expect(listScope(xiamen, '350200')).toEqual({ provinceCode: '350000', cityCode: '350200' });
    expect(listScope(xiamen, '350206')).toEqual({ provinceCode: '350000', cityCode: '350200', districtCode: '350206' });
    // Municipalities keep three levels: 北京 → 北京市 → 朝阳区.
    expect(listScope(national, '110105')).toEqual({ provinceCode: '110000', cityCode: '110100', districtCode: '110105' });
  });

  it('refuses a region outside the scope with 403 and an unknown one with 400', () => {
    expect(() => listScope(fujian, '440000')).toThrow(expect.objectContaining({ status: 403, code: 'OUT_OF_SCOPE' }));
    expect(() => listScope(fujian, NATION_CODE)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => listScope(xiamen, '350000')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => listScope(xiamen, '350102')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => listScope(national, '999999')).toThrow(expect.objectContaining({ status: 400, code: 'UNKNOWN_REGION' }));
  });

  it('places an institution only in a district of the caller’s city', () => {
    expect(institutionPlace(xiamen, '350203')).toEqual({ districtCode: '350203', cityCode: '350200', provinceCode: '350000' });
    expect(() => institutionPlace(xiamen, '350102')).toThrow(expect.objectContaining({ status: 403, code: 'OUT_OF_SCOPE' }));
    expect(() => institutionPlace(xiamen, '350200')).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_REGION' }));
    expect(() => institutionPlace(xiamen, '999999')).toThrow(
      expect.objectContaining({ status: 400, code: 'UNKNOWN_REGION', details: [{ path: 'body.districtCode', message: '未知的地区' }] }),
    );
    expect(() => institutionPlace(fujian, '350203')).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('orders by sort order, then id', () => {
    const rows = [
      { id: 30, sortOrder: 0 },
      { id: 2, sortOrder: 5 },
      { id: 26, sortOrder: 0 },
      { id: 1, sortOrder: 1 },
    ];
    expect([...rows].sort(bySortOrderThenId).map((row) => row.id)).toEqual([26, 30, 1, 2]);
  });

  it('finds specialists by part of the phone or of the name', () => {
    const wang = { phone: '18859663914', realName: '王慧' };
    expect(matchesKeyword(wang, '6639')).toBe(true);
    expect(matchesKeyword(wang, '慧')).toBe(true);
    expect(matchesKeyword(wang, ' 王 ')).toBe(true);
    expect(matchesKeyword(wang, '李')).toBe(false);
    expect(matchesKeyword(wang, undefined)).toBe(true);
    expect(matchesKeyword(wang, '')).toBe(true);
  });

  it('cuts pages of the requested size', () => {
    const all = Array.from({ length: 23 }, (_, index) => index + 1);
    expect(pageOf(all, 1, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(pageOf(all, 3, 10)).toEqual([21, 22, 23]);
    expect(pageOf(all, 4, 10)).toEqual([]);
  });
});

describe('counter repair plan', () => {
  const now = new Date('2026-11-27T02:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

  it('does nothing when the counter matches', () => {
    expect(planCounterRepair({ specialistCount: 2, specialistCountChangedAt: ago(1000) }, 2, now)).toBe('none');
  });

  it('raises a counter that is too low at once', () => {
    expect(planCounterRepair({ specialistCount: 1, specialistCountChangedAt: ago(1000) }, 3, now)).toBe('set');
  });

  it('lowers a counter that is too high only after it has been quiet for the settle time', () => {
    expect(planCounterRepair({ specialistCount: 3, specialistCountChangedAt: ago(1000) }, 2, now)).toBe('wait');
    expect(planCounterRepair({ specialistCount: 3, specialistCountChangedAt: ago(WRITE_SETTLE_MS + 1) }, 2, now)).toBe('set');
    expect(planCounterRepair({ specialistCount: 3 }, 2, now)).toBe('set');
  });
});
