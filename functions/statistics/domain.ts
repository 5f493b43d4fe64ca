/**
 * 机构数据统计's overview and rankings: the institution rows of shared/statistics/queries.ts, sorted,
 * paged (with a short-lived logo URL for the rows on the page), or ranked per column.
 */
import type { Caller } from '#shared/auth/caller';
import { config } from '#shared/config';
import type { InstitutionTypeCode } from '#shared/reference/institution-types';
import {
  INSTITUTION_COLUMNS,
  institutionRows,
  sortInstitutionRows,
  type InstitutionColumn,
  type InstitutionRow,
  type PeriodQuery,
  type RegionBasis,
} from '#shared/statistics/queries';
import { presignDownload } from '#shared/storage/s3';

type InstitutionQuery = PeriodQuery & { type?: InstitutionTypeCode; regionBasis?: RegionBasis };

const figures = ({ logoKey: _l, provinceCode: _p, cityCode: _c, ...row }: InstitutionRow) => row;

export async function institutionTable(
  caller: Caller,
  query: InstitutionQuery & { sort?: InstitutionColumn | 'name'; order?: 'asc' | 'desc'; page: number; pageSize: number },
) {
  const { rows } = await institutionRows(caller, query);
  // Sorting is stable: equal values keep id order, so pages never overlap or skip rows.
  sortInstitutionRows(rows, query.sort ?? 'acceptedAmount', query.order);
  const start = (query.page - 1) * query.pageSize;
  const page = rows.slice(start, start + query.pageSize);
  const items = await Promise.all(
    page.map(async (row) => ({
      ...figures(row),
      logoUrl: row.logoKey ? await presignDownload(config().uploadsBucket, row.logoKey, 15 * 60, { disposition: 'inline' }) : null,
    })),
  );
  return { items, total: rows.length, page: query.page, pageSize: query.pageSize };
}

/**
 * 数据排行: the top institutions of every column from one read of the counters, in the order the
 * overview shows when sorted by that column.
 */
export async function institutionRankings(caller: Caller, query: InstitutionQuery & { top: number }) {
  const { rows } = await institutionRows(caller, query);
  const rankings = Object.fromEntries(
    INSTITUTION_COLUMNS.map((column) => [column, sortInstitutionRows([...rows], column).slice(0, query.top).map(figures)]),
  ) as Record<InstitutionColumn, ReturnType<typeof figures>[]>;
  return { regionBasis: query.regionBasis ?? 'enterprise', total: rows.length, rankings };
}
