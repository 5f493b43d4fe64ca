/** Presigned uploads (docs/http-api.md, "Uploads"): the browser sends the file straight to S3. */
import * as z from 'zod';
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { createUpload, UPLOAD_PURPOSE_NAMES } from '#shared/storage/uploads';
import { ForbiddenError } from '#shared/http/errors';

export const routes = [
  defineRoute({
    operationId: 'createUpload',
    method: 'POST',
    path: '/uploads',
    summary: '申请上传（预签名 POST；授权书 PDF/JPEG/PNG ≤5MB，机构 logo 与专管员头像 PNG/JPEG/WebP ≤2MB）',
    tags: ['uploads'],
    access: 'session',
    status: 201,
    body: z.object({
      purpose: z.enum(UPLOAD_PURPOSE_NAMES),
      contentType: z.string().trim().min(1).max(100),
      size: z.number().int().positive(),
    }),
    response: z.object({
      key: z.string(),
      url: z.string(),
      fields: z.record(z.string(), z.string()),
      expiresAt: z.string(),
      maxBytes: z.number().int(),
    }),
    handler: async ({ body }, ctx) => {
      const caller = ctx.caller;
      if (body.purpose !== 'authorization-letter' && caller.role !== 'city') {
        throw new ForbiddenError('只有市级用户管理金融机构', 'ROLE_NOT_ALLOWED');
      }
      return createUpload(caller.accountId, body);
    },
  }),
];

/** Presigned POSTs of new uploads under the uploader's prefix (signing one needs the right to put it). */
export const permissions: ModulePermissions = {
  table: { read: true, write: ['ACCOUNT#'] },
  uploads: { write: ['uploads/*'] },
  secrets: ['session', 'origin-verify'],
};

export const module: ApiModule = { name: 'uploads', routes, permissions };
