/**
 * The institutions module's request and answer schemas: the route table validates with them, the
 * OpenAPI document is generated from them, and the domain's input types are inferred from them.
 */
import * as z from 'zod';
import { MAX_INSTITUTION_SORT_ORDER } from '#shared/db/keys';
import { genderSchema, pagingSchema, phoneSchema, regionCodeSchema, statusSchema } from '#shared/http/schemas';
import { INSTITUTION_TYPE_CODES } from '#shared/reference/institution-types';
import { institutionViewSchema, specialistViewSchema } from './view';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional();
const clearableText = (max: number) => z.string().trim().max(max).nullable().optional();
const objectKey = z.string().trim().min(1).max(300);
const sortOrder = z.number().int().min(0).max(MAX_INSTITUTION_SORT_ORDER);
const institutionType = z.enum(INSTITUTION_TYPE_CODES);
const version = z.number().int().positive();

export const specialistParamsSchema = z.object({
  id: z.coerce.number().int().positive(),
  specialistId: z.coerce.number().int().positive(),
});

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const institutionPageSchema = pageOf(institutionViewSchema);
export const specialistPageSchema = pageOf(specialistViewSchema);

export const institutionListQuerySchema = pagingSchema.extend({
  name: z.string().trim().max(100).optional(),
  type: institutionType.optional(),
  regionCode: regionCodeSchema.optional(),
});
export type InstitutionListQuery = z.output<typeof institutionListQuerySchema>;

export const institutionCreateSchema = z.object({
  type: institutionType,
  parentName: optionalText(100),
  fullName: text(100),
  shortName: text(50),
  logoKey: objectKey,
  districtCode: regionCodeSchema,
  address: optionalText(200),
  sortOrder: sortOrder.default(0),
  intro: optionalText(2000),
  status: statusSchema.default('enabled'),
});
export type InstitutionInput = z.output<typeof institutionCreateSchema>;

export const institutionEditSchema = z.object({
  version,
  type: institutionType.optional(),
  parentName: clearableText(100),
  fullName: text(100).optional(),
  shortName: text(50).optional(),
  logoKey: objectKey.optional(),
  districtCode: regionCodeSchema.optional(),
  address: clearableText(200),
  sortOrder: sortOrder.optional(),
  intro: clearableText(2000),
  status: statusSchema.optional(),
});
export type InstitutionEdit = z.output<typeof institutionEditSchema>;

export const specialistListQuerySchema = pagingSchema.extend({ keyword: z.string().trim().max(30).optional() });
export type SpecialistListQuery = z.output<typeof specialistListQuerySchema>;

export const specialistCreateSchema = z.object({
  phone: phoneSchema,
  realName: text(30),
  gender: genderSchema.optional(),
  department: optionalText(100),
  position: optionalText(50),
  avatarKey: objectKey.optional(),
  status: statusSchema.default('enabled'),
});
export type SpecialistInput = z.output<typeof specialistCreateSchema>;

export const specialistEditSchema = z.object({
  version,
  phone: phoneSchema.optional(),
  realName: text(30).optional(),
  gender: genderSchema.nullable().optional(),
  department: clearableText(100),
  position: clearableText(50),
  avatarKey: z.string().trim().max(300).nullable().optional(),
  status: statusSchema.optional(),
});
export type SpecialistEdit = z.output<typeof specialistEditSchema>;
