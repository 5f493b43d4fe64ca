/** The API's views of an institution and a specialist (API.md "Institutions and specialists"). */
import { config } from '#shared/config';
import type { InstitutionRecord } from '#shared/db/institutions';
import type { SpecialistRecord } from '#shared/db/specialists';
import { institutionTypeName } from '#shared/reference/institution-types';
import { findRegion } from '#shared/reference/regions';
import { presignDownload } from '#shared/storage/s3';

/** Logos and avatars are shown at once; a short-lived GET is enough and leaks little. */
const IMAGE_URL_SECONDS = 10 * 60;

const LEVEL_NAMES: Record<InstitutionRecord['level'], string> = { settled: '入驻机构' };

export interface InstitutionView {
  id: number;
  type: InstitutionRecord['type'];
  typeName: string;
  parentName: string | null;
  fullName: string;
  shortName: string;
  logoKey: string;
  logoUrl: string;
  districtCode: string;
  districtName: string;
  cityCode: string;
  cityName: string;
  provinceCode: string;
  provinceName: string;
  address: string | null;
  sortOrder: number;
  intro: string | null;
  status: InstitutionRecord['status'];
  level: InstitutionRecord['level'];
  levelName: string;
  specialistCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface SpecialistView {
  id: number;
  institutionId: number;
  phone: string;
  realName: string;
  gender: SpecialistRecord['gender'] | null;
  department: string | null;
  position: string | null;
  avatarKey: string | null;
  avatarUrl: string | null;
  status: SpecialistRecord['status'];
  createdAt: string;
  updatedAt: string;
  version: number;
}

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
    logoUrl: await presignDownload(config().uploadsBucket, record.logoKey, IMAGE_URL_SECONDS),
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

/** The full phone is shown: the city administers its specialists (manual §2.11.4). */
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
    avatarUrl: record.avatarKey ? await presignDownload(config().uploadsBucket, record.avatarKey, IMAGE_URL_SECONDS) : null,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
  };
}
