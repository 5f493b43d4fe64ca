/**
 * 机构数据统计's overview and rankings: the institution rows of shared/statistics/queries.ts, sorted,
 * paged (with a short-lived logo URL for the rows on the page), or ranked per column.
 */
import type { Caller } from '#shared/auth/caller';
import { config } from '#shared/config';
import { INSTITUTION_COLUMNS, leadingInstitutionRows, type InstitutionColumn, type InstitutionQuery, type InstitutionRow } from '#shared/statistics/queries';
import { presignDownload } from '#shared/storage/s3';

const figures = ({ logoKey: _l, provinceCode: _p, cityCode: _c, ...row }: InstitutionRow) => row;

export async function institutionTable(
  caller: Caller,
  query: InstitutionQuery & { sort?: InstitutionColumn | 'name'; order?: 'asc' | 'desc'; page: number; pageSize: number },
) {
  // Equal values keep id order, so pages never overlap or skip rows.
  const start = (query.page - 1) * query.pageSize;
  const { rows, total } = await leadingInstitutionRows(caller, query, [{ column: query.sort ?? 'acceptedAmount', order: query.order }], start + query.pageSize);
  const page = rows[0]!.slice(start);
  const items = await Promise.all(
    page.map(async (row) => ({
      ...figures(row),
      logoUrl: row.logoKey ? await presignDownload(config().uploadsBucket, row.logoKey, 15 * 60, { disposition: 'inline' }) : null,
    })),
  );
  return { items, total, page: query.page, pageSize: query.pageSize };
}

/**
 * 数据排行: the top institutions of every column, in the order the overview shows when sorted by
 * that column.
 */
export async function institutionRankings(caller: Caller, query: InstitutionQuery & { top: number }) {
  const { rows, total } = await leadingInstitutionRows(
    caller,
    query,
    INSTITUTION_COLUMNS.map((column) => ({ column })),
    query.top,
  );
  const rankings = Object.fromEntries(INSTITUTION_COLUMNS.map((column, i) => [column, rows[i]!.map(figures)])) as Record<InstitutionColumn, ReturnType<typeof figures>[]>;
  return { regionBasis: query.regionBasis ?? 'enterprise', total, rankings };
}
