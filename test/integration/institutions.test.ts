/**
 * The institution and specialist repository against real dynalite: uniqueness guards, the specialist
 * counter that guards the delete, failures injected between the steps, and the reconcile.
 */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { useTestStores } from './db-harness';
import { documentClient, tableName } from '#shared/db/client';
import { createInstitution, deleteInstitution, getInstitution, InstitutionHasSpecialistsError, InstitutionNameTakenError, InstitutionNotFoundError, queryInstitutions, updateInstitution, type NewInstitution } from '#shared/db/institutions';
import { createSpecialist, deleteSpecialist, getSpecialist, querySpecialists, SpecialistNotFoundError, SpecialistPhoneTakenError, updateSpecialist } from '#shared/db/specialists';
import { WRITE_SETTLE_MS } from '#shared/db/guards';
import { institutionKey, institutionNameGuardKey, specialistPhoneGuardKey } from '#shared/db/keys';
import { VersionConflictError } from '#shared/http/errors';
import { reconcileSpecialistCounts } from '#tools/specialists';

useTestStores();

let nameSeq = 0;
let phoneSeq = 0;
const XIAMEN = { provinceCode: '350000', cityCode: '350200', districtCode: '350203' };
const FUZHOU = { provinceCode: '350000', cityCode: '350100', districtCode: '350102' };

function institution(overrides: Partial<NewInstitution> = {}): NewInstitution {
  nameSeq += 1;
  return {
    type: 'bank',
    fullName: `测试银行股份有限公司${nameSeq}`,
    shortName: `测试银行${nameSeq}`,
    logoKey: 'uploads/1/institution-logo/logo.png',
    ...XIAMEN,
    sortOrder: 0,
    status: 'enabled',
    createdBy: 1,
    ...overrides,
  };
}

function nextPhone(): string {
  phoneSeq += 1;
  return `1390000${String(phoneSeq).padStart(4, '0')}`;
}

const specialist = (phone = nextPhone()) => ({ phone, realName: '王慧', gender: 'female' as const, status: 'enabled' as const, createdBy: 1 });

