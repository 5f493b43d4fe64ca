/**
 * The statistics module's request and answer schemas (docs/http-api.md, "Statistics"): the route table
 * validates with them and the OpenAPI document, from which the site's types are generated, is built
 * from them.
 */
import * as z from 'zod';
import { pagingSchema, regionCodeSchema } from '#shared/http/schemas';
import { INSTITUTION_TYPE_CODES } from '#shared/reference/institution-types';
import { COUNTED_METRICS, METRIC_NAMES } from '#shared/statistics/metrics';
import { periodQuerySchema, yearSchema } from '#shared/statistics/period';
import { INSTITUTION_COLUMNS, REGION_BASES } from '#shared/statistics/queries';

const order = z.enum(['asc', 'desc']).optional();
const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/** Every metric of docs/data-model.md, "Metric definitions": counts and amounts, rates (null when undefined). */
export const metricsSchema = z.object({
  ...(Object.fromEntries(COUNTED_METRICS.map((name) => [name, z.number()])) as Record<(typeof COUNTED_METRICS)[number], z.ZodNumber>),
  successRate: z.number().nullable(),
  badDebtRate: z.number().nullable(),
  /** Null for a district (its counters carry no industry split). */
  industryCount: z.number().nullable(),
});

const levelSchema = z.enum(['nation', 'province', 'city', 'district']);
const regionRefSchema = z.object({ code: z.string(), name: z.string(), level: levelSchema });
const periodRefSchema = z.object({ year: z.number().nullable(), month: z.number().nullable() });

export const summaryQuerySchema = periodQuerySchema.extend({
  /** With `compare=true` the answer adds `cumulative` and `comparison` (同比 / 环比). */
  compare: flag,
});

export const summarySchema = z.object({
  region: regionRefSchema,
  period: periodRefSchema,
  metrics: metricsSchema,
  /** All-time figures of the region (with `compare=true`). */
  cumulative: metricsSchema.optional(),
  /** The compared periods (with `compare=true`); for all time the basis is the current month. */
  comparison: z
    .object({
      basis: periodRefSchema,
      current: metricsSchema,
      yearOnYear: z.object({ period: periodRefSchema, metrics: metricsSchema }),
      monthOnMonth: z.object({ period: periodRefSchema, metrics: metricsSchema }).nullable(),
    })
    .optional(),
});

export const trendQuerySchema = z
  .object({
    region: regionCodeSchema.optional(),
    from: yearSchema.optional(),
    to: yearSchema.optional(),
    granularity: z.enum(['year', 'month']).default('year'),
    year: yearSchema.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || (q.from <= q.to && q.to - q.from <= 30), {
    message: 'from 须不晚于 to，且跨度不超过 30 年',
    path: ['from'],
  });

export const trendSchema = z.array(
  z.object({ year: z.number(), month: z.number().optional(), demandCount: z.number(), demandAmount: z.number(), loanCount: z.number(), loanAmount: z.number() }),
);

export const regionsQuerySchema = periodQuerySchema.extend({ sort: z.enum([...METRIC_NAMES, 'code']).optional(), order });

export const regionRowsSchema = z.array(
  z.object({ code: z.string(), name: z.string(), level: levelSchema, opened: z.boolean().nullable(), openedAt: z.string().nullable(), metrics: metricsSchema }),
);

export const industriesSchema = z.array(
  z.object({ code: z.string(), name: z.string(), demandCount: z.number(), demandAmount: z.number(), loanCount: z.number(), loanAmount: z.number() }),
);

const institutionFilter = {
  type: z.enum(INSTITUTION_TYPE_CODES).optional(),
  /** What the region means: the enterprises served (default) or where the institution is. */
  regionBasis: z.enum(REGION_BASES).default('enterprise'),
};

export const institutionsQuerySchema = periodQuerySchema
  .extend(pagingSchema.shape)
  .extend({ ...institutionFilter, sort: z.enum([...INSTITUTION_COLUMNS, 'name']).optional(), order });

const institutionColumns = Object.fromEntries(INSTITUTION_COLUMNS.map((name) => [name, z.number()])) as Record<(typeof INSTITUTION_COLUMNS)[number], z.ZodNumber>;
const institutionFigures = {
  institutionId: z.number(),
  name: z.string(),
  shortName: z.string(),
  type: z.string(),
  typeName: z.string(),
  ...institutionColumns,
};

export const institutionsPageSchema = z.object({
  items: z.array(z.object({ ...institutionFigures, logoUrl: z.string().nullable() })),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const rankingsQuerySchema = periodQuerySchema.extend({
  ...institutionFilter,
  top: z.coerce.number().int().min(1).max(50).default(10),
});

const rankingRows = z.array(z.object(institutionFigures));
export const rankingsSchema = z.object({
  regionBasis: z.enum(REGION_BASES),
  /** How many institutions the region has in this basis (the overview's total). */
  total: z.number(),
  rankings: z.object(Object.fromEntries(INSTITUTION_COLUMNS.map((name) => [name, rankingRows])) as Record<(typeof INSTITUTION_COLUMNS)[number], typeof rankingRows>),
});

export const institutionTypesSchema = z.array(
  z.object({
    type: z.string(),
    name: z.string(),
    institutionCount: z.number(),
    productCount: z.number(),
    acceptedCount: z.number(),
    acceptedAmount: z.number(),
    loanCount: z.number(),
    loanAmount: z.number(),
  }),
);
