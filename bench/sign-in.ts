/**
 * Whether answer time tells that a phone has an account (docs/security.md, "Sign-in"): the median
 * time of `POST /auth/sms-codes` and of a wrong-password `POST /auth/login` for phones with an
 * account against phones without, requests interleaved, each from its own client address so that no
 * limit interferes. The goal is a ratio within 1.1 either way.
 */
import { report, startBenchStores } from './stores';

const PAIRS = Number(process.env.BENCH_SIGN_IN_PAIRS ?? 150);
const WARM_UP = 10;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function main(): Promise<void> {
  const stores = await startBenchStores();
  const { createAccount } = await import('#shared/db/accounts');
  const { hashPassword } = await import('#shared/auth/passwords');
  const { login, requestSmsCode } = await import('#functions/auth/domain');

  const passwordHash = await hashPassword('Bench#2026pass');
  const known: string[] = [];
  for (let i = 0; i < PAIRS + WARM_UP; i += 1) {
    const phone = `1350000${String(i).padStart(4, '0')}`;
    await createAccount({
      phone, passwordHash, realName: '测速', gender: 'male', unit: '测速单位', role: 'city', provinceCode: '350000', cityCode: '350200',
      status: 'enabled', auditStatus: 'approved',
    });
    known.push(phone);
  }
  const unknown = known.map((_, i) => `1370000${String(i).padStart(4, '0')}`);
  let address = 0;
  const nextAddress = () => {
    address += 1;
    return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
  };
  const timed = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work().catch(() => undefined);
    return performance.now() - started;
  };

  // One phase per call, so that the password derivations' memory (scrypt, 128 MB each) does not
  // fall on the SMS requests; within a phase known and unknown alternate which goes first.
  const results: Record<string, { known: number[]; unknown: number[] }> = { sms: { known: [], unknown: [] }, login: { known: [], unknown: [] } };
  const phases: [keyof typeof results, (phone: string) => Promise<unknown>][] = [
    ['sms', (phone) => requestSmsCode({ phone, purpose: 'login' }, nextAddress(), undefined)],
    ['login', (phone) => login({ phone, password: 'Wrong#00000' }, nextAddress())],
  ];
  for (const [name, call] of phases) {
    for (let i = 0; i < known.length; i += 1) {
      const order: ['known' | 'unknown', string][] = i % 2 ? [['known', known[i]!], ['unknown', unknown[i]!]] : [['unknown', unknown[i]!], ['known', known[i]!]];
      for (const [kind, phone] of order) {
        const elapsed = await timed(() => call(phone));
        if (i >= WARM_UP) results[name]![kind].push(elapsed);
      }
    }
  }
  const values: Record<string, number | string> = { pairs: PAIRS };
  let worst = 1;
  for (const [name, { known: k, unknown: u }] of Object.entries(results)) {
    const ratio = median(u) / median(k);
    worst = Math.max(worst, ratio, 1 / ratio);
    Object.assign(values, {
      [`${name}KnownMedianMs`]: Number(median(k).toFixed(1)),
      [`${name}UnknownMedianMs`]: Number(median(u).toFixed(1)),
      [`${name}UnknownToKnown`]: Number(ratio.toFixed(3)),
    });
  }
  values['goal ratio within 1.1'] = worst <= 1.1 ? 'pass' : 'FAIL';
  report('sign-in', values);
  await stores.stop();
}

await main();