const rawItem = async (key: { pk: string; sk: string }) =>
  (await documentClient().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;

const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

/** Makes every put of a specialist fail while `work` runs; everything else reaches dynalite. */
async function withFailingSpecialistPuts<T>(work: () => Promise<T>): Promise<T> {
  const mock = mockClient(documentClient());
  mock.send.callThrough();
  mock.on(PutCommand, { Item: { entity: 'specialist' } } as never).rejects(new Error('injected: connection reset'));
  try {
    return await work();
  } finally {
    mock.restore();
  }
}

describe('institutions', () => {
  it('creates an institution with counter 0, version 1 and the settled level', async () => {
    const created = await createInstitution(institution({ sortOrder: 5 }));
    expect(created).toMatchObject({ level: 'settled', specialistCount: 0, version: 1, sortOrder: 5 });
    const item = await rawItem(institutionKey(created.id));
    expect(item).toMatchObject({ entity: 'institution', districtCode: '350203', status: 'enabled', gsi2pk: 'INSTITUTIONS#350000' });
    expect(item!.gsi2sk).toBe(`350200#000005#${String(created.id).padStart(10, '0')}`);
    expect(await getInstitution(created.id)).toEqual(created);
  });

  it('refuses a full name the city already has, also written with full-width forms', async () => {
    const first = await createInstitution(institution({ fullName: '交通银行(厦门)分行' }));
    await expect(createInstitution(institution({ fullName: '交通银行(厦门)分行' }))).rejects.toBeInstanceOf(InstitutionNameTakenError);
    await expect(createInstitution(institution({ fullName: ' 交通银行（厦门）分行 ' }))).rejects.toMatchObject({
      status: 409,
      code: 'INSTITUTION_NAME_TAKEN',
    });
    expect(first.id).toBeGreaterThan(0);
  });

  it('accepts the same full name in another city', async () => {
    await createInstitution(institution({ fullName: '招商银行股份有限公司' }));
    const elsewhere = await createInstitution(institution({ fullName: '招商银行股份有限公司', ...FUZHOU }));
    expect(elsewhere.cityCode).toBe('350100');
  });

  it('lets exactly one of several parallel creates of one name succeed', async () => {
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => createInstitution(institution({ fullName: '平安银行厦门分行' }))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(InstitutionNameTakenError);
    }
  });

  it('frees a name when the institution is renamed or deleted', async () => {
    const renamed = await createInstitution(institution({ fullName: '兴业银行旧名' }));
    await updateInstitution(renamed, renamed.version, { fullName: '兴业银行新名' });
    expect(await rawItem(institutionNameGuardKey('350200', '兴业银行旧名'))).toBeUndefined();
    await expect(createInstitution(institution({ fullName: '兴业银行新名' }))).rejects.toBeInstanceOf(InstitutionNameTakenError);
    const reuse = await createInstitution(institution({ fullName: '兴业银行旧名' }));
    await deleteInstitution(reuse.id);
    await expect(createInstitution(institution({ fullName: '兴业银行旧名' }))).resolves.toMatchObject({ fullName: '兴业银行旧名' });
  });

  it('keeps the name guard when a rename loses on the version, and releases the unused new one', async () => {
    const target = await createInstitution(institution({ fullName: '厦门国际银行' }));
    await updateInstitution(target, 1, { shortName: '国际银行' });
    await expect(updateInstitution(target, 1, { fullName: '厦门国际银行二' })).rejects.toBeInstanceOf(VersionConflictError);
    const latest = (await getInstitution(target.id))!;
    const staleRead = { ...latest, version: latest.version };
    await updateInstitution(latest, latest.version, { status: 'disabled' });
    await expect(updateInstitution(staleRead, staleRead.version, { fullName: '厦门国际银行二' })).rejects.toMatchObject({
      status: 409,
      code: 'VERSION_CONFLICT',
    });
    expect(await rawItem(institutionNameGuardKey('350200', '厦门国际银行二'))).toBeUndefined();
    await expect(createInstitution(institution({ fullName: '厦门国际银行' }))).rejects.toBeInstanceOf(InstitutionNameTakenError);
  });

  it('answers an update of a deleted institution with 404', async () => {
    const gone = await createInstitution(institution());
    await deleteInstitution(gone.id);
    await expect(updateInstitution(gone, gone.version, { shortName: '无' })).rejects.toBeInstanceOf(InstitutionNotFoundError);
    await expect(deleteInstitution(gone.id)).rejects.toBeInstanceOf(InstitutionNotFoundError);
  });

  it('moves the list entry when the sort order changes', async () => {
    const a = await createInstitution(institution({ ...FUZHOU, districtCode: '350103', sortOrder: 3 }));
    const b = await createInstitution(institution({ ...FUZHOU, districtCode: '350103', sortOrder: 2 }));
    const ids = async () =>
      (await queryInstitutions({ provinceCode: '350000', cityCode: '350100', districtCode: '350103' })).map((record) => record.id);
    expect(await ids()).toEqual([b.id, a.id]);
    await updateInstitution(a, a.version, { sortOrder: 1 });
    expect(await ids()).toEqual([a.id, b.id]);
  });

  it('takes over a name guard whose owner was never written, once it is older than the settle time', async () => {
    const key = institutionNameGuardKey('350200', '被遗弃的名称');
    const orphan = (claimedAt: Date) => ({ ...key, entity: 'institution-name-guard', institutionId: 999_999, token: 't-orphan', claimedAt: claimedAt.toISOString() });
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: orphan(new Date()) }));
    await expect(createInstitution(institution({ fullName: '被遗弃的名称' }))).rejects.toBeInstanceOf(InstitutionNameTakenError);
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: orphan(new Date(Date.now() - WRITE_SETTLE_MS - 60_000)) }));
    const created = await createInstitution(institution({ fullName: '被遗弃的名称' }));
    expect((await rawItem(key))!.token).toBe(created.nameGuardToken);
  });
});

