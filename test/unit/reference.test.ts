import { describe, expect, it } from 'vitest';
import { allRegions, childRegions, findRegion, isWithin, regionPath } from '#shared/reference/regions';
import { INDUSTRIES, isIndustryCode } from '#shared/reference/industries';
import { INSTITUTION_TYPES } from '#shared/reference/institution-types';

describe('regions', () => {
  it('lists the provinces at the top level', () => {
    const provinces = childRegions();
    expect(provinces.length).toBeGreaterThanOrEqual(31);
    expect(provinces.every((region) => region.level === 'province')).toBe(true);
    expect(provinces.find((region) => region.code === '350000')?.name).toBe('福建省');
  });

  it('keeps three levels for municipalities with one city named after them', () => {
    expect(childRegions('110000')).toEqual([{ code: '110100', name: '北京市', level: 'city', parentCode: '110000' }]);
    expect(findRegion('110105')).toMatchObject({ name: '朝阳区', level: 'district', parentCode: '110100' });
    expect(childRegions('500000').map((region) => region.code)).toEqual(['500100']);
    const chongqingDistricts = childRegions('500100').map((region) => region.code);
    expect(chongqingDistricts).toContain('500101');
    expect(chongqingDistricts.some((code) => code.startsWith('5002'))).toBe(true); // counties listed under 县
  });

  it('keeps province-administered county-level cities under their grouping entry', () => {
    expect(findRegion('429000')).toMatchObject({ name: '省直辖县级行政区划', level: 'city' });
    expect(findRegion('429004')).toMatchObject({ name: '仙桃市', parentCode: '429000' });
  });

  it('drops statistical-only development zones', () => {
    expect(findRegion('130171')).toBeUndefined();
    const zones = allRegions().filter((region) => {
      const tail = Number(region.code.slice(4));
      return region.level === 'district' && tail >= 71 && tail <= 79;
    });
    expect(zones).toEqual([]);
  });

  it('gives every district a city and every city a province', () => {
    for (const region of allRegions()) {
      if (region.level === 'province') continue;
      const parent = findRegion(region.parentCode!);
      expect(parent?.level).toBe(region.level === 'district' ? 'city' : 'province');
    }
  });

  it('knows which region lies inside which', () => {
    expect(regionPath('350203').map((region) => region.code)).toEqual(['350000', '350200', '350203']);
    expect(isWithin('350203', '350200')).toBe(true);
    expect(isWithin('350203', '350000')).toBe(true);
    expect(isWithin('350203', '350100')).toBe(false);
  });
});

describe('industries and institution types', () => {
  it('has the 20 sections A to T', () => {
    expect(INDUSTRIES.map((industry) => industry.code).join('')).toBe('ABCDEFGHIJKLMNOPQRST');
    expect(isIndustryCode('C')).toBe(true);
    expect(isIndustryCode('U')).toBe(false);
  });

  it('has the 11 institution types', () => {
    expect(INSTITUTION_TYPES).toHaveLength(11);
    expect(new Set(INSTITUTION_TYPES.map((type) => type.code)).size).toBe(11);
    expect(INSTITUTION_TYPES.map((type) => type.name)).toContain('风险投资机构');
  });
});
