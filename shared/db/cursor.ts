/**
 * Opaque page cursors: a JSON value in base64url, handed to the client as is. What a cursor may hold is
 * checked by its list (the same partition, a well-formed sort key), since a client can send anything;
 * a cursor that does not parse, or that its list refuses, answers 400 `INVALID_CURSOR`.
 */
import { BadRequestError } from '#shared/http/errors';

/** 400 INVALID_CURSOR. */
export function invalidCursor(): never {
  throw new BadRequestError('INVALID_CURSOR', '分页游标无效', [{ path: 'query.cursor', message: '无效的游标' }]);
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The JSON object a cursor holds, unchecked beyond being an object; {@link invalidCursor} otherwise. */
export function parseCursor(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    invalidCursor();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalidCursor();
  return value as Record<string, unknown>;
}
