import { describe, expect, it } from 'vitest';
import { isYuan, yuanToWan, yuanToWanText } from '#shared/money';
import { chinaDateParts, chinaDay, chinaDayStart, chinaIsoDate } from '#shared/time';

describe('money', () => {
  it('formats integer yuan as 万元 with two decimals, rounding half up', () => {
    expect(yuanToWanText(171843200)).toBe('17184.32');
    expect(yuanToWanText(0)).toBe('0.00');
    expect(yuanToWanText(49)).toBe('0.00');
    expect(yuanToWanText(50)).toBe('0.01');
    expect(yuanToWanText(12345)).toBe('1.23');
    expect(yuanToWanText(-12350)).toBe('-1.24');
    expect(yuanToWan(100000000)).toBe(10000);
  });

  it('stays exact for the largest safe amounts', () => {
    expect(yuanToWanText(Number.MAX_SAFE_INTEGER)).toBe('900719925474.10');
  });

  it('accepts only non-negative safe integers as amounts', () => {
    expect(isYuan(10)).toBe(true);
    expect(isYuan(0)).toBe(true);
    expect(isYuan(-1)).toBe(false);
    expect(isYuan(1.5)).toBe(false);
    expect(isYuan('10')).toBe(false);
    expect(() => yuanToWanText(1.5)).toThrow(RangeError);
  });
});

describe('China time', () => {
  it('puts an instant late in the UTC day into the next China day', () => {
    expect(chinaDateParts('2024-12-31T16:00:00Z')).toEqual({ year: 2025, month: 1, day: 1 });
    expect(chinaDay('2024-12-31T15:59:59.999Z')).toBe('20241231');
    expect(chinaIsoDate('2024-02-28T16:30:00Z')).toBe('2024-02-29');
  });

  it('starts a China day at 16:00 UTC the day before', () => {
    expect(chinaDayStart(2025, 1, 1).toISOString()).toBe('2024-12-31T16:00:00.000Z');
  });
});
