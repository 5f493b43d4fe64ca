/** Typed calls of the statistics, dynamics and report endpoints (docs/api.md, "Statistics"). */
import { api } from './client';
import type { Metrics } from '../utils/metrics';

export interface PeriodFilter {
  region?: string;
  year?: number;
  month?: number;
}

export interface RegionRef {
  code: string;
  name: string;
  level: 'nation' | 'province' | 'city' | 'district';
}

export interface Summary {
  region: RegionRef;
  period: { year: number | null; month: number | null };
  metrics: Metrics;
}

export interface TrendPoint {
  year: number;
  month?: number;
  demandCount: number;
  demandAmount: number;
  loanCount: number;
  loanAmount: number;
}

export interface RegionRow {
  code: string;
  name: string;
  level: string;
  opened: boolean | null;
  openedAt: string | null;
  metrics: Metrics;
}

export interface IndustryRow {
  code: string;
  name: string;
  demandCount: number;
  demandAmount: number;
  loanCount: number;
  loanAmount: number;
}

export type InstitutionColumn =
  | 'productCount'
  | 'acceptedCount'
  | 'acceptedAmount'
  | 'loanCount'
  | 'loanAmount'
  | 'dockingCount'
  | 'dockingAmount';

export interface InstitutionStatsRow extends Record<InstitutionColumn, number> {
  institutionId: number;
  name: string;
  shortName: string;
  type: string;
  typeName?: string;
  logoUrl: string | null;
}

export interface InstitutionStatsPage {
  items: InstitutionStatsRow[];
  total: number;
  page?: number;
  pageSize?: number;
}

export interface InstitutionTypeRow {
  type: string;
  name: string;
  institutionCount: number;
  productCount: number;
  acceptedCount: number;
  acceptedAmount: number;
  loanCount: number;
  loanAmount: number;
}

export interface DailyRow {
  date: string;
  demandCount: number;
  demandAmount: number;
  loanCount: number;
  loanAmount: number;
  newEnterprises: number;
  newInstitutions: number;
}

export type FeedKind = 'loan' | 'demand' | 'enterprise' | 'institution';

export interface FeedItem {
  time: string;
  kind: FeedKind;
  title: string;
  enterpriseName?: string | null;
  amount: number | null;
  regionCode: string;
  regionName?: string;
  institutionName: string | null;
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: string | null;
}

export type ReportKind = 'regional-overview' | 'institutions' | 'industries' | 'accounts';

export interface ReportFile {
  fileName: string;
  downloadUrl: string;
  expiresAt: string;
}

export const statsApi = {
  summary: (filter: PeriodFilter) => api.get<Summary>('/stats/summary', { ...filter }),
  trend: (query: { region?: string; from?: number; to?: number; granularity?: 'year' | 'month'; year?: number }) =>
    api.get<TrendPoint[]>('/stats/trend', { ...query }),
  regions: (filter: PeriodFilter & { sort?: string; order?: 'asc' | 'desc' }) => api.get<RegionRow[]>('/stats/regions', { ...filter }),
  industries: (filter: PeriodFilter) => api.get<IndustryRow[]>('/stats/industries', { ...filter }),
  institutions: (
    query: PeriodFilter & { type?: string; sort?: InstitutionColumn | 'name'; order?: 'asc' | 'desc'; page?: number; pageSize?: number },
  ) => api.get<InstitutionStatsPage>('/stats/institutions', { ...query }),
  institutionTypes: (filter: PeriodFilter) => api.get<InstitutionTypeRow[]>('/stats/institution-types', { ...filter }),
  daily: (query: { region?: string; days?: number } = {}) => api.get<DailyRow[]>('/dynamics/daily', { ...query }),
  feed: (query: { region?: string; kind?: FeedKind; cursor?: string; limit?: number }) => api.get<FeedPage>('/dynamics/feed', { ...query }),
  report: (body: { kind: ReportKind } & PeriodFilter) => api.post<ReportFile>('/reports', body),
};

/** Creates a report and starts its download in the browser. */
export async function downloadReport(body: { kind: ReportKind } & PeriodFilter): Promise<ReportFile> {
  const file = await statsApi.report(body);
  const link = document.createElement('a');
  link.href = file.downloadUrl;
  link.download = file.fileName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  return file;
}
