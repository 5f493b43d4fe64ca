/**
 * The shape of the demo data: where enterprises and institutions are, which industries and institution
 * types are common, and how busy each day is. Rough orders of magnitude taken from public statistics
 * (provincial GDP and SME counts, the Spring Festival calendar), not exact figures.
 */
import { childRegions, type Region } from '#shared/reference/regions';
import type { InstitutionTypeCode } from '#shared/reference/institution-types';
import { chinaDayStart } from '#shared/time';

/** Relative activity of the 31 mainland provinces (台湾, 香港, 澳门 are not on the platform). */
export const PROVINCE_WEIGHTS: Readonly<Record<string, number>> = {
  '440000': 12, // 广东
  '320000': 11, // 江苏
  '330000': 10, // 浙江
  '370000': 8, // 山东
  '350000': 8, // 福建 (the demo province and city users live here)
  '410000': 5, // 河南
  '510000': 5, // 四川
  '420000': 4.5, // 湖北
  '430000': 4, // 湖南
  '310000': 4, // 上海
  '110000': 4, // 北京
  '340000': 4, // 安徽
  '130000': 3.5, // 河北
  '360000': 2.5, // 江西
  '500000': 2.5, // 重庆
  '610000': 2.5, // 陕西
  '450000': 2, // 广西
  '530000': 2, // 云南
  '210000': 2, // 辽宁
  '140000': 1.5, // 山西
  '520000': 1.5, // 贵州
  '120000': 1.5, // 天津
  '150000': 1, // 内蒙古
  '230000': 1, // 黑龙江
  '220000': 1, // 吉林
  '650000': 1, // 新疆
  '620000': 0.8, // 甘肃
  '460000': 0.6, // 海南
  '640000': 0.3, // 宁夏
  '630000': 0.25, // 青海
  '540000': 0.15, // 西藏
};

/** Cities much busier than the rest of their province (the demo city 厦门 on purpose). */
const CITY_BOOSTS: Readonly<Record<string, number>> = {
  '350200': 9, // 厦门
  '350100': 4, // 福州
  '350500': 4, // 泉州
  '440300': 7, // 深圳
  '440100': 7, // 广州
  '441900': 3, // 东莞
  '440600': 3, // 佛山
  '320500': 5, // 苏州
  '320100': 4, // 南京
  '320200': 3, // 无锡
  '330100': 6, // 杭州
  '330200': 4, // 宁波
  '330300': 2.5, // 温州
  '370200': 4, // 青岛
  '370100': 3.5, // 济南
  '510100': 8, // 成都
  '420100': 7, // 武汉
  '430100': 5, // 长沙
  '410100': 5, // 郑州
  '610100': 6, // 西安
  '340100': 5, // 合肥
  '130100': 3, // 石家庄
  '360100': 3.5, // 南昌
  '450100': 3.5, // 南宁
  '530100': 5, // 昆明
  '520100': 4, // 贵阳
  '210100': 3, // 沈阳
  '210200': 3, // 大连
  '140100': 3.5, // 太原
  '220100': 4, // 长春
  '230100': 4, // 哈尔滨
  '150100': 3, // 呼和浩特
  '650100': 4, // 乌鲁木齐
  '620100': 4, // 兰州
  '460100': 4, // 海口
  '640100': 4, // 银川
  '630100': 5, // 西宁
  '540100': 5, // 拉萨
};

/** The mainland provinces, in code order. */
export function demoProvinces(): Region[] {
  return childRegions().filter((province) => (PROVINCE_WEIGHTS[province.code] ?? 0) > 0);
}

/**
 * The relative weight of each city: its province's weight shared among its cities, boosted for big
 * ones; a province-administered grouping (429000 …) counts as a small city.
 */
export function cityWeights(): Map<string, number> {
  const weights = new Map<string, number>();
  for (const province of demoProvinces()) {
    const cities = childRegions(province.code).filter((city) => childRegions(city.code).length > 0);
    const raw = cities.map((city) => CITY_BOOSTS[city.code] ?? (city.code.endsWith('9000') ? 0.5 : 1));
    const sum = raw.reduce((total, weight) => total + weight, 0);
    cities.forEach((city, index) => weights.set(city.code, (PROVINCE_WEIGHTS[province.code]! * raw[index]!) / sum));
  }
  return weights;
}

