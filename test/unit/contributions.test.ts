import { describe, expect, it } from 'vitest';
import { DeltaAccumulator, recordDeltas, addContributions } from '#shared/rollups/contributions';

const NOW = new Date('2026-11-27T00:00:00Z');
const base = {
  entity: 'order', orderId: 'o1', enterpriseId: 'e1', enterpriseName: '企业', industry: 'C', districtCode: '350203',
  cityCode: '350200', provinceCode: '350000', requestedAmount: 1_000_000, submittedAt: '2024-03-31T17:00:00.000Z', eventIds: [], version: 1,
};

function values(acc: DeltaAccumulator) {
  const out: Record<string, Record<string, number>> = {};
  for (const entry of acc.nonEmpty()) out[`${entry.ref.pk}|${entry.ref.sk}`] = Object.fromEntries(entry.values);
  return out;
}

describe('counter contributions', () => {
  it('counts a demand for the nation, province, city and district in all time, its China-time year and month', () => {
    const acc = recordDeltas(undefined, { ...base, status: 'submitted' }, NOW);
    const items = values(acc);
    // 2024-03-31T17:00Z is April 1st in China.
    expect(items['STAT#ROOT#M2024-04|REGION#000000']).toEqual({ demandCount: 1, demandAmount: 1_000_000, i_C_demandCount: 1, i_C_demandAmount: 1_000_000 });
    expect(items['STAT#350200#all|REGION#350203']).toEqual({ demandCount: 1, demandAmount: 1_000_000 });
    expect(items['STAT#000000#Y2024|REGION#350000']).toMatchObject({ demandCount: 1 });
    expect(items['STAT#350000#M2024-04|REGION#350200']).toMatchObject({ demandCount: 1 });
    // 4 regions × 3 periods (the day is outside the window), and the demand waits for acceptance in
    // the open-demand counters of 督办 under each parent region.
    expect(Object.keys(items).filter((key) => key.startsWith('STAT#'))).toHaveLength(12);
    expect(Object.fromEntries(Object.entries(items).filter(([key]) => key.startsWith('OPEN#')))).toEqual({
      'OPEN#000000#submitted|T#350000': { count: 1, amount: 1_000_000 },
      'OPEN#350000#submitted|T#350200': { count: 1, amount: 1_000_000 },
      'OPEN#350200#submitted|T#350203': { count: 1, amount: 1_000_000 },
    });
    expect(Object.keys(items)).toHaveLength(15);
  });

  it('moves an order from docking to loaned: docking leaves its acceptance period, the loan joins its own', () => {
    const docking = { ...base, status: 'docking', acceptedAt: '2024-05-10T02:00:00.000Z', institutionId: 7, institutionType: 'bank', intendedAmount: 900_000 };
    const loaned = { ...docking, status: 'loaned', loanedAt: '2024-06-02T02:00:00.000Z', loanAmount: 800_000 };
    const items = values(recordDeltas(docking, loaned, NOW));
    expect(items['STAT#350000#M2024-05|REGION#350200']).toEqual({ dockingCount: -1, dockingAmount: -1_000_000, intendedAmount: -900_000 });
    expect(items['STAT#350000#M2024-06|REGION#350200']).toEqual({
      loanCount: 1, loanAmount: 800_000, i_C_loanCount: 1, i_C_loanAmount: 800_000, t_bank_loanCount: 1, t_bank_loanAmount: 800_000,
    });
    expect(items['STATI#350200#M2024-05|INST#0000000007']).toEqual({ dockingCount: -1, dockingAmount: -1_000_000 });
    expect(items['STATI#350000#all|INST#0000000007']).toEqual({ dockingCount: -1, dockingAmount: -1_000_000, loanCount: 1, loanAmount: 800_000 });
    // Nothing about the demand or the acceptance changed.
    expect(items['STAT#ROOT#all|REGION#000000']).toEqual({
      dockingCount: -1, dockingAmount: -1_000_000, intendedAmount: -900_000, loanCount: 1, loanAmount: 800_000,
      i_C_loanCount: 1, i_C_loanAmount: 800_000, t_bank_loanCount: 1, t_bank_loanAmount: 800_000,
    });
  });

  it('keeps a defaulted loan counted as a loan and adds a bad debt at the default time', () => {
    const loaned = { ...base, status: 'loaned', acceptedAt: '2024-05-10T02:00:00.000Z', institutionId: 7, institutionType: 'bank', intendedAmount: 1, loanedAt: '2024-06-02T02:00:00.000Z', loanAmount: 5 };
    const items = values(recordDeltas(loaned, { ...loaned, status: 'defaulted', defaultedAt: '2025-01-02T02:00:00.000Z' }, NOW));
    expect(items['STAT#350200#M2025-01|REGION#350203']).toEqual({ badDebtCount: 1 });
    expect(Object.keys(items)).toHaveLength(12);
    expect(Object.values(items).every((v) => Object.keys(v).join() === 'badDebtCount')).toBe(true);
  });

  it('writes day items only inside the recent window', () => {
    const recent = values(recordDeltas(undefined, { ...base, status: 'submitted', submittedAt: '2026-11-20T02:00:00.000Z' }, NOW));
    expect(recent['STATD#000000|20261120']).toEqual({ demandCount: 1, demandAmount: 1_000_000 });
    expect(recent['STATD#350200|20261120']).toBeTruthy();
    expect(Object.keys(recent).filter((key) => key.startsWith('STATD#'))).toHaveLength(3);
  });

  it('counts enabled institutions and published products, and nothing for disabled or withdrawn ones', () => {
    const institution = { entity: 'institution', id: 7, type: 'guarantee', districtCode: '350203', status: 'enabled', createdAt: '2023-01-01T00:00:00.000Z' };
    const enabled = values(recordDeltas(undefined, institution, NOW));
    // 机构数据统计 lists every institution, enabled or not (listedInstitutionCount).
    expect(enabled['STAT#ROOT#all|REGION#000000']).toEqual({
      institutionCount: 1,
      t_guarantee_institutionCount: 1,
      listedInstitutionCount: 1,
      t_guarantee_listedInstitutionCount: 1,
    });
    expect(values(recordDeltas(institution, { ...institution, status: 'disabled' }, NOW))['STAT#ROOT#all|REGION#000000']).toEqual({ institutionCount: -1, t_guarantee_institutionCount: -1 });
    expect(values(recordDeltas(undefined, { ...institution, status: 'disabled' }, NOW))['STAT#ROOT#all|REGION#000000']).toEqual({
      listedInstitutionCount: 1,
      t_guarantee_listedInstitutionCount: 1,
    });
    const product = { entity: 'product', productId: 'p', institutionId: 7, institutionType: 'guarantee', districtCode: '350203', status: 'published', publishedAt: '2023-02-01T00:00:00.000Z' };
    const published = values(recordDeltas(undefined, product, NOW));
    expect(published['STATI#350000#all|INST#0000000007']).toEqual({ productCount: 1 });
    expect(values(recordDeltas(product, { ...product, status: 'withdrawn' }, NOW))['STAT#ROOT#all|REGION#000000']).toEqual({ productCount: -1, t_guarantee_productCount: -1 });
  });

  it('opens a region with its first approved account', () => {
    const acc = new DeltaAccumulator();
    addContributions({ entity: 'account', role: 'city', provinceCode: '350000', cityCode: '350200', auditStatus: 'approved', createdAt: '2024-01-01T00:00:00.000Z' }, acc, 1, NOW);
    const [entry] = acc.nonEmpty();
    expect(entry!.ref).toMatchObject({ pk: 'STAT#350000#all', sk: 'REGION#350200' });
    expect(Object.fromEntries(entry!.values)).toEqual({ approvedAccounts: 1 });
    expect(Object.fromEntries(entry!.firsts)).toEqual({ openedAt: '2024-01-01T00:00:00.000Z' });
  });

  it('changes nothing for a record whose counted facts did not change', () => {
    const order = { ...base, status: 'submitted' };
    expect(recordDeltas(order, { ...order, version: 2, enterpriseName: '改名' }, NOW).nonEmpty()).toEqual([]);
  });
});
