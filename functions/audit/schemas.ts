/** The audit module's request and answer schemas (docs/http-api.md, "Audit log"). */
import * as z from 'zod';
import { auditFilterSchema } from '#shared/audit-scope';
import { auditEntryViewSchema } from '#shared/views/audit';

export const auditQuerySchema = auditFilterSchema.extend({
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

export const auditPageSchema = z.object({ items: z.array(auditEntryViewSchema), nextCursor: z.string().nullable() });
