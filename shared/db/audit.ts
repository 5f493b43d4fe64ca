/**
 * The audit log: one item per security-relevant action (sign-in, account and institution changes,
 * audits, exports), kept 400 days (at least 180 are required). Partitioned by China-time day.
 */
import { randomUUID } from 'node:crypto';
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
  /** The phone the action was attempted for, when no account is known (e.g. a failed login). */
  actorPhone?: string;
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
