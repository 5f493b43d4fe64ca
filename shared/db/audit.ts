/**
 * The audit log (docs/data-model.md, "Audit log"): one item per security-relevant action — sign-in
 * success and failure, lockouts, SMS codes sent, password changes, account and institution changes,
 * audits, exports, bulk deletes — with its actor, the client address and the outcome, kept 400 days
 * (at least 180 are required).
 *
 * Items live in a China-day partition (`AUDIT#<yyyymmdd>`) and, for the 审计日志 queries, in one
 * month partition per scope that can see them: every entry in the nation's (gsi3 `AUDITN#<yyyymm>`),
 * an entry whose actor belongs to a province also in that province's (gsi1 `AUDITP#<prov>#<yyyymm>`),
 * and one whose actor belongs to a city also in that city's (gsi2 `AUDITC#<city>#<yyyymm>`). A page
 * is a handful of Queries whatever the size of the log. Entries hold no full phone number.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Caller, Role } from '#shared/auth/caller';
import { sessionKeys } from '#shared/auth/secret';
import { maskPhonesIn } from '#shared/http/logger';
import { chinaDay, epochSeconds } from '#shared/time';
import { documentClient, tableName } from './client';
import { encodeCursor, invalidCursor, parseCursor } from './cursor';
import { auditKey } from './keys';

const RETENTION_DAYS = 400;
export const AUDIT_RETENTION_DAYS = RETENTION_DAYS;

/** Who acted: a signed-in caller or an account (sign-in attempts). */
export interface AuditActor {
  accountId: number;
  realName?: string;
  role: Role;
  provinceCode: string;
  cityCode?: string;
  phone?: string;
}

