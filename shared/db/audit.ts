/**
 * The audit log: one item per security-relevant action (sign-in, account and institution changes,
 * audits, exports), kept 400 days (at least 180 are required). Partitioned by China-time day.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { sessionKeys } from '#shared/auth/secret';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { auditKey } from './keys';
import { documentClient, tableName } from './client';
import { chinaDay, epochSeconds } from '#shared/time';

const RETENTION_DAYS = 400;

export interface AuditEntry {
  /** e.g. `auth.login`, `account.update`, `institution.delete`, `report.export`. */
  action: string;
  outcome: 'success' | 'failure';
  actorAccountId?: number;
  /** The phone a sign-in was attempted for, masked (`138****0000`): audit entries hold no full phone. */
  actorPhoneMasked?: string;
  /** For a phone without an account: a keyed hash that groups attempts on one phone (see {@link phoneFingerprint}). */
  actorPhoneHash?: string;
  sourceIp?: string;
  targetType?: string;
  targetId?: string | number;
  /** Failure reason or other short context (never secrets). */
  reason?: string;
  /** Changed fields only, before and after. */
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** Writes one audit entry. */
export async function writeAudit(entry: AuditEntry, at: Date = new Date()): Promise<void> {
  const time = at.toISOString();
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...auditKey(chinaDay(at), time, randomUUID()),
        entity: 'audit',
        time,
        ...entry,
        ttl: epochSeconds(at) + RETENTION_DAYS * 86_400,
      },
    }),
  );
}

/** Before/after of the fields that differ between two records (for audit entries). */
export function changedFields<T extends Record<string, unknown>>(
  before: T,
  after: T,
  fields: readonly (keyof T)[],
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const out = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
  for (const field of fields) {
    if (before[field] !== after[field]) {
      out.before[field as string] = before[field];
      out.after[field as string] = after[field];
    }
  }
  return out;
}

/**
 * A keyed hash of a phone (HMAC with a key derived from the session key): attempts on one phone can be
 * grouped in the audit log without the phone being stored or guessable from the entry.
 */
export async function phoneFingerprint(phone: string): Promise<string> {
  const { current } = await sessionKeys();
  return createHmac('sha256', current.secret).update(`audit-phone:${phone}`).digest('base64url').slice(0, 16);
}
