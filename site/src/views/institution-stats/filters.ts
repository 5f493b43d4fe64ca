export interface InstitutionFilterValue {
  type?: string;
  region?: string;
  year?: number;
  month?: number;
}

/** The filters as query parameters (a month only with a year; empty type = all). */
export function filterQuery(filters: InstitutionFilterValue): InstitutionFilterValue {
  return {
    type: filters.type || undefined,
    region: filters.region,
    year: filters.year,
    month: filters.year ? filters.month : undefined,
  };
}
