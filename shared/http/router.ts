/**
 * Matches a method and path against a route table, the way API Gateway HTTP APIs do: literal segments
 * must be equal, `{name}` matches one non-empty segment. Used by each module's Lambda (for events that
 * arrive on `$default`) and by the local server (to build the same `routeKey` and `pathParameters` that
 * API Gateway would send).
 */
import { API_PREFIX, routeKey, type AnyRoute } from './route';

export type RouteMatch<R extends Pick<AnyRoute, 'method' | 'path'>> =
  | { kind: 'found'; route: R; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

interface Compiled<R> {
  route: R;
  pattern: RegExp;
  names: string[];
  /** Literal routes win over parameterised ones, as in API Gateway. */
  literalSegments: number;
}

function compile<R extends Pick<AnyRoute, 'method' | 'path'>>(route: R): Compiled<R> {
  const names: string[] = [];
  let literalSegments = 0;
  const source = `${API_PREFIX}${route.path}`
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z][A-Za-z0-9_]*)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return '([^/]+)';
      }
      if (segment !== '') literalSegments += 1;
      return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), names, literalSegments };
}

export interface Router<R extends Pick<AnyRoute, 'method' | 'path'>> {
  /** Match a method and a raw path such as `/api/institutions/12`. */
  match(method: string, path: string): RouteMatch<R>;
  /** Look up by API Gateway route key (`GET /api/institutions/{id}`). */
  byRouteKey(key: string): R | undefined;
}

export function createRouter<R extends Pick<AnyRoute, 'method' | 'path'>>(routes: readonly R[]): Router<R> {
  const compiled = routes.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);
  const keyed = new Map<string, R>();
  for (const route of routes) {
    const key = routeKey(route);
    if (keyed.has(key)) throw new Error(`duplicate route ${key}`);
    keyed.set(key, route);
  }

  return {
    byRouteKey: (key) => keyed.get(key),
    match(method, path) {
      const allowed = new Set<string>();
      for (const entry of compiled) {
        const found = entry.pattern.exec(path);
        if (!found) continue;
        if (entry.route.method !== method.toUpperCase()) {
          allowed.add(entry.route.method);
          continue;
        }
        const pathParameters: Record<string, string> = {};
        entry.names.forEach((name, index) => {
          pathParameters[name] = safeDecode(found[index + 1] ?? '');
        });
        return { kind: 'found', route: entry.route, pathParameters };
      }
      return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed].sort() } : { kind: 'not-found' };
    },
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
