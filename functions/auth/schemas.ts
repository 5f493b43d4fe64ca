/** The auth module's request schemas that the domain's input types are inferred from. */
import * as z from 'zod';
import { phoneSchema } from '#shared/http/schemas';
import { SMS_PURPOSES } from '#shared/auth/sms-codes';

/** Sign-in by SMS code or by password (never both). */
/** The human check, asked for once a phone or an address has made many sign-in requests. */
export const captchaFields = {
  captchaId: z.string().uuid().optional(),
  captchaAnswer: z.string().trim().min(1).max(10).optional(),
};

export const loginBodySchema = z.union([
  z.object({ phone: phoneSchema, code: z.string().regex(/^\d{6}$/, '验证码为 6 位数字'), ...captchaFields }).strict(),
  z.object({ phone: phoneSchema, password: z.string().min(1).max(128), ...captchaFields }).strict(),
]);
export type LoginInput = z.output<typeof loginBodySchema>;

export const smsCodeBodySchema = z.object({ phone: phoneSchema, purpose: z.enum(SMS_PURPOSES), ...captchaFields });

export const captchaAnswerSchema = z.object({ captchaId: z.string(), image: z.string(), expiresAt: z.string() });
