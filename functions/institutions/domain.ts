/**
 * 机构管理 (docs/console.md, "机构管理"): a city user's financial institutions and their specialists (专管员), and the
 * read-only view provinces and the nation get of the institutions in their scope. Every read and write
 * checks the caller against the institution (policy.ts); every change is audit-logged with the fields
 * it changed.
 */
import type { Caller } from '#shared/auth/caller';
import { changedFields, actorOf, writeAudit } from '#shared/db/audit';
import { createInstitution, deleteInstitution, getInstitution, InstitutionNotFoundError, queryInstitutions, updateInstitution, type InstitutionChanges, type InstitutionRecord } from '#shared/db/institutions';
import { createSpecialist, deleteSpecialist, getSpecialist, querySpecialists, SpecialistNotFoundError, updateSpecialist, type SpecialistChanges, type SpecialistRecord } from '#shared/db/specialists';
import { childRegions } from '#shared/reference/regions';
import { verifyUpload } from '#shared/storage/uploads';
import {
  bySortOrderThenId,
  canManageInstitution,
  canReadInstitution,
  institutionPlace,
  listScope,
  matchesKeyword,
  pageOf,
} from './policy';
import type { InstitutionEdit, InstitutionInput, InstitutionListQuery, SpecialistEdit, SpecialistInput, SpecialistListQuery } from './schemas';
import { presentInstitution, presentSpecialist, type InstitutionView, type SpecialistView } from './view';


interface Actor {
  caller: Caller;
  sourceIp: string;
}

function audit(actor: Actor, action: string, target: { type: string; id: number }, extra: Record<string, unknown> = {}) {
  return writeAudit({
    action,
    outcome: 'success',
    actor: actorOf(actor.caller),
    sourceIp: actor.sourceIp,
    targetType: target.type,
    targetId: target.id,
    ...extra,
  });
}

/** `institution.update`, or `.enable` / `.disable` when the status changed. */
function changeAction(entity: string, before: { status: string }, after: { status: string }): string {
  if (before.status === after.status) return `${entity}.update`;
  return `${entity}.${after.status === 'disabled' ? 'disable' : 'enable'}`;
}

/** The institution if the caller may read it; 404 otherwise (existence is not revealed). */
async function readableInstitution(caller: Caller, id: number): Promise<InstitutionRecord> {
  const institution = await getInstitution(id);
  if (!institution || !canReadInstitution(caller, institution)) throw new InstitutionNotFoundError();
  return institution;
}

/** The institution if the caller manages it (a user of its city); 404 otherwise. */
async function managedInstitution(caller: Caller, id: number): Promise<InstitutionRecord> {
  const institution = await getInstitution(id);
  if (!institution || !canManageInstitution(caller, institution)) throw new InstitutionNotFoundError();
  return institution;
}

// ---- institutions ---------------------------------------------------------------------------


export async function listInstitutions(caller: Caller, query: InstitutionListQuery) {
  const scope = listScope(caller, query.regionCode);
  // The nation reads one partition per province: a bounded number of queries.
  const provinces = scope.provinceCode ? [scope.provinceCode] : childRegions().map((region) => region.code);
  const name = query.name?.trim() || undefined;
  const found = await Promise.all(
    provinces.map((provinceCode) =>
      queryInstitutions({ provinceCode, cityCode: scope.cityCode, districtCode: scope.districtCode, name, type: query.type }),
    ),
  );
  const matching = found.flat().sort(bySortOrderThenId);
  const items = await Promise.all(pageOf(matching, query.page, query.pageSize).map(presentInstitution));
  return { items, total: matching.length, page: query.page, pageSize: query.pageSize };
}

export async function readInstitution(caller: Caller, id: number): Promise<InstitutionView> {
  return presentInstitution(await readableInstitution(caller, id));
}

const AUDITED_INSTITUTION_FIELDS = [
  'type',
  'parentName',
  'fullName',
  'shortName',
  'logoKey',
  'districtCode',
  'address',
  'sortOrder',
  'intro',
  'status',
] as const;


export async function addInstitution(caller: Caller, input: InstitutionInput, sourceIp: string): Promise<InstitutionView> {
  const place = institutionPlace(caller, input.districtCode);
  await verifyUpload(caller.accountId, 'institution-logo', input.logoKey, 'body.logoKey');
  const institution = await createInstitution({
    type: input.type,
    ...(input.parentName ? { parentName: input.parentName } : {}),
    fullName: input.fullName,
    shortName: input.shortName,
    logoKey: input.logoKey,
    ...place,
    ...(input.address ? { address: input.address } : {}),
    sortOrder: input.sortOrder,
    ...(input.intro ? { intro: input.intro } : {}),
    status: input.status,
    createdBy: caller.accountId,
  });
  await audit({ caller, sourceIp }, 'institution.create', { type: 'institution', id: institution.id }, {
    after: pickDefined(institution, AUDITED_INSTITUTION_FIELDS),
  });
  return presentInstitution(institution);
}


