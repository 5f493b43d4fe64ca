/**
 * Institution entries (shared/rollups/institution-entries.ts) follow their institutions through the
 * stream: created, renamed, moved to another district, retyped, disabled, deleted; the nation's and
 * the province's partitions answer the scopes 机构数据统计 lists; the reconcile finds them exact; and a
 * store written by an older rollup generation gets them from `upgradeRollups`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '#local/stack';
import { bulkDocumentClient, tableName } from '#shared/db/client';
import { createInstitution, deleteInstitution, getInstitution, updateInstitution, type NewInstitution } from '#shared/db/institutions';
import { rollupGenerationKey } from '#shared/db/keys';
import { getInstitutionEntries, queryInstitutionEntries, recordGenerationOfNewStore, storedRollupGeneration } from '#shared/db/stats';
import { ROLLUP_GENERATION } from '#shared/rollups/generation';
import { reconcileRollups, upgradeRollups } from '#tools/rollups';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ memory: true, port: 0 });
});
afterAll(async () => {
  await stack?.stop();
});

const institution = (fullName: string, districtCode: string, type: NewInstitution['type'] = 'bank'): NewInstitution => ({
  type,
  fullName,
  shortName: fullName.slice(0, 4),
  logoKey: '',
  districtCode,
  cityCode: `${districtCode.slice(0, 4)}00`,
  provinceCode: `${districtCode.slice(0, 2)}0000`,
  sortOrder: 1,
  status: 'enabled',
  createdBy: 1,
});

const ids = (entries: { id: number }[]) => entries.map((entry) => entry.id).sort((a, b) => a - b);

async function entryItems(): Promise<Record<string, unknown>[]> {
  const page = await bulkDocumentClient().send(new ScanCommand({ TableName: tableName(), ConsistentRead: true }));
  return (page.Items ?? []).filter((item) => item.entity === 'institution-entry');
}

describe('institution entries', () => {
  it('follow their institutions and answer the nation, a province, a city, a district and a type', async () => {
    const siming = await createInstitution(institution('厦门思明测试银行', '350203'));
    const huli = await createInstitution(institution('厦门湖里测试担保', '350206', 'guarantee'));
    const fuzhou = await createInstitution(institution('福州鼓楼测试银行', '350102'));
    const guangzhou = await createInstitution(institution('广州越秀测试银行', '440104'));
    await stack.capture.drain(60_000);

    expect(ids(await queryInstitutionEntries({}))).toEqual(ids([siming, huli, fuzhou, guangzhou]));
    expect(ids(await queryInstitutionEntries({ provinceCode: '350000' }))).toEqual(ids([siming, huli, fuzhou]));
    expect(ids(await queryInstitutionEntries({ provinceCode: '350000', cityCode: '350200' }))).toEqual(ids([siming, huli]));
    expect(ids(await queryInstitutionEntries({ provinceCode: '350000', cityCode: '350200', districtCode: '350206' }))).toEqual([huli.id]);
    expect(ids(await queryInstitutionEntries({ provinceCode: '350000' }, 'guarantee'))).toEqual([huli.id]);
    expect(ids(await queryInstitutionEntries({}, 'bank'))).toEqual(ids([siming, fuzhou, guangzhou]));
    expect((await getInstitutionEntries([guangzhou.id, 999_999])).get(guangzhou.id)).toMatchObject({
      fullName: '广州越秀测试银行',
      shortName: '广州越秀',
      type: 'bank',
      status: 'enabled',
      provinceCode: '440000',
      cityCode: '440100',
      districtCode: '440104',
    });

    // Renamed, moved within its city, retyped and disabled: both partitions say so.
    const current = (await getInstitution(siming.id))!;
    await updateInstitution(current, current.version, { fullName: '厦门思明更名银行', districtCode: '350206', type: 'microloan', status: 'disabled', logoKey: 'uploads/1/institution-logo/a.png' });
    await stack.capture.drain(60_000);
    const [inProvince] = (await queryInstitutionEntries({ provinceCode: '350000', cityCode: '350200', districtCode: '350206' }, 'microloan'));
    expect(inProvince).toMatchObject({ id: siming.id, fullName: '厦门思明更名银行', status: 'disabled', logoKey: 'uploads/1/institution-logo/a.png' });
    expect((await getInstitutionEntries([siming.id])).get(siming.id)).toEqual(inProvince);

    // Deleted: gone from both partitions.
    await deleteInstitution(fuzhou.id);
    await stack.capture.drain(60_000);
    expect(ids(await queryInstitutionEntries({ provinceCode: '350000' }))).toEqual(ids([siming, huli]));
    expect((await getInstitutionEntries([fuzhou.id])).size).toBe(0);
    expect(await entryItems()).toHaveLength(6);
    expect((await reconcileRollups()).drifts).toEqual([]);
  });

  it('reports an entry that differs from its institution', async () => {
    const [entry] = await queryInstitutionEntries({ provinceCode: '440000' });
    await bulkDocumentClient().send(new DeleteCommand({ TableName: tableName(), Key: { pk: 'INSTDIR#440000', sk: `440100#${String(entry!.id).padStart(10, '0')}` } }));
    const { drifts } = await reconcileRollups();
    expect(drifts).toEqual([expect.objectContaining({ pk: 'INSTDIR#440000', attribute: 'item', stored: null })]);
  });

  it('are written into a store an older rollup generation built', async () => {
    // The entry removed above stays missing until the store is upgraded; an older store has no marker.
    await bulkDocumentClient().send(new DeleteCommand({ TableName: tableName(), Key: rollupGenerationKey }));
    expect(await storedRollupGeneration()).toBe(0);
    // A store with rollup items and no record is not new: it is rebuilt, not merely marked current.
    expect(await recordGenerationOfNewStore()).toBe(false);
    expect(await upgradeRollups()).toBeGreaterThan(0);
    expect(await storedRollupGeneration()).toBe(ROLLUP_GENERATION);
    expect((await reconcileRollups()).drifts).toEqual([]);
    expect(await entryItems()).toHaveLength(6);
    // Current now: nothing to do.
    expect(await upgradeRollups()).toBeUndefined();
  });
});
