/**
 * The accounts module's request and answer schemas. The route table validates with them, the OpenAPI
 * document is generated from them, and the domain's input types are inferred from them.
 */
import * as z from 'zod';
import { ROLES } from '#shared/auth/caller';
import { genderSchema, pagingSchema, phoneSchema, regionCodeSchema, statusSchema } from '#shared/http/schemas';
import { accountViewSchema } from '#shared/views/account';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional();
const clearableText = (max: number) => z.string().trim().max(max).nullable().optional();
const auditStatusSchema = z.enum(['pending', 'approved', 'rejected']);

export { accountViewSchema };

export const listQuerySchema = pagingSchema.extend({
  tier: z.enum(['peer', 'subordinate']).default('peer'),
  name: z.string().trim().max(50).optional(),
  regionCode: regionCodeSchema.optional(),
  status: statusSchema.optional(),
  auditStatus: auditStatusSchema.optional(),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const createBodySchema = z.object({
  role: z.enum(ROLES),
  regionCode: regionCodeSchema.optional(),
  phone: phoneSchema,
  smsCode: z.string().regex(/^\d{6}$/, '验证码为 6 位数字').optional(),
  password: z.string().max(64).optional(),
  realName: text(30),
  gender: genderSchema,
  unit: text(100),
  department: optionalText(100),
  position: optionalText(50),
  remark: optionalText(200),
  status: statusSchema.default('enabled'),
  authorizationLetterKey: z.string().max(300).optional(),
});
export type CreateInput = z.output<typeof createBodySchema>;

export const editBodySchema = z.object({
  version: z.number().int().positive(),
  /** Never editable: present only so that a request carrying it gets a clear 400. */
  phone: z.unknown().optional(),
  password: z.string().max(64).optional(),
  realName: text(30).optional(),
  gender: genderSchema.optional(),
  unit: text(100).optional(),
  department: clearableText(100),
  position: clearableText(50),
  remark: clearableText(200),
  status: statusSchema.optional(),
});
export type EditInput = z.output<typeof editBodySchema>;

export const auditBodySchema = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().trim().max(200).optional(),
  version: z.number().int().positive(),
});
export type AuditInput = z.output<typeof auditBodySchema>;

export const batchDeleteBodySchema = z.object({ ids: z.array(z.number().int().positive()).min(1).max(100) });

export const batchDeleteAnswerSchema = z.object({
  deleted: z.array(z.number().int()),
  failed: z.array(z.object({ id: z.number().int(), error: z.object({ code: z.string(), message: z.string() }) })),
});

export const accountListSchema = z.object({ items: z.array(accountViewSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
