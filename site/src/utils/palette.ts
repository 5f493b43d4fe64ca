/**
 * The console's chart colours. Categories (20 industry sections, 11 institution types) get 20
 * distinct colours ordered so that neighbours differ in hue and lightness; `categoryColors` also
 * keeps the last slice of a pie unlike the first, its neighbour round the circle.
 */

/** The series colours of bars and lines (Element Plus blue first). */
export const SERIES_COLORS = ['#409eff', '#67c23a', '#e6a23c', '#f56c6c', '#909399', '#36cfc9', '#9254de', '#f759ab'];

/** 20 categorical colours, neighbours far apart (CIE76 ΔE ≥ 50). */
export const CATEGORY_COLORS = [
  '#2f6fdf', '#f5a623', '#3bb273', '#e05d9b', '#17a2b8', '#8c6d46', '#8e6bd8', '#f2c80f', '#a4133c', '#66c2ff',
  '#6a994e', '#e4572e', '#1c3f8c', '#d4a373', '#2e8b57', '#b5179e', '#9ccf3a', '#5b6b82', '#ff8c69', '#b07aa1',
] as const;

/** The least CIE76 distance between two neighbouring colours. */
export const MIN_NEIGHBOUR_DISTANCE = 30;

function lab(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047;
  const y = r * 0.2126 + g * 0.7152 + b * 0.0722;
  const z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 colour difference. */
export function colorDistance(a: string, b: string): number {
  const [l1, a1, b1] = lab(a);
  const [l2, a2, b2] = lab(b);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}

function neighboursApart(colors: readonly string[], round: boolean): boolean {
  for (let i = 1; i < colors.length; i++) if (colorDistance(colors[i - 1]!, colors[i]!) < MIN_NEIGHBOUR_DISTANCE) return false;
  return !round || colors.length < 3 || colorDistance(colors[colors.length - 1]!, colors[0]!) >= MIN_NEIGHBOUR_DISTANCE;
}

/**
 * The colours of `count` categories in order (a pie's slices when `round`): neighbours differ, and
 * in a pie the last slice differs from the first. Repeats only past 20 categories.
 */
export function categoryColors(count: number, round = true): string[] {
  const colors = Array.from({ length: count }, (_, i) => CATEGORY_COLORS[i % CATEGORY_COLORS.length]!);
  if (count > CATEGORY_COLORS.length || neighboursApart(colors, round)) return colors;
  // Swap the last colour with an earlier one until every neighbour differs.
  for (let j = count - 3; j >= 1; j--) {
    const swapped = [...colors];
    [swapped[j], swapped[count - 1]] = [swapped[count - 1]!, swapped[j]!];
    if (neighboursApart(swapped, round)) return swapped;
  }
  return colors;
}
