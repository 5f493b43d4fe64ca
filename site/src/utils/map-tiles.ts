/**
 * The tile map of China: each of the 34 provincial-level divisions (台湾, 香港 and 澳门 included) as
 * one equal tile at its approximate geographic place on an 8 × 9 grid. It draws no boundary, so it
 * is not a map in the sense of the 地图管理条例 and needs no 审图号; a 标准地图 with boundaries can be
 * plugged in instead (map-source.ts, docs/console.md, "地图").
 */

/** Column (west → east) and row (north → south) of each province-level code. */
export const PROVINCE_TILES: Readonly<Record<string, readonly [col: number, row: number]>> = {
  '230000': [7, 0], // 黑龙江
  '150000': [4, 1], // 内蒙古
  '220000': [7, 1], // 吉林
  '650000': [0, 2], // 新疆
  '110000': [5, 2], // 北京
  '210000': [6, 2], // 辽宁
  '620000': [2, 3], // 甘肃
  '640000': [3, 3], // 宁夏
  '140000': [4, 3], // 山西
  '130000': [5, 3], // 河北
  '120000': [6, 3], // 天津
  '630000': [1, 4], // 青海
  '610000': [3, 4], // 陕西
  '410000': [4, 4], // 河南
  '370000': [5, 4], // 山东
  '540000': [0, 5], // 西藏
  '510000': [2, 5], // 四川
  '500000': [3, 5], // 重庆
  '420000': [4, 5], // 湖北
  '340000': [5, 5], // 安徽
  '320000': [6, 5], // 江苏
  '530000': [2, 6], // 云南
  '520000': [3, 6], // 贵州
  '430000': [4, 6], // 湖南
  '360000': [5, 6], // 江西
  '330000': [6, 6], // 浙江
  '310000': [7, 6], // 上海
  '450000': [3, 7], // 广西
  '440000': [4, 7], // 广东
  '350000': [5, 7], // 福建
  '710000': [6, 7], // 台湾
  '460000': [3, 8], // 海南
  '820000': [4, 8], // 澳门
  '810000': [5, 8], // 香港
};

export const TILE_COLUMNS = 8;
export const TILE_ROWS = 9;

const SUFFIXES = ['特别行政区', '维吾尔自治区', '壮族自治区', '回族自治区', '自治区', '省', '市'];

/** The short name of a province-level division: 内蒙古自治区 → 内蒙古, 香港特别行政区 → 香港, 北京市 → 北京. */
export function shortProvinceName(name: string): string {
  for (const suffix of SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length + 1) return name.slice(0, -suffix.length);
  }
  return name;
}