describe('specialists and the counter', () => {
  it('raises the counter with each specialist and lowers it with each delete', async () => {
    const owner = await createInstitution(institution());
    const first = await createSpecialist(owner.id, specialist());
    const second = await createSpecialist(owner.id, specialist());
    expect((await getInstitution(owner.id))!.specialistCount).toBe(2);
    expect((await querySpecialists(owner.id)).map((s) => s.id)).toEqual([first.id, second.id]);
    await deleteSpecialist(owner.id, first.id);
    expect((await getInstitution(owner.id))!.specialistCount).toBe(1);
    await deleteSpecialist(owner.id, second.id);
    expect((await getInstitution(owner.id))!.specialistCount).toBe(0);
  });

  it('refuses to delete an institution while it has specialists, naming how many', async () => {
    const owner = await createInstitution(institution());
    const kept = await createSpecialist(owner.id, specialist());
    await createSpecialist(owner.id, specialist());
    const refusal = await deleteInstitution(owner.id).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InstitutionHasSpecialistsError);
    expect(refusal).toMatchObject({ status: 409, code: 'INSTITUTION_HAS_SPECIALISTS', details: { specialistCount: 2 } });
    expect((refusal as Error).message).toContain('2 名专管员');
    await deleteSpecialist(owner.id, kept.id);
    await expect(deleteInstitution(owner.id)).rejects.toMatchObject({ details: { specialistCount: 1 } });
    expect(await getInstitution(owner.id)).toBeDefined();
  });

  it('deletes an institution once its counter is back to 0', async () => {
    const owner = await createInstitution(institution());
    const only = await createSpecialist(owner.id, specialist());
    await deleteSpecialist(owner.id, only.id);
    await deleteInstitution(owner.id);
    expect(await getInstitution(owner.id)).toBeUndefined();
  });

  it('refuses a specialist for an institution that is gone, and frees the phone again', async () => {
    const gone = await createInstitution(institution());
    await deleteInstitution(gone.id);
    const phone = nextPhone();
    await expect(createSpecialist(gone.id, specialist(phone))).rejects.toBeInstanceOf(InstitutionNotFoundError);
    expect(await rawItem(specialistPhoneGuardKey(phone))).toBeUndefined();
    expect(await querySpecialists(gone.id)).toEqual([]);
  });

  it('keeps a phone unique across all institutions', async () => {
    const a = await createInstitution(institution());
    const b = await createInstitution(institution({ ...FUZHOU }));
    const phone = nextPhone();
    await createSpecialist(a.id, specialist(phone));
    await expect(createSpecialist(b.id, specialist(phone))).rejects.toBeInstanceOf(SpecialistPhoneTakenError);
    await expect(createSpecialist(a.id, specialist(phone))).rejects.toMatchObject({ status: 409, code: 'SPECIALIST_PHONE_TAKEN' });
    // The refused creates raised no counter.
    expect((await getInstitution(a.id))!.specialistCount).toBe(1);
    expect((await getInstitution(b.id))!.specialistCount).toBe(0);
  });

  it('lets exactly one of several parallel creates of one phone succeed', async () => {
    const owners = await Promise.all([1, 2, 3].map(() => createInstitution(institution())));
    const phone = nextPhone();
    const results = await Promise.allSettled(owners.map((owner) => createSpecialist(owner.id, specialist(phone))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const counts = await Promise.all(owners.map(async (owner) => (await getInstitution(owner.id))!.specialistCount));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(1);
  });

  it('frees a phone when the specialist is deleted or changes phone', async () => {
    const owner = await createInstitution(institution());
    const [oldPhone, newPhone] = [nextPhone(), nextPhone()];
    const moved = await createSpecialist(owner.id, specialist(oldPhone));
    const updated = await updateSpecialist(moved, moved.version, { phone: newPhone, department: '普惠金融部' });
    expect(updated).toMatchObject({ phone: newPhone, department: '普惠金融部', version: 2 });
    expect(await rawItem(specialistPhoneGuardKey(oldPhone))).toBeUndefined();
    const other = await createSpecialist(owner.id, specialist(oldPhone));
    await expect(createSpecialist(owner.id, specialist(newPhone))).rejects.toBeInstanceOf(SpecialistPhoneTakenError);
    await deleteSpecialist(owner.id, other.id);
    await expect(createSpecialist(owner.id, specialist(oldPhone))).resolves.toMatchObject({ phone: oldPhone });
  });

  it('refuses a phone change to a taken phone and keeps both guards', async () => {
    const owner = await createInstitution(institution());
    const a = await createSpecialist(owner.id, specialist());
    const b = await createSpecialist(owner.id, specialist());
    await expect(updateSpecialist(a, a.version, { phone: b.phone })).rejects.toBeInstanceOf(SpecialistPhoneTakenError);
    expect((await rawItem(specialistPhoneGuardKey(a.phone)))!.specialistId).toBe(a.id);
    expect((await rawItem(specialistPhoneGuardKey(b.phone)))!.specialistId).toBe(b.id);
    expect((await getSpecialist(owner.id, a.id))!.phone).toBe(a.phone);
  });

  it('answers a stale version with 409 and releases the phone it had claimed', async () => {
    const owner = await createInstitution(institution());
    const s = await createSpecialist(owner.id, specialist());
    const fresh = await updateSpecialist(s, 1, { realName: '王慧敏' });
    const phone = nextPhone();
    await expect(updateSpecialist(s, 1, { phone })).rejects.toBeInstanceOf(VersionConflictError);
    // Read at version 2, but someone else wrote version 3 meanwhile: the update itself is refused.
    await updateSpecialist(fresh, 2, { status: 'disabled' });
    await expect(updateSpecialist(fresh, 2, { phone })).rejects.toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: 3 } });
    expect(await rawItem(specialistPhoneGuardKey(phone))).toBeUndefined();
  });

  it('leaves the counter alone when the specialist to delete is already gone', async () => {
    const owner = await createInstitution(institution());
    const s = await createSpecialist(owner.id, specialist());
    await deleteSpecialist(owner.id, s.id);
    await expect(deleteSpecialist(owner.id, s.id)).rejects.toBeInstanceOf(SpecialistNotFoundError);
    expect((await getInstitution(owner.id))!.specialistCount).toBe(0);
  });

  it('takes over an abandoned phone guard but never a live one', async () => {
    const owner = await createInstitution(institution());
    const live = await createSpecialist(owner.id, specialist(), new Date(Date.now() - WRITE_SETTLE_MS - 60_000));
    // Old, but its specialist exists and holds it: still taken.
    await expect(createSpecialist(owner.id, specialist(live.phone))).rejects.toBeInstanceOf(SpecialistPhoneTakenError);
    const phone = nextPhone();
    const key = specialistPhoneGuardKey(phone);
    const old = new Date(Date.now() - WRITE_SETTLE_MS - 60_000).toISOString();
    await documentClient().send(
      new PutCommand({ TableName: tableName(), Item: { ...key, entity: 'specialist-phone-guard', institutionId: owner.id, specialistId: 987_654, token: 't-old', claimedAt: old } }),
    );
    const taken = await createSpecialist(owner.id, specialist(phone));
    expect((await rawItem(key))!.token).toBe(taken.phoneGuardToken);
  });
});

