/** The data-quality module's request and answer schemas (docs/http-api.md, "数据质量"). */
import * as z from 'zod';
import { QUALITY_RULES } from '#shared/financing/quality';
import { regionCodeSchema } from '#shared/http/schemas';
import { isCalendarDay } from '#shared/time';
import { periodQuerySchema, yearSchema } from '#shared/statistics/period';
import { warningViewSchema } from '#shared/data-quality/queries';

const levelSchema = z.enum(['nation', 'province', 'city', 'district']);
const regionRefSchema = z.object({ code: z.string(), name: z.string(), level: levelSchema });
const periodRefSchema = z.object({ year: z.number().nullable(), month: z.number().nullable() });
const byRuleSchema = z.object(Object.fromEntries(QUALITY_RULES.map((rule) => [rule, z.number().int()])) as Record<(typeof QUALITY_RULES)[number], z.ZodNumber>);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '须为 yyyy-mm-dd').refine(isCalendarDay, '须为有效日期');

export { periodQuerySchema };

export const summarySchema = z.object({
  region: regionRefSchema,
  period: periodRefSchema,
  rules: z.array(
    z.object({
      rule: z.enum(QUALITY_RULES),
      name: z.string(),
      description: z.string(),
      count: z.number().int(),
      checked: z.number().int(),
      unchecked: z.number().int(),
    }),
  ),
  total: z.object({ count: z.number().int(), checked: z.number().int(), unchecked: z.number().int() }),
});

export const trendQuerySchema = z.object({ region: regionCodeSchema.optional(), year: yearSchema.optional() });

export const trendSchema = z.object({
  region: regionRefSchema,
  year: z.number().int(),
  months: z.array(z.object({ month: z.number().int(), total: z.number().int(), byRule: byRuleSchema })),
});

export const regionsSchema = z.object({
  region: regionRefSchema,
  period: periodRefSchema,
  rows: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      level: levelSchema,
      count: z.number().int(),
      checked: z.number().int(),
      unchecked: z.number().int(),
      byRule: byRuleSchema,
    }),
  ),
});

export const warningsQuerySchema = z.object({
  region: regionCodeSchema.optional(),
  rule: z.enum(QUALITY_RULES).optional(),
  status: z.enum(['checked', 'unchecked']).optional(),
  /** China days (inclusive) of when the warnings were raised; everything by default. */
  from: day.optional(),
  to: day.optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const warningsPageSchema = z.object({ region: regionRefSchema, items: z.array(warningViewSchema), nextCursor: z.string().nullable() });

export const checkBodySchema = z.object({
  kind: z.enum(['order', 'enterprise', 'product']),
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, '记录编号格式不正确'),
  rule: z.enum(QUALITY_RULES),
  /** The record's version the list showed (409 VERSION_CONFLICT when it changed since). */
  version: z.number().int().min(1),
  note: z.string().trim().max(200).optional(),
});

export { warningViewSchema };
