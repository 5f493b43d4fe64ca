/**
 * Where real boundaries come from, when an operator supplies them (docs/console.md, "地图"): the
 * deployed `console-config.json` names a folder or URL of GeoJSON files, one per region code
 * (`<base><code>.json`, e.g. `/geo/000000.json` for the provinces of the nation), and the codes that
 * have one. Each file must be a FeatureCollection that carries its 审图号 (`reviewNumber`) and the
 * child region's code in each feature's properties (`codeProperty`, default `adcode`). Without a
 * configuration, or for a region without a valid file, the map falls back to tiles or a ranked bar.
 */
import { echarts } from './echarts';

export interface MapConfig {
  /** Folder or URL ending in `/`; null: no boundaries (tile map). */
  geoJsonBaseUrl: string | null;
  /** The region codes that have a file. */
  regions: string[];
  /** The feature property holding the region code. */
  codeProperty: string;
}

export const CONFIG_URL = '/console-config.json';
const NO_MAP: MapConfig = { geoJsonBaseUrl: null, regions: [], codeProperty: 'adcode' };

let config: Promise<MapConfig> | undefined;

/** The map part of the deployed configuration (read once; a missing or broken file means tiles). */
export function mapConfig(): Promise<MapConfig> {
  config ??= fetch(CONFIG_URL, { cache: 'no-cache' })
    .then(async (res) => {
      if (!res.ok) return NO_MAP;
      const body = (await res.json()) as { map?: Partial<MapConfig> };
      const map = body.map ?? {};
      return {
        geoJsonBaseUrl: typeof map.geoJsonBaseUrl === 'string' && map.geoJsonBaseUrl ? map.geoJsonBaseUrl : null,
        regions: Array.isArray(map.regions) ? map.regions.map(String) : [],
        codeProperty: typeof map.codeProperty === 'string' && map.codeProperty ? map.codeProperty : 'adcode',
      };
    })
    .catch(() => NO_MAP);
  return config;
}

/** Boundaries of a region's children, registered with ECharts under `mapName`. */
export interface RegionGeometry {
  mapName: string;
  /** 审图号 of the map, shown under it as the rules of 标准地图 require. */
  reviewNumber: string;
  /** The codes the file draws. */
  codes: ReadonlySet<string>;
}

interface Feature {
  type: 'Feature';
  properties?: Record<string, unknown> | null;
  geometry: unknown;
}

/** The property every registered feature carries its code in (ECharts names regions by it). */
export const CODE_PROPERTY = 'regionCode';

const geometries = new Map<string, Promise<RegionGeometry | null>>();

async function load(code: string): Promise<RegionGeometry | null> {
  const { geoJsonBaseUrl, regions, codeProperty } = await mapConfig();
  if (!geoJsonBaseUrl || !regions.includes(code)) return null;
  const url = `${geoJsonBaseUrl}${code}.json`;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as { type?: string; features?: Feature[]; reviewNumber?: unknown };
    const reviewNumber = typeof body.reviewNumber === 'string' ? body.reviewNumber.trim() : '';
    if (body.type !== 'FeatureCollection' || !Array.isArray(body.features)) throw new Error('not a GeoJSON FeatureCollection');
    // A map without its 审图号 may not be published: draw tiles instead.
    if (!reviewNumber) throw new Error('no reviewNumber (审图号)');
    const features = body.features
      .filter((feature) => feature.properties && feature.properties[codeProperty] !== undefined)
      .map((feature) => ({ ...feature, properties: { ...feature.properties, [CODE_PROPERTY]: String(feature.properties![codeProperty]) } }));
    if (features.length === 0) throw new Error(`no feature has the property ${codeProperty}`);
    const mapName = `region-${code}`;
    echarts.registerMap(mapName, { type: 'FeatureCollection', features } as unknown as Parameters<typeof echarts.registerMap>[1]);
    return { mapName, reviewNumber, codes: new Set(features.map((feature) => String(feature.properties[CODE_PROPERTY]))) };
  } catch (error) {
    console.warn(`[map] ${url} is not used: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** The boundaries of the children of `code`, or null (then the map draws tiles or bars). */
export function regionGeometry(code: string): Promise<RegionGeometry | null> {
  let cached = geometries.get(code);
  if (!cached) {
    cached = load(code);
    geometries.set(code, cached);
  }
  return cached;
}