export async function editInstitution(caller: Caller, id: number, input: InstitutionEdit, sourceIp: string): Promise<InstitutionView> {
  const current = await managedInstitution(caller, id);
  if (input.districtCode !== undefined) institutionPlace(caller, input.districtCode);
  if (input.logoKey !== undefined && input.logoKey !== current.logoKey) {
    await verifyUpload(caller.accountId, 'institution-logo', input.logoKey, 'body.logoKey');
  }
  const changes: InstitutionChanges = {};
  for (const field of AUDITED_INSTITUTION_FIELDS) {
    const value = input[field];
    if (value !== undefined) (changes as Record<string, unknown>)[field] = value;
  }
  const updated = await updateInstitution(current, input.version, changes);
  await audit(
    { caller, sourceIp },
    changeAction('institution', current, updated),
    { type: 'institution', id },
    changedFields(current as unknown as Record<string, unknown>, updated as unknown as Record<string, unknown>, AUDITED_INSTITUTION_FIELDS),
  );
  return presentInstitution(updated);
}

export async function removeInstitution(caller: Caller, id: number, sourceIp: string): Promise<void> {
  await managedInstitution(caller, id);
  const deleted = await deleteInstitution(id);
  await audit({ caller, sourceIp }, 'institution.delete', { type: 'institution', id }, {
    before: pickDefined(deleted, AUDITED_INSTITUTION_FIELDS),
  });
}

// ---- specialists ----------------------------------------------------------------------------


export async function listSpecialists(caller: Caller, institutionId: number, query: SpecialistListQuery) {
  await managedInstitution(caller, institutionId);
  const matching = (await querySpecialists(institutionId))
    .filter((specialist) => matchesKeyword(specialist, query.keyword))
    .sort((a, b) => a.id - b.id);
  const items = await Promise.all(pageOf(matching, query.page, query.pageSize).map(presentSpecialist));
  return { items, total: matching.length, page: query.page, pageSize: query.pageSize };
}


const AUDITED_SPECIALIST_FIELDS = ['phone', 'realName', 'gender', 'department', 'position', 'avatarKey', 'status'] as const;

export async function addSpecialist(
  caller: Caller,
  institutionId: number,
  input: SpecialistInput,
  sourceIp: string,
): Promise<SpecialistView> {
  await managedInstitution(caller, institutionId);
  if (input.avatarKey) await verifyUpload(caller.accountId, 'specialist-avatar', input.avatarKey, 'body.avatarKey');
  const specialist = await createSpecialist(institutionId, {
    phone: input.phone,
    realName: input.realName,
    ...(input.gender ? { gender: input.gender } : {}),
    ...(input.department ? { department: input.department } : {}),
    ...(input.position ? { position: input.position } : {}),
    ...(input.avatarKey ? { avatarKey: input.avatarKey } : {}),
    status: input.status,
    createdBy: caller.accountId,
  });
  await audit({ caller, sourceIp }, 'specialist.create', { type: 'specialist', id: specialist.id }, {
    reason: `institution ${institutionId}`,
    after: pickDefined(specialist, AUDITED_SPECIALIST_FIELDS),
  });
  return presentSpecialist(specialist);
}


/** The specialist if it belongs to an institution the caller manages; 404 otherwise. */
async function managedSpecialist(caller: Caller, institutionId: number, id: number): Promise<SpecialistRecord> {
  await managedInstitution(caller, institutionId);
  const specialist = await getSpecialist(institutionId, id);
  if (!specialist) throw new SpecialistNotFoundError();
  return specialist;
}

export async function editSpecialist(
  caller: Caller,
  institutionId: number,
  id: number,
  input: SpecialistEdit,
  sourceIp: string,
): Promise<SpecialistView> {
  const current = await managedSpecialist(caller, institutionId, id);
  if (input.avatarKey && input.avatarKey !== current.avatarKey) {
    await verifyUpload(caller.accountId, 'specialist-avatar', input.avatarKey, 'body.avatarKey');
  }
  const changes: SpecialistChanges = {};
  for (const field of AUDITED_SPECIALIST_FIELDS) {
    const value = input[field];
    if (value !== undefined) (changes as Record<string, unknown>)[field] = value;
  }
  const updated = await updateSpecialist(current, input.version, changes);
  await audit({ caller, sourceIp }, changeAction('specialist', current, updated), { type: 'specialist', id }, {
    reason: `institution ${institutionId}`,
    ...changedFields(current as unknown as Record<string, unknown>, updated as unknown as Record<string, unknown>, AUDITED_SPECIALIST_FIELDS),
  });
  return presentSpecialist(updated);
}

export async function removeSpecialist(caller: Caller, institutionId: number, id: number, sourceIp: string): Promise<void> {
  await managedSpecialist(caller, institutionId, id);
  const deleted = await deleteSpecialist(institutionId, id);
  await audit({ caller, sourceIp }, 'specialist.delete', { type: 'specialist', id }, {
    reason: `institution ${institutionId}`,
    before: pickDefined(deleted, AUDITED_SPECIALIST_FIELDS),
  });
}

function pickDefined<T extends object>(record: T, fields: readonly (keyof T)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (record[field] !== undefined) out[field as string] = record[field];
  return out;
}
