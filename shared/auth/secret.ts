/**
 * Secrets of this process. The session key signs session tokens and keys the SMS code hashes; it comes
 * from Secrets Manager in the cloud (`SESSION_SECRET_ARN`) and from a file in the local data dir
 * otherwise (`SESSION_SECRET_FILE`).
 *
 * The session key can be rotated without signing everyone out (docs/operations.md, "Rotating the
 * session key"): a new value becomes current (Secrets Manager keeps the old one as `AWSPREVIOUS`;
 * locally it moves to `<file>.previous`), tokens are signed with the current key and name it (`kid`),
 * and the previous key is still accepted for {@link PREVIOUS_KEY_GRACE_MS} after the rotation, longer
 * than a token lives, so every session refreshes onto the new key. A process notices a rotation when
 * its cache expires or when a token names a key it does not know.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from '#shared/config';

/** Tokens live 30 minutes (sessions.ts); the previous key outlives every token signed with it. */
export const PREVIOUS_KEY_GRACE_MS = 60 * 60 * 1000;
/** How long a process trusts what it read before asking again (a rotation shows within this time). */
const KEY_CACHE_MS = 5 * 60 * 1000;
/** At most one forced reload per this interval, whatever tokens with unknown key ids arrive. */
const FORCED_RELOAD_INTERVAL_MS = 10 * 1000;

let client: SecretsManagerClient | undefined;
const secretTexts = new Map<string, Promise<string | undefined>>();

function secretsManager(): SecretsManagerClient {
  client ??= new SecretsManagerClient({ region: config().awsRegion });
  return client;
}

/** A Secrets Manager secret's text, fetched once per module scope (a failed fetch is retried later). */
export function secretText(arn: string): Promise<string | undefined> {
  let text = secretTexts.get(arn);
  if (!text) {
    text = secretsManager()
      .send(new GetSecretValueCommand({ SecretId: arn }))
      .then((result) => result.SecretString);
    text.catch(() => secretTexts.delete(arn));
    secretTexts.set(arn, text);
  }
  return text;
}

/** One version of the session key. */
export interface SessionKey {
  /** Names the key in tokens (`kid`). */
  id: string;
  secret: Uint8Array;
  /** When this version became current. */
  since: Date;
}

export interface SessionKeys {
  current: SessionKey;
  /** The key current before the last rotation, while it is still within its grace period. */
  previous?: SessionKey;
}

function keyOf(text: string | undefined, id: string, since: Date): SessionKey {
  const value = text?.trim();
  if (!value || value.length < 32) throw new Error('session secret is missing or shorter than 32 characters');
  return { id, secret: new TextEncoder().encode(value), since };
}

/** Local key ids: a fingerprint of the key, never the key itself. */
const fingerprint = (text: string) => createHash('sha256').update(text.trim()).digest('hex').slice(0, 16);

async function loadFromFile(file: string, now: Date): Promise<SessionKeys> {
  const text = await readFile(file, 'utf8');
  const current = keyOf(text, fingerprint(text), (await stat(file)).mtime);
  const previousFile = `${file}.previous`;
  const previousText = await readFile(previousFile, 'utf8').catch(() => undefined);
  const withinGrace = now.getTime() - current.since.getTime() < PREVIOUS_KEY_GRACE_MS;
  const previous = previousText && withinGrace ? keyOf(previousText, fingerprint(previousText), (await stat(previousFile)).mtime) : undefined;
  return { current, ...(previous ? { previous } : {}) };
}

async function loadFromSecretsManager(arn: string, now: Date): Promise<SessionKeys> {
  const current = await secretsManager().send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSCURRENT' }));
  const currentKey = keyOf(current.SecretString, current.VersionId ?? 'current', current.CreatedDate ?? new Date(0));
  if (now.getTime() - currentKey.since.getTime() >= PREVIOUS_KEY_GRACE_MS) return { current: currentKey };
  try {
    const previous = await secretsManager().send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' }));
    return { current: currentKey, previous: keyOf(previous.SecretString, previous.VersionId ?? 'previous', previous.CreatedDate ?? new Date(0)) };
  } catch (error) {
    // A secret that was never rotated has no AWSPREVIOUS version.
    if ((error as Error).name === 'ResourceNotFoundException') return { current: currentKey };
    throw error;
  }
}

let cachedKeys: { keys: Promise<SessionKeys>; loadedAt: number } | undefined;
let lastForcedReload = 0;

function loadKeys(now: Date): Promise<SessionKeys> {
  const cfg = config();
  const keys = cfg.sessionSecretArn
    ? loadFromSecretsManager(cfg.sessionSecretArn, now)
    : cfg.sessionSecretFile
      ? loadFromFile(cfg.sessionSecretFile, now)
      : Promise.reject(new Error('configuration: set SESSION_SECRET_ARN (cloud) or SESSION_SECRET_FILE (local)'));
  keys.catch(() => {
    if (cachedKeys?.keys === keys) cachedKeys = undefined;
  });
  cachedKeys = { keys, loadedAt: now.getTime() };
  return keys;
}

/** The session keys, cached for a few minutes. */
export function sessionKeys(now: Date = new Date()): Promise<SessionKeys> {
  if (cachedKeys && now.getTime() - cachedKeys.loadedAt < KEY_CACHE_MS) return cachedKeys.keys;
  return loadKeys(now);
}

/**
 * The key named `id`, reloading once (rate-limited) when it is unknown: another process may already
 * sign with a key this one has not seen. Undefined for a key that is neither current nor previous.
 */
export async function sessionKeyById(id: string | undefined, now: Date = new Date()): Promise<SessionKey | undefined> {
  const find = (keys: SessionKeys) => [keys.current, keys.previous].find((key) => key && key.id === id);
  const found = find(await sessionKeys(now));
  if (found || !id || now.getTime() - lastForcedReload < FORCED_RELOAD_INTERVAL_MS) return found;
  lastForcedReload = now.getTime();
  return find(await loadKeys(now));
}

/** Forgets cached keys (tests, and the local rotation command). */
export function forgetSessionKeys(): void {
  cachedKeys = undefined;
  lastForcedReload = 0;
}
