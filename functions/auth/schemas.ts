/** The auth module's request schemas that the domain's input types are inferred from. */
import { z } from 'zod';
import { phoneSchema } from '#shared/http/schemas';

/** Sign-in by SMS code or by password (never both). */
export const loginBodySchema = z.union([
  z.object({ phone: phoneSchema, code: z.string().regex(/^\d{6}$/, '验证码为 6 位数字') }).strict(),
  z.object({ phone: phoneSchema, password: z.string().min(1).max(128) }).strict(),
]);
export type LoginInput = z.output<typeof loginBodySchema>;
