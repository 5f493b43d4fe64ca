/** The caller's data scope (国家级: 全国, 省级: own province, 市级: own city). */
import { NATION_CODE } from '../api/reference';
import type { MeView as Me } from '../stores/session';

export function scopeRegionCode(me: Me): string {
  if (me.scope.level === 'national') return NATION_CODE;
  if (me.scope.level === 'province') return me.scope.provinceCode ?? NATION_CODE;
  return me.scope.cityCode ?? me.scope.provinceCode ?? NATION_CODE;
}

/** 全国 / 全省 / 全市: the name of "no region chosen". */
export function scopeAllLabel(me: Me): string {
  if (me.scope.level === 'national') return '全国';
  if (me.scope.level === 'province') return '全省';
  return '全市';
}

/** What the children of the scope are called: 省份 / 城市 / 区县. */
export function childLevelLabel(level: string): string {
  if (level === 'nation') return '省份';
  if (level === 'province') return '城市';
  return '区县';
}

/** 全国 / 本省 / 本市: the caller's own region in a sentence. */
export function scopeWord(me: Me): string {
  if (me.scope.level === 'national') return '全国';
  if (me.scope.level === 'province') return '本省';
  return '本市';
}
