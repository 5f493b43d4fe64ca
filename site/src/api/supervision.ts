/** 督办 and 数据质量 (docs/http-api.md, "督办", "数据质量"). */
import { call, type Answer, type BodyOf, type QueryOf } from './client';

export type SupervisionSummary = Answer<'getSupervisionSummary'>;
export type SupervisionRegions = Answer<'getSupervisionRegions'>;
export type SupervisionRow = SupervisionRegions['rows'][number];
export type RuleFigures = SupervisionSummary['acceptance'];
export type OverdueQuery = NonNullable<QueryOf<'listOverdueDemands'>>;
export type OverdueRule = NonNullable<OverdueQuery['rule']>;
export type OverduePage = Answer<'listOverdueDemands'>;
export type OverdueRow = OverduePage['items'][number];
export type OverdueInstitutions = Answer<'getOverdueInstitutions'>;
export type OverdueInstitution = OverdueInstitutions['items'][number];

export type QualitySummary = Answer<'getQualitySummary'>;
export type QualityRule = QualitySummary['rules'][number]['rule'];
export type QualityTrend = Answer<'getQualityTrend'>;
export type QualityRegions = Answer<'getQualityRegions'>;
export type QualityRegionRow = QualityRegions['rows'][number];
export type WarningQuery = NonNullable<QueryOf<'listQualityWarnings'>>;
export type WarningPage = Answer<'listQualityWarnings'>;
export type Warning = WarningPage['items'][number];
export type CheckBody = BodyOf<'checkQualityWarning'>;

// The rules' names and order are the server's (shared/contract/supervision.ts).
export { OVERDUE_RULE_NAMES, QUALITY_RULE_NAMES, QUALITY_RULES as QUALITY_RULE_ORDER } from '../../../shared/contract/supervision';

export const supervisionApi = {
  summary: (region?: string) => call('getSupervisionSummary', { query: { region } }),
  regions: (region?: string) => call('getSupervisionRegions', { query: { region } }),
  demands: (query: OverdueQuery) => call('listOverdueDemands', { query }),
  institutions: (query: NonNullable<QueryOf<'getOverdueInstitutions'>>) => call('getOverdueInstitutions', { query }),
};

export const qualityApi = {
  summary: (query: NonNullable<QueryOf<'getQualitySummary'>>) => call('getQualitySummary', { query }),
  trend: (query: NonNullable<QueryOf<'getQualityTrend'>>) => call('getQualityTrend', { query }),
  regions: (query: NonNullable<QueryOf<'getQualityRegions'>>) => call('getQualityRegions', { query }),
  warnings: (query: WarningQuery) => call('listQualityWarnings', { query }),
  check: (body: CheckBody) => call('checkQualityWarning', { body }),
};
