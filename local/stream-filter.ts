/**
 * The part of Lambda event filtering (event source mapping `FilterCriteria`) that the local change
 * capture needs to apply the same filter to its stream records as the cloud event source does.
 *
 * A pattern is an object whose keys name fields of the record:
 * - a nested object matches the nested field (a missing field is treated as an empty object, so
 *   `{exists: false}` deep inside still matches);
 * - an array lists alternatives (OR); each one is an exact value (string, number, boolean, null) or a
 *   rule: `{prefix: "..."}`, `{suffix: "..."}`, `{"anything-but": [...]}`, `{"anything-but": {prefix}}`,
 *   `{exists: true|false}`, `{numeric: [">", 0, "<=", 5]}`;
 * - a plain value is accepted as shorthand for a one-element array;
 * - when the record's field is an array, it matches if any element does.
 *
 * A record passes a list of patterns when any one pattern matches it (as Lambda does).
 * Unknown rule operators throw, so a mistyped pattern fails loudly instead of filtering everything out.
 */

export type FilterPattern = Record<string, unknown>;

type Rule = Record<string, unknown>;

const RULE_OPERATORS = new Set(['prefix', 'suffix', 'anything-but', 'exists', 'numeric']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRule(value: unknown): value is Rule {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && RULE_OPERATORS.has(keys[0]!);
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

const NUMERIC_OPERATORS = {
  '=': (a: number, b: number) => a === b,
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
} as const;

function numericConditions(rule: unknown): Array<[(a: number, b: number) => boolean, number]> {
  if (!Array.isArray(rule) || rule.length === 0 || rule.length % 2 !== 0) {
    throw new Error(`invalid numeric filter rule: ${JSON.stringify(rule)}`);
  }
  const conditions: Array<[(a: number, b: number) => boolean, number]> = [];
  for (let i = 0; i < rule.length; i += 2) {
    const operator = rule[i] as unknown;
    const bound = rule[i + 1] as unknown;
    if (typeof operator !== 'string' || !Object.hasOwn(NUMERIC_OPERATORS, operator) || typeof bound !== 'number') {
      throw new Error(`invalid numeric filter rule: ${JSON.stringify(rule)}`);
    }
    conditions.push([NUMERIC_OPERATORS[operator as keyof typeof NUMERIC_OPERATORS], bound]);
  }
  return conditions;
}

function matchesNumeric(rule: unknown, value: unknown): boolean {
  const conditions = numericConditions(rule);
  // Stream records carry numbers as strings ({N: "12"}); Lambda compares them as numbers.
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isNaN(number)) return false;
  return conditions.every(([holds, bound]) => holds(number, bound));
}

/** Whether one alternative of a leaf array matches a (non-array) value; `undefined` = field absent. */
function matchesAlternative(alternative: unknown, value: unknown): boolean {
  if (isPrimitive(alternative)) return value !== undefined && value === alternative;
  if (!isRule(alternative)) throw new Error(`invalid filter value: ${JSON.stringify(alternative)}`);
  const [operator, argument] = Object.entries(alternative)[0]!;
  switch (operator) {
    case 'exists':
      if (typeof argument !== 'boolean') throw new Error(`invalid exists filter rule: ${JSON.stringify(argument)}`);
      return argument === (value !== undefined);
    case 'prefix':
      if (typeof argument !== 'string') throw new Error(`invalid prefix filter rule: ${JSON.stringify(argument)}`);
      return typeof value === 'string' && value.startsWith(argument);
    case 'suffix':
      if (typeof argument !== 'string') throw new Error(`invalid suffix filter rule: ${JSON.stringify(argument)}`);
      return typeof value === 'string' && value.endsWith(argument);
    case 'numeric':
      return matchesNumeric(argument, value);
    case 'anything-but': {
      if (value === undefined) return false;
      if (isRule(argument)) return !matchesAlternative(argument, value);
      const excluded = Array.isArray(argument) ? argument : [argument];
      if (!excluded.every(isPrimitive)) throw new Error(`invalid anything-but filter rule: ${JSON.stringify(argument)}`);
      return !excluded.includes(value as never);
    }
    default:
      throw new Error(`unsupported filter rule: ${operator}`);
  }
}

function matchesLeaf(alternatives: unknown[], value: unknown): boolean {
  if (Array.isArray(value)) {
    // An empty array behaves like an absent field for `exists`, and like no value for everything else.
    if (value.length === 0) return alternatives.some((alternative) => matchesAlternative(alternative, undefined));
    return value.some((element) => alternatives.some((alternative) => matchesAlternative(alternative, element)));
  }
  return alternatives.some((alternative) => matchesAlternative(alternative, value));
}

function matchesObject(pattern: FilterPattern, value: unknown): boolean {
  if (value !== undefined && !isPlainObject(value)) {
    if (Array.isArray(value)) return value.some((element) => matchesObject(pattern, element));
    // A scalar where the pattern expects an object: only an all-absent pattern could match.
    return matchesObject(pattern, undefined);
  }
  return Object.entries(pattern).every(([key, expected]) => {
    const field = value === undefined ? undefined : value[key];
    if (Array.isArray(expected)) return matchesLeaf(expected, field);
    if (isPlainObject(expected) && !isRule(expected)) return matchesObject(expected, field);
    return matchesLeaf([expected], field);
  });
}

/** Whether `record` matches one filter pattern. Throws on a malformed pattern. */
export function matchesPattern(record: unknown, pattern: FilterPattern): boolean {
  if (!isPlainObject(pattern)) throw new Error(`a filter pattern must be an object: ${JSON.stringify(pattern)}`);
  return matchesObject(pattern, record);
}

/**
 * Whether `record` passes the filter: any one pattern matching lets it through. An empty list lets
 * everything through (an event source without filter criteria). Throws on a malformed pattern.
 */
export function matchesAny(record: unknown, patterns: readonly FilterPattern[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => matchesPattern(record, pattern));
}

/**
 * Checks that every pattern is well formed, so a malformed one fails at start-up rather than on the
 * first record that happens to reach the bad rule. Throws an `Error` naming the bad part.
 */
export function validatePatterns(patterns: readonly FilterPattern[]): void {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const alternative of node) {
        if (isPrimitive(alternative)) continue;
        if (!isRule(alternative)) throw new Error(`invalid filter value: ${JSON.stringify(alternative)}`);
        matchesAlternative(alternative, 'x');
      }
    } else if (isPlainObject(node) && !isRule(node)) {
      for (const child of Object.values(node)) walk(child);
    } else if (isRule(node)) {
      matchesAlternative(node, 'x');
    } else if (!isPrimitive(node)) {
      throw new Error(`invalid filter value: ${JSON.stringify(node)}`);
    }
  };
  for (const pattern of patterns) {
    if (!isPlainObject(pattern)) throw new Error(`a filter pattern must be an object: ${JSON.stringify(pattern)}`);
    walk(pattern);
  }
}
