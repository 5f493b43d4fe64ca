/**
 * 机构数据概览's table: the institution rows of shared/statistics/queries.ts, sorted, paged, and with
 * a short-lived logo URL for the rows on the page.
 */
import type { Caller } from '#shared/auth/caller';
import { config } from '#shared/config';
import type { InstitutionTypeCode } from '#shared/reference/institution-types';
import { institutionRows, sortRows, type InstitutionColumn, type PeriodQuery } from '#shared/statistics/queries';
import { presignDownload } from '#shared/storage/s3';

export async function institutionTable(
  caller: Caller,
  query: PeriodQuery & { type?: InstitutionTypeCode; sort?: InstitutionColumn | 'name'; order?: 'asc' | 'desc'; page: number; pageSize: number },
) {
  const { rows } = await institutionRows(caller, query);
  const sort = query.sort ?? 'acceptedAmount';
  // Sorting is stable: equal values keep id order, so pages never overlap or skip rows.
  rows.sort((a, b) => a.institutionId - b.institutionId);
  sortRows(rows, (row) => (sort === 'name' ? row.name : row[sort]), query.order ?? (sort === 'name' ? 'asc' : 'desc'));
  const start = (query.page - 1) * query.pageSize;
  const page = rows.slice(start, start + query.pageSize);
  const items = await Promise.all(
    page.map(async ({ logoKey, provinceCode: _p, cityCode: _c, ...row }) => ({
      ...row,
      logoUrl: logoKey ? await presignDownload(config().uploadsBucket, logoKey, 15 * 60, { disposition: 'inline' }) : null,
    })),
  );
  return { items, total: rows.length, page: query.page, pageSize: query.pageSize };
}
