/** zod building blocks the route tables share. */
import { z } from 'zod';

/** A mainland mobile number, the username of every account. */
export const phoneSchema = z.string().trim().regex(/^1[3-9]\d{9}$/, '请输入正确的 11 位手机号码');

export const regionCodeSchema = z.string().regex(/^\d{6}$/, '须为 6 位行政区划代码');

export const idParamSchema = z.object({ id: z.coerce.number().int().positive() });

/** page / pageSize, 10 per page by default (docs/api.md, "Conventions"). */
export const pagingSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(10),
});

export const genderSchema = z.enum(['male', 'female']);
export const statusSchema = z.enum(['enabled', 'disabled']);

/** A number given as a query-string value. */
export const queryInt = () => z.coerce.number().int();
