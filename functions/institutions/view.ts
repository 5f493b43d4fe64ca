/** The API's views of an institution and a specialist (docs/http-api.md, "Institutions and specialists"). */
import * as z from 'zod';
import { config } from '#shared/config';
import { INSTITUTION_LEVEL, type InstitutionRecord } from '#shared/db/institutions';
import { genderSchema, statusSchema } from '#shared/http/schemas';
import type { SpecialistRecord } from '#shared/db/specialists';
import { INSTITUTION_TYPE_CODES, institutionTypeName } from '#shared/reference/institution-types';
import { findRegion } from '#shared/reference/regions';
import { presignDownload } from '#shared/storage/s3';

/** Logos and avatars are shown at once; a short-lived GET is enough and leaks little. */
const IMAGE_URL_SECONDS = 10 * 60;

const LEVEL_NAMES: Record<InstitutionRecord['level'], string> = { settled: '入驻机构' };

export const institutionViewSchema = z.object({
  id: z.number().int(),
  type: z.enum(INSTITUTION_TYPE_CODES),
  typeName: z.string(),
  parentName: z.string().nullable(),
  fullName: z.string(),
  shortName: z.string(),
  logoKey: z.string(),
  logoUrl: z.string(),
  districtCode: z.string(),
  districtName: z.string(),
  cityCode: z.string(),
  cityName: z.string(),
  provinceCode: z.string(),
  provinceName: z.string(),
  address: z.string().nullable(),
  sortOrder: z.number().int(),
  intro: z.string().nullable(),
  status: statusSchema,
  level: z.literal(INSTITUTION_LEVEL),
  levelName: z.string(),
  specialistCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type InstitutionView = z.output<typeof institutionViewSchema>;

export const specialistViewSchema = z.object({
  id: z.number().int(),
  institutionId: z.number().int(),
  phone: z.string(),
  realName: z.string(),
  gender: genderSchema.nullable(),
  department: z.string().nullable(),
  position: z.string().nullable(),
  avatarKey: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  status: statusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type SpecialistView = z.output<typeof specialistViewSchema>;

const regionName = (code: string) => findRegion(code)?.name ?? code;

export async function presentInstitution(record: InstitutionRecord): Promise<InstitutionView> {
  return {
    id: record.id,
    type: record.type,
    typeName: institutionTypeName(record.type) ?? record.type,
    parentName: record.parentName ?? null,
    fullName: record.fullName,
    shortName: record.shortName,
    logoKey: record.logoKey,
    logoUrl: await presignDownload(config().uploadsBucket, record.logoKey, IMAGE_URL_SECONDS, { disposition: 'inline' }),
    districtCode: record.districtCode,
    districtName: regionName(record.districtCode),
    cityCode: record.cityCode,
    cityName: regionName(record.cityCode),
    provinceCode: record.provinceCode,
    provinceName: regionName(record.provinceCode),
    address: record.address ?? null,
    sortOrder: record.sortOrder,
    intro: record.intro ?? null,
    status: record.status,
    level: record.level,
    levelName: LEVEL_NAMES[record.level] ?? record.level,
    specialistCount: record.specialistCount,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
  };
}

/** The full phone is shown: the city administers its specialists (docs/console.md, "机构管理"). */
export async function presentSpecialist(record: SpecialistRecord): Promise<SpecialistView> {
  return {
    id: record.id,
    institutionId: record.institutionId,
    phone: record.phone,
    realName: record.realName,
    gender: record.gender ?? null,
    department: record.department ?? null,
    position: record.position ?? null,
    avatarKey: record.avatarKey ?? null,
    avatarUrl: record.avatarKey ? await presignDownload(config().uploadsBucket, record.avatarKey, IMAGE_URL_SECONDS, { disposition: 'inline' }) : null,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
  };
}
