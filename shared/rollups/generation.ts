/**
 * The generation of the items the rollup derives. A store whose items an older generation wrote (one
 * without some kind of item this code reads) is rebuilt: by `npm start` on a kept data directory, by
 * the operator after a deploy (docs/operations.md, "Upgrading the rollups"); a rebuild records the
 * generation it wrote (tools/rollups.ts). 2: institution entries; 3: institution counters carry their
 * rank-index partition (`ipk`) and regions count listed institutions.
 */
export const ROLLUP_GENERATION = 3;

/** From this generation on, the rank indexes and the listed-institution counts are complete. */
export const RANK_INDEX_GENERATION = 3;
