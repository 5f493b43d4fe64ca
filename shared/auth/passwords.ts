/**
 * Password hashing with scrypt at OWASP's recommended cost (N = 2^17, r = 8, p = 1), and the
 * complexity rule: at least 8 characters, letters and digits, at least 3 character classes.
 * The parameters are stored with each hash so they can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { BadRequestError } from '#shared/http/errors';
import { passwordProblems } from '#shared/contract/rules';

const COST = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  const maxmem = 256 * (options.N ?? COST.N) * (options.r ?? COST.r) + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const DUMMY_HASH = `scrypt$${COST.N}$${COST.r}$${COST.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

/**
 * Constant-effort check. Without a stored hash it still runs one derivation (against a dummy), so
 * that an unknown phone takes as long to refuse as a wrong password.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = (stored ?? DUMMY_HASH).split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return stored !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The reasons a password breaks the complexity rule (empty when it is acceptable); one rule for the site and the API. */
export { passwordProblems };

/**
 * Checks the complexity rule. `path` names the field in the error details.
 * @throws BadRequestError 400 WEAK_PASSWORD listing what the rule requires.
 */
export function assertStrongPassword(password: string, path = 'body.newPassword'): void {
  const problems = passwordProblems(password);
  if (problems.length > 0) {
    throw new BadRequestError('WEAK_PASSWORD', '密码不符合复杂度要求', problems.map((message) => ({ path, message })));
  }
}
