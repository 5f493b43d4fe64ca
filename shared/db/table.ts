/**
 * The one DynamoDB table, defined once for the CDK stack and the local stack alike.
 *
 * Single-table design: every item has a generic `pk`/`sk`, an `entity` attribute naming what it is,
 * and optionally up to three GSI key pairs. Keys are built only by the pure functions in `keys.ts`.
 *
 * ## Access patterns (no Scan on any request path)
 *
 * | pattern                                   | index | key condition                                                   |
 * |-------------------------------------------|-------|-----------------------------------------------------------------|
 * | account by phone (login, uniqueness)      | table | pk = `ACCOUNT#<phone>`, sk = `ACCOUNT`                          |
 * | sessions of an account                    | table | pk = `ACCOUNT#<phone>`, sk begins_with `SESSION#`               |
 * | account by id                             | gsi1  | gsi1pk = `ACCOUNT#<id>`                                         |
 * | accounts by scope (role, province, city)  | gsi2  | gsi2pk = `ACCOUNTS#<role>`, gsi2sk begins_with `<prov>#[<city>#]` |
 * | SMS code state of a phone and purpose     | table | pk = `SMS#<phone>`, sk = `<purpose>`                            |
 * | rate-limit counters (phone, ip, per day)  | table | pk = `RATE#<kind>#<subject>`, sk = `<yyyymmdd>`                 |
 * | next numeric id of an entity              | table | pk = `COUNTER#<entity>`, sk = `COUNTER`                         |
 * | institution by id (+ specialist counter)  | table | pk = `INSTITUTION#<id>`, sk = `INSTITUTION`                     |
 * | institutions of a city, by sort order, id | gsi2  | gsi2pk = `INSTITUTIONS#<prov>`, gsi2sk begins_with `<city>#`    |
 * | institutions of a province (nation: each) | gsi2  | gsi2pk = `INSTITUTIONS#<prov>` (sk `<city>#<sort6>#<id10>`)     |
 * | institution full-name guard in a city     | table | pk = `INSTNAME#<city>#<normalised fullName>`, sk = `GUARD`      |
 * | specialists of an institution             | table | pk = `INSTITUTION#<id>`, sk begins_with `SPECIALIST#`           |
 * | specialist by institution and id          | table | pk = `INSTITUTION#<id>`, sk = `SPECIALIST#<id10>`               |
 * | specialist phone guard (unique phones)    | table | pk = `SPECIALISTPHONE#<phone>`, sk = `GUARD`                    |
 * | enterprise / product / order by id        | table | pk = `ENTERPRISE#<id>` / `PRODUCT#<id>` / `ORDER#<id>`          |
 * | a region's counters in a period          | table | pk = `STAT#<parent region>#<period>`, sk = `REGION#<region>`      |
 * | children of a region in a period          | table | pk = `STAT#<region>#<period>`, sk begins_with `REGION#`         |
 * | trend of a region (years; months of a year)| gsi1 | gsi1pk = `TREND#<region>#Y` / `TREND#<region>#M<year>`          |
 * | day counters of a region (recent window)  | table | pk = `STATD#<region>`, sk between two `yyyymmdd`                |
 * | per-institution counters of a scope       | table | pk = `STATI#<scope region>#<period>`, sk begins_with `INST#`    |
 * | feed by scope and kind, newest first      | gsi3  | gsi3pk = `FEED#<region>#<kind>`, gsi3sk = `<time>#<id>` (desc)  |
 * | audit log of a day                        | table | pk = `AUDIT#<yyyymmdd>`, sk = `<time>#<id>`                     |
 */

export interface KeyPair {
  partitionKey: string;
  sortKey: string;
}

export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Housekeeping only: code checks expiry itself (DESIGN.md §7). Epoch seconds. */
  ttlAttribute: 'ttl',
  /** The stream feeds the rollup handler; it needs the old and the new image. */
  streamView: 'NEW_AND_OLD_IMAGES',
  globalIndexes: {
    gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    gsi2: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    gsi3: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  } satisfies Record<string, KeyPair>,
} as const;

export type IndexName = keyof typeof TABLE_DEFINITION.globalIndexes;

/** All key attribute names (table and indexes); all are strings. */
export function keyAttributeNames(): string[] {
  const names: string[] = [TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey];
  for (const index of Object.values(TABLE_DEFINITION.globalIndexes)) names.push(index.partitionKey, index.sortKey);
  return names;
}

/** The CreateTable input for the local stack (the CDK stack builds the same from TABLE_DEFINITION). */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey, globalIndexes } = TABLE_DEFINITION;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: keyAttributeNames().map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: Object.entries(globalIndexes).map(([name, keys]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: keys.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: keys.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}

/**
 * Entities whose changes the rollup handler consumes. The stream filter (cloud event source and local
 * change capture alike) lets through only records whose old or new image has one of these entities,
 * so the rollup's own counter writes never come back to it.
 */
export const ROLLUP_SOURCE_ENTITIES = ['order', 'enterprise', 'institution', 'product', 'account'] as const;

/** Lambda event-source filter patterns (any one matching lets the record through). */
export function rollupStreamFilterPatterns(): Record<string, unknown>[] {
  const entities = [...ROLLUP_SOURCE_ENTITIES];
  return [
    { dynamodb: { NewImage: { entity: { S: entities } } } },
    { dynamodb: { OldImage: { entity: { S: entities } } } },
  ];
}
