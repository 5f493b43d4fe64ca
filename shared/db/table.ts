/**
 * The one DynamoDB table, defined once for the CDK stack and the local stack alike.
 *
 * Single-table design: every item has a generic `pk`/`sk`, an `entity` attribute naming what it is,
 * and optionally up to three GSI key pairs. Keys are built only by the pure functions in `keys.ts`;
 * the access patterns they serve (no Scan on any request path) are listed in docs/data-model.md,
 * "Keys and access patterns".
 */

export interface KeyPair {
  partitionKey: string;
  sortKey: string;
}

/** A global index: string keys and every attribute unless said otherwise. */
export interface IndexDefinition extends KeyPair {
  sortKeyType?: 'S' | 'N';
  projection?: 'ALL' | 'KEYS_ONLY';
}

/**
 * The columns of 机构数据统计, each with a rank index: the institution counter items of one scope and
 * period (partition attribute `ipk`, set on those items only) by that column's number, so that the
 * top rows of a column are read without reading the others (docs/data-model.md, "Rank indexes").
 */
export const INSTITUTION_RANK_COLUMNS = ['productCount', 'acceptedCount', 'acceptedAmount', 'loanCount', 'loanAmount', 'dockingCount', 'dockingAmount'] as const;
export type InstitutionRankColumn = (typeof INSTITUTION_RANK_COLUMNS)[number];
export const RANK_PARTITION_ATTRIBUTE = 'ipk';
export const rankIndexName = (column: InstitutionRankColumn) => `rank_${column}`;

const rankIndexes = Object.fromEntries(
  INSTITUTION_RANK_COLUMNS.map((column) => [
    rankIndexName(column),
    { partitionKey: RANK_PARTITION_ATTRIBUTE, sortKey: column, sortKeyType: 'N', projection: 'KEYS_ONLY' } satisfies IndexDefinition,
  ]),
) as Record<`rank_${InstitutionRankColumn}`, IndexDefinition>;

export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Housekeeping only: code checks expiry itself (docs/data-model.md, "Write protocols"). Epoch seconds. */
  ttlAttribute: 'ttl',
  /** The stream feeds the rollup handler; it needs the old and the new image. */
  streamView: 'NEW_AND_OLD_IMAGES',
  globalIndexes: {
    gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    gsi2: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    gsi3: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    ...rankIndexes,
  } satisfies Record<string, IndexDefinition>,
} as const;

export type IndexName = keyof typeof TABLE_DEFINITION.globalIndexes;

/** Every key attribute (table and indexes) with its type: `S`, or `N` for the rank indexes' columns. */
export function keyAttributes(): { name: string; type: 'S' | 'N' }[] {
  const types = new Map<string, 'S' | 'N'>([
    [TABLE_DEFINITION.partitionKey, 'S'],
    [TABLE_DEFINITION.sortKey, 'S'],
  ]);
  for (const index of Object.values(TABLE_DEFINITION.globalIndexes) as IndexDefinition[]) {
    types.set(index.partitionKey, 'S');
    types.set(index.sortKey, index.sortKeyType ?? 'S');
  }
  return [...types].map(([name, type]) => ({ name, type }));
}

/** The CreateTable input for the local stack (the CDK stack builds the same from TABLE_DEFINITION). */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey, globalIndexes } = TABLE_DEFINITION;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: keyAttributes().map(({ name, type }) => ({ AttributeName: name, AttributeType: type })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: Object.entries(globalIndexes as Record<string, IndexDefinition>).map(([name, keys]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: keys.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: keys.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: keys.projection ?? ('ALL' as const) },
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
