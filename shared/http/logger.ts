/**
 * The structured JSON logger every function shares (Powertools). Level from POWERTOOLS_LOG_LEVEL.
 *
 * Logged errors carry stacks that point at the TypeScript sources, also from a minified bundle
 * (shared/observability/stack-trace.ts).
 *
 * Phones stay out of logs (docs/security.md): whatever a log line carries — messages, fields, error
 * messages and stacks, item keys such as `ACCOUNT#<phone>` — any mainland mobile number in it is
 * masked (`138****0000`) before the line is written.
 */
import { Logger, LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { readableStack } from '#shared/observability/stack-trace';

const MOBILE = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;

/** Masks every mainland mobile number in a text. */
export function maskPhonesIn(text: string): string {
  return text.replace(MOBILE, '$1****$3');
}

/** A copy of a log value with every phone masked (errors become plain objects, cycles are cut). */
export function redactPhones(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskPhonesIn(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const error = value as Error & { cause?: unknown; code?: unknown };
    return {
      name: error.name,
      message: maskPhonesIn(error.message),
      // In a function bundle, the positions are mapped back to the TypeScript sources.
      ...(error.stack ? { stack: maskPhonesIn(readableStack(error.stack)) } : {}),
      ...(error.code !== undefined ? { code: redactPhones(error.code, seen) } : {}),
      ...(error.cause !== undefined ? { cause: redactPhones(error.cause, seen) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((entry) => redactPhones(entry, seen));
  if (value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [maskPhonesIn(key), redactPhones(entry, seen)]));
}

/** Powertools' standard keys, then the line's own fields, every phone masked. */
class PhoneRedactingFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: maskPhonesIn(String(attributes.message ?? '')),
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: base }).addAttributes(redactPhones(additional) as LogAttributes);
  }
}

export const logger = new Logger({ serviceName: 'xinyidai-gov', logFormatter: new PhoneRedactingFormatter() });