describe('a failure between the steps', () => {
  it('leaves the counter high when the specialist put fails, so the delete stays blocked', async () => {
    const owner = await createInstitution(institution());
    const phone = nextPhone();
    const failure = await withFailingSpecialistPuts(() => createSpecialist(owner.id, specialist(phone))).catch((error: unknown) => error);
    expect((failure as Error).message).toContain('injected');
    expect(await querySpecialists(owner.id)).toEqual([]);
    expect((await getInstitution(owner.id))!.specialistCount).toBe(1);
    await expect(deleteInstitution(owner.id)).rejects.toBeInstanceOf(InstitutionHasSpecialistsError);
    // The phone was released: the specialist never got written.
    expect(await rawItem(specialistPhoneGuardKey(phone))).toBeUndefined();
    await expect(createSpecialist(owner.id, specialist(phone))).resolves.toMatchObject({ phone });
  });

  it('leaves the counter high when the process stops right after raising it', async () => {
    const owner = await createInstitution(institution());
    // Step 1 alone, as a crashed create would leave it.
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: institutionKey(owner.id),
        UpdateExpression: 'SET specialistCountChangedAt = :now ADD specialistCount :one',
        ExpressionAttributeValues: { ':now': new Date().toISOString(), ':one': 1 },
      }),
    );
    await expect(deleteInstitution(owner.id)).rejects.toMatchObject({ details: { specialistCount: 1 } });
  });

  it('leaves the counter high when lowering it fails after a specialist delete', async () => {
    const owner = await createInstitution(institution());
    const s = await createSpecialist(owner.id, specialist());
    const mock = mockClient(documentClient());
    mock.send.callThrough();
    mock.on(UpdateCommand, { UpdateExpression: 'SET specialistCountChangedAt = :now ADD specialistCount :minusOne' } as never).rejects(new Error('injected'));
    try {
      await deleteSpecialist(owner.id, s.id);
    } finally {
      mock.restore();
    }
    expect(await getSpecialist(owner.id, s.id)).toBeUndefined();
    expect((await getInstitution(owner.id))!.specialistCount).toBe(1);
    await expect(deleteInstitution(owner.id)).rejects.toBeInstanceOf(InstitutionHasSpecialistsError);
  });
});