/** Share of enterprises per industry section (GB/T 4754-2017 门类). */
export const INDUSTRY_WEIGHTS: Readonly<Record<string, number>> = {
  A: 4, B: 0.6, C: 25, D: 0.8, E: 7, F: 22, G: 4, H: 3, I: 10, J: 0.6,
  K: 2, L: 8, M: 5, N: 1.5, O: 2, P: 1, Q: 1.2, R: 2, S: 0.2, T: 0.05,
};

/** Typical loan size per industry, relative to the median. */
export const INDUSTRY_AMOUNT_FACTORS: Readonly<Record<string, number>> = {
  A: 0.6, B: 1.6, C: 1.3, D: 1.8, E: 1.5, F: 0.9, G: 1, H: 0.5, I: 0.9, J: 1.2,
  K: 2, L: 0.8, M: 0.9, N: 1.2, O: 0.4, P: 0.6, Q: 1, R: 0.7, S: 0.4, T: 0.5,
};

/** Share of institutions per type (banks by far the most common). */
export const INSTITUTION_TYPE_WEIGHTS: Readonly<Record<InstitutionTypeCode, number>> = {
  bank: 40, guarantee: 14, insurance: 7, microloan: 10, 'financial-leasing': 5, factoring: 4,
  'venture-capital': 5, other: 5, 'consumer-finance': 2, 'asset-management': 3, trust: 3,
};

/** How likely an institution of a type is to take on a financing order. */
export const ACCEPTANCE_WEIGHTS: Readonly<Record<InstitutionTypeCode, number>> = {
  bank: 6, guarantee: 2, insurance: 0.8, microloan: 1.5, 'financial-leasing': 0.8, factoring: 0.7,
  'venture-capital': 0.4, other: 0.4, 'consumer-finance': 0.5, 'asset-management': 0.3, trust: 0.4,
};

/** Spring Festival (正月初一) of the years the demo covers, as China-time dates. */
const SPRING_FESTIVALS: Readonly<Record<number, [number, number]>> = {
  2018: [2, 16], 2019: [2, 5], 2020: [1, 25], 2021: [2, 12], 2022: [2, 1], 2023: [1, 22], 2024: [2, 10],
  2025: [1, 29], 2026: [2, 17], 2027: [2, 6], 2028: [1, 26], 2029: [2, 13], 2030: [2, 3],
};

const MONTH_FACTORS = [1, 0.85, 1.1, 1, 1, 1.2, 0.95, 0.95, 1.15, 0.85, 1.1, 1.45];
const DAY_MS = 86_400_000;

/**
 * How busy one China-time day is, relative to an ordinary weekday of 2019: yearly growth, month
 * shape (half-year and year-end peaks, National Day dip), weekends, and the Spring Festival holiday
 * (a deep dip around 正月初一, recovering over the following weeks).
 */
export function dayWeight(dayStart: Date, growthPerYear: number): number {
  const shifted = new Date(dayStart.getTime() + 8 * 3_600_000);
  const year = shifted.getUTCFullYear();
  const month = shifted.getUTCMonth();
  const weekday = shifted.getUTCDay();
  const yearsSince2019 = (dayStart.getTime() - Date.UTC(2019, 0, 1)) / (365.25 * DAY_MS);
  let weight = growthPerYear ** yearsSince2019 * MONTH_FACTORS[month]!;
  if (weekday === 0 || weekday === 6) weight *= 0.3;
  const day = shifted.getUTCDate();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if (lastDay - day < 3) weight *= 1.3;
  const festival = SPRING_FESTIVALS[year];
  if (festival) {
    const offset = (dayStart.getTime() - chinaDayStart(year, festival[0], festival[1]).getTime()) / DAY_MS;
    if (offset >= -7 && offset < 0) weight *= 0.45;
    else if (offset >= 0 && offset <= 7) weight *= 0.08;
    else if (offset > 7 && offset <= 21) weight *= 0.6;
  }
  return weight;
}

/** The China-time day starts from `from` (a day start) up to and including the day holding `to`. */
export function chinaDays(from: Date, to: Date): Date[] {
  const days: Date[] = [];
  for (let time = from.getTime(); time <= to.getTime(); time += DAY_MS) days.push(new Date(time));
  return days;
}
