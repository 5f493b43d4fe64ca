/** The supervision module's request and answer schemas (docs/http-api.md, "督办"). */
import * as z from 'zod';
import { regionCodeSchema } from '#shared/http/schemas';
import { OVERDUE_RULES } from '#shared/supervision/rules';

const levelSchema = z.enum(['nation', 'province', 'city', 'district']);
const regionRefSchema = z.object({ code: z.string(), name: z.string(), level: levelSchema });

export const regionQuerySchema = z.object({ region: regionCodeSchema.optional() });

const ruleFiguresSchema = z.object({
  /** Overdue now, and their requested amount (yuan). */
  overdue: z.number().int(),
  overdueAmount: z.number().int(),
  /** Overdue at the end of yesterday, and the change since. */
  yesterday: z.number().int(),
  change: z.number().int(),
  /** Waiting now, overdue or not. */
  waiting: z.number().int(),
  waitingAmount: z.number().int(),
});
const totalSchema = z.object({ overdue: z.number().int(), overdueAmount: z.number().int(), change: z.number().int() });

const basisSchema = z.object({
  /** Today (China time), `yyyy-mm-dd`. */
  today: z.string(),
  /** The years the holiday calendar lists, and whether it lists this one (otherwise weekends only). */
  calendar: z.object({ years: z.array(z.number().int()), coversToday: z.boolean() }),
  rules: z.array(
    z.object({
      rule: z.enum(OVERDUE_RULES),
      name: z.string(),
      threshold: z.number().int(),
      unit: z.enum(['workdays', 'days']),
      /** Demands that started waiting before this day (`yyyy-mm-dd`) are overdue today. */
      overdueBefore: z.string(),
    }),
  ),
});

export const summarySchema = z.object({
  region: regionRefSchema,
  basis: basisSchema,
  acceptance: ruleFiguresSchema,
  decision: ruleFiguresSchema,
  total: totalSchema,
});

export const regionsSchema = summarySchema.extend({
  rows: z.array(z.object({ code: z.string(), name: z.string(), level: levelSchema, acceptance: ruleFiguresSchema, decision: ruleFiguresSchema, total: totalSchema })),
});

export const demandsQuerySchema = z.object({
  region: regionCodeSchema.optional(),
  rule: z.enum(OVERDUE_RULES).default('acceptance'),
  /** Part of the enterprise's name. */
  keyword: z.string().trim().min(1).max(50).optional(),
  /** The accepting institution (对接超时 only). */
  institutionId: z.coerce.number().int().positive().optional(),
  /** `asc`: longest waiting first; `desc`: most recently overdue first. */
  order: z.enum(['asc', 'desc']).default('asc'),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const demandRowSchema = z.object({
  orderId: z.string(),
  enterpriseName: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  requestedAmount: z.number().int(),
  submittedAt: z.string(),
  acceptedAt: z.string().nullable(),
  institutionId: z.number().int().nullable(),
  institutionName: z.string().nullable(),
  waitingSince: z.string(),
  waitingWorkdays: z.number().int(),
  waitingDays: z.number().int(),
});

export const demandsPageSchema = z.object({
  region: regionRefSchema,
  rule: z.enum(OVERDUE_RULES),
  overdueBefore: z.string(),
  items: z.array(demandRowSchema),
  nextCursor: z.string().nullable(),
});

export const institutionsQuerySchema = z.object({
  region: regionCodeSchema.optional(),
  top: z.coerce.number().int().min(1).max(50).default(10),
});

export const institutionsSchema = z.object({
  region: regionRefSchema,
  /** Institutions with at least one overdue demand. */
  total: z.number().int(),
  items: z.array(
    z.object({
      institutionId: z.number().int(),
      name: z.string(),
      type: z.string().nullable(),
      typeName: z.string().nullable(),
      regionName: z.string().nullable(),
      overdue: z.number().int(),
      overdueAmount: z.number().int(),
      waiting: z.number().int(),
    }),
  ),
});