describe('reconcile', () => {
  it('repairs drift once the counter has been quiet, and then reports nothing', async () => {
    const owner = await createInstitution(institution());
    await createSpecialist(owner.id, specialist());
    await withFailingSpecialistPuts(() => createSpecialist(owner.id, specialist())).catch(() => undefined);
    expect((await getInstitution(owner.id))!.specialistCount).toBe(2);

    // Right after the failure a request might still be between its steps: leave it.
    const early = await reconcileSpecialistCounts();
    expect(early.repaired.find((d) => d.institutionId === owner.id)).toBeUndefined();
    expect(early.skipped).toContainEqual({ institutionId: owner.id, stored: 2, actual: 1, reason: 'recent-change' });

    const dry = await reconcileSpecialistCounts({ dryRun: true, now: later(30) });
    expect(dry.repaired).toContainEqual({ institutionId: owner.id, stored: 2, actual: 1 });
    expect((await getInstitution(owner.id))!.specialistCount).toBe(2);

    const repaired = await reconcileSpecialistCounts({ now: later(30) });
    expect(repaired.repaired).toContainEqual({ institutionId: owner.id, stored: 2, actual: 1 });
    expect(repaired.checked).toBeGreaterThanOrEqual(1);
    expect((await getInstitution(owner.id))!.specialistCount).toBe(1);

    const again = await reconcileSpecialistCounts({ now: later(30) });
    expect(again).toMatchObject({ repaired: [], skipped: [] });
    expect(again.checked).toBe(repaired.checked);
  });

  it('reports nothing for counters that match', async () => {
    await reconcileSpecialistCounts({ now: later(30) }); // settle what earlier tests left behind
    const owner = await createInstitution(institution());
    await createSpecialist(owner.id, specialist());
    const report = await reconcileSpecialistCounts();
    expect(report).toMatchObject({ repaired: [], skipped: [] });
  });

  it('raises a counter found below the number of specialists at once', async () => {
    const owner = await createInstitution(institution());
    await createSpecialist(owner.id, specialist());
    await createSpecialist(owner.id, specialist());
    await documentClient().send(
      new UpdateCommand({ TableName: tableName(), Key: institutionKey(owner.id), UpdateExpression: 'SET specialistCount = :zero', ExpressionAttributeValues: { ':zero': 0 } }),
    );
    const report = await reconcileSpecialistCounts();
    expect(report.repaired).toContainEqual({ institutionId: owner.id, stored: 0, actual: 2 });
    expect((await getInstitution(owner.id))!.specialistCount).toBe(2);
  });

  it('finds every institution through the list index, one province partition at a time', async () => {
    const guangzhou = await createInstitution(institution({ provinceCode: '440000', cityCode: '440100', districtCode: '440103' }));
    const report = await reconcileSpecialistCounts({ dryRun: true });
    const items = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': 'INSTITUTIONS#440000' },
      }),
    );
    expect(items.Items!.map((item) => item.id)).toContain(guangzhou.id);
    expect(report.checked).toBeGreaterThan(items.Count!);
  });
});
