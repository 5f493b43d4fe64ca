/** zod building blocks the route tables share. */
import * as z from 'zod';
import { PHONE_MESSAGE, PHONE_PATTERN } from '#shared/contract/rules';

/** A mainland mobile number, the username of every account (the site checks the same rule). */
export const phoneSchema = z.string().trim().regex(PHONE_PATTERN, PHONE_MESSAGE);

export const regionCodeSchema = z.string().regex(/^\d{6}$/, '须为 6 位行政区划代码');

export const idParamSchema = z.object({ id: z.coerce.number().int().positive() });

/** page / pageSize, 10 per page by default (docs/http-api.md, "Conventions"). */
export const pagingSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(10),
});

export const genderSchema = z.enum(['male', 'female']);
export const statusSchema = z.enum(['enabled', 'disabled']);

/** A number given as a query-string value. */
export const queryInt = () => z.coerce.number().int();