export interface AuditEntry {
  /** e.g. `auth.login`, `account.update`, `institution.delete`, `report.export`. */
  action: string;
  outcome: 'success' | 'failure';
  /** The account that acted, when it is known. */
  actor?: AuditActor;
  /** A sign-in attempt for a phone without an account: the masked phone and a keyed hash of it. */
  actorPhoneMasked?: string;
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

/** The audit item's actor fields of a caller or an account (phones masked). */
export function actorOf(who: Pick<Caller, 'accountId' | 'role' | 'provinceCode' | 'cityCode' | 'phone'> & { realName?: string }): AuditActor {
  return { accountId: who.accountId, realName: who.realName, role: who.role, provinceCode: who.provinceCode, cityCode: who.cityCode, phone: who.phone };
}

const month = (at: Date) => chinaDay(at).slice(0, 6);

/** The scope index keys of an entry: the nation always, the actor's province and city when it has them. */
export function auditScopeKeys(actor: Pick<AuditActor, 'role' | 'provinceCode' | 'cityCode'> | undefined, time: string, id: string, at: Date) {
  const sort = `${time}#${id}`;
  const keys: Record<string, string> = { gsi3pk: `AUDITN#${month(at)}`, gsi3sk: sort };
  if (actor && actor.role !== 'national') Object.assign(keys, { gsi1pk: `AUDITP#${actor.provinceCode}#${month(at)}`, gsi1sk: sort });
  if (actor?.role === 'city' && actor.cityCode) Object.assign(keys, { gsi2pk: `AUDITC#${actor.cityCode}#${month(at)}`, gsi2sk: sort });
  return keys;
}

/** Writes one audit entry. */
export async function writeAudit(entry: AuditEntry, at: Date = new Date()): Promise<void> {
  const time = at.toISOString();
  const id = randomUUID();
  const { actor, ...rest } = entry;
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...auditKey(chinaDay(at), time, id),
        ...auditScopeKeys(actor, time, id, at),
        entity: 'audit',
        time,
        ...rest,
        ...(actor
          ? {
              actorAccountId: actor.accountId,
              ...(actor.realName ? { actorName: actor.realName } : {}),
              actorRole: actor.role,
              actorProvinceCode: actor.provinceCode,
              ...(actor.cityCode ? { actorCityCode: actor.cityCode } : {}),
              ...(actor.phone ? { actorPhoneMasked: maskPhonesIn(actor.phone) } : {}),
            }
          : {}),
        ...(entry.targetId !== undefined ? { targetId: String(entry.targetId) } : {}),
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

// ---- queries (审计日志) ---------------------------------------------------------------------------

/** Which entries a query may see: everything, a province's or a city's. */
export type AuditScope = { level: 'nation' } | { level: 'province'; provinceCode: string } | { level: 'city'; cityCode: string };

export interface AuditFilters {
  /** An account id, or part of an actor's name or masked phone. */
  actor?: string;
  /** An action, or the start of one (`auth.`). */
  action?: string;
  /** A target type or a target id. */
  target?: string;
  result?: 'success' | 'failure';
  /** Inclusive, ISO instants. */
  from: string;
  to: string;
}

export interface AuditPage {
  items: Record<string, unknown>[];
  nextCursor?: string;
}

/** The most Queries one page may cost; a page cut short still hands back a cursor to go on from. */
const MAX_QUERIES_PER_PAGE = 24;

/** The month partitions of a scope between two instants, newest first. */
function partitions(scope: AuditScope, from: string, to: string): { index: string; pk: string }[] {
  const out: { index: string; pk: string }[] = [];
  const first = month(new Date(from));
  let cursor = new Date(to);
  for (let i = 0; i < 36; i += 1) {
    const key = month(cursor);
    if (key < first) break;
    if (scope.level === 'nation') out.push({ index: 'gsi3', pk: `AUDITN#${key}` });
    else if (scope.level === 'province') out.push({ index: 'gsi1', pk: `AUDITP#${scope.provinceCode}#${key}` });
    else out.push({ index: 'gsi2', pk: `AUDITC#${scope.cityCode}#${key}` });
    // The 1st of this China month minus a day: some instant in the previous month.
    const [y, m] = [Number(key.slice(0, 4)), Number(key.slice(4, 6))];
    cursor = new Date(Date.UTC(y, m - 1, 1) - 8 * 3_600_000 - 86_400_000);
  }
  return out;
}

interface Cursor {
  /** Partition position in the list for the same scope and range. */
  p: number;
  k?: Record<string, unknown>;
}

function decodeCursor(text: string | undefined): Cursor {
  if (!text) return { p: 0 };
  const parsed = parseCursor(text) as unknown as Cursor;
  if (!Number.isInteger(parsed.p) || parsed.p < 0 || (parsed.k !== undefined && (typeof parsed.k !== 'object' || parsed.k === null))) invalidCursor();
  return parsed;
}

function filterExpression(filters: AuditFilters) {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filters.actor) {
    if (/^\d+$/.test(filters.actor)) {
      clauses.push('actorAccountId = :actorId');
      values[':actorId'] = Number(filters.actor);
    } else {
      clauses.push('(contains(actorName, :actor) OR contains(actorPhoneMasked, :actor))');
      values[':actor'] = filters.actor;
    }
  }
  if (filters.action) {
    names['#action'] = 'action';
    clauses.push('begins_with(#action, :action)');
    values[':action'] = filters.action;
  }
  if (filters.target) {
    clauses.push('(targetType = :target OR targetId = :target)');
    values[':target'] = filters.target;
  }
  if (filters.result) {
    clauses.push('outcome = :result');
    values[':result'] = filters.result;
  }
  return { clauses, names, values };
}

/**
 * One page of a scope's audit entries between `from` and `to`, newest first, filtered. Costs at most
 * {@link MAX_QUERIES_PER_PAGE} Queries; `nextCursor` continues where the page ended.
 */
export async function queryAuditLog(scope: AuditScope, filters: AuditFilters, options: { limit: number; cursor?: string }): Promise<AuditPage> {
  const list = partitions(scope, filters.from, filters.to);
  const cursor = decodeCursor(options.cursor);
  const { clauses, names, values } = filterExpression(filters);
  const items: Record<string, unknown>[] = [];
  let position = cursor.p;
  let startKey = cursor.k;
  for (let queries = 0; position < list.length && items.length < options.limit && queries < MAX_QUERIES_PER_PAGE; queries += 1) {
    const partition = list[position]!;
    const sortKey = `${partition.index}sk`;
    const page: QueryCommandOutput = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: partition.index,
        KeyConditionExpression: `${partition.index}pk = :pk AND ${sortKey} BETWEEN :from AND :to`,
        ...(clauses.length > 0 ? { FilterExpression: clauses.join(' AND ') } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: { ':pk': partition.pk, ':from': filters.from, ':to': `${filters.to}#~`, ...values },
        ScanIndexForward: false,
        Limit: Math.max(10, (options.limit - items.length) * 2),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (items.length < options.limit) items.push(item);
      else break;
    }
    if (items.length >= options.limit) {
      // Go on right after the last item kept (its keys are what DynamoDB would hand back).
      const last = items.at(-1)!;
      const lastKey = { pk: last.pk, sk: last.sk, [`${partition.index}pk`]: last[`${partition.index}pk`], [sortKey]: last[sortKey] };
      return { items, nextCursor: encodeCursor({ p: position, k: lastKey }) };
    }
    if (page.LastEvaluatedKey) {
      startKey = page.LastEvaluatedKey;
    } else {
      position += 1;
      startKey = undefined;
    }
  }
  return { items, ...(position < list.length ? { nextCursor: encodeCursor({ p: position, ...(startKey ? { k: startKey } : {}) }) } : {}) };
}
