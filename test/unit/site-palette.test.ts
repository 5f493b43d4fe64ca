/** The site's category colours (site/src/utils/palette.ts): enough of them, and neighbours always apart. */
import { describe, expect, it } from 'vitest';
import { CATEGORY_COLORS, MIN_NEIGHBOUR_DISTANCE, categoryColors, colorDistance } from '../../site/src/utils/palette';

describe('category colours', () => {
  it('has 20 distinct colours for the 20 industry sections (and the 11 institution types)', () => {
    expect(new Set(CATEGORY_COLORS).size).toBe(20);
    for (let i = 0; i < CATEGORY_COLORS.length; i++) {
      for (let j = i + 1; j < CATEGORY_COLORS.length; j++) {
        expect(colorDistance(CATEGORY_COLORS[i]!, CATEGORY_COLORS[j]!), `${CATEGORY_COLORS[i]} vs ${CATEGORY_COLORS[j]}`).toBeGreaterThan(12);
      }
    }
  });

  it('gives no two neighbouring slices alike, round the circle too, for any number of slices', () => {
    for (let count = 1; count <= 20; count++) {
      const colors = categoryColors(count);
      expect(new Set(colors).size).toBe(count);
      for (let i = 0; i < count; i++) {
        const next = colors[(i + 1) % count]!;
        if (count > 1 && (i + 1 < count || count > 2)) {
          expect(colorDistance(colors[i]!, next), `${count} slices: ${i} and its neighbour`).toBeGreaterThanOrEqual(MIN_NEIGHBOUR_DISTANCE);
        }
      }
    }
  });
});
