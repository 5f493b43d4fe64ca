/** Sign-in and the signed-in user (docs/http-api.md, "Auth"). */
import * as z from 'zod';
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { authenticateSession, refreshSession } from '#shared/auth/sessions';
import { accountViewSchema } from '#shared/views/account';
import { changeOwnPassword, login, logout, me, requestSmsCode } from './domain';
import { captchaAnswerSchema, loginBodySchema, smsCodeBodySchema } from './schemas';
import { issueCaptcha } from '#shared/auth/captcha';

const tokenAnswer = z.object({ token: z.string(), expiresAt: z.string() });

export const routes = [
  defineRoute({
    operationId: 'createCaptcha',
    method: 'POST',
    path: '/auth/captcha',
    summary: '获取图形验证码（同一手机号或同一地址的登录请求过多时需要）',
    tags: ['auth'],
    access: 'public',
    throttle: 'sign-in',
    status: 201,
    response: captchaAnswerSchema,
    handler: async () => issueCaptcha(new Date()),
  }),
  defineRoute({
    operationId: 'requestSmsCode',
    throttle: 'sign-in',
    method: 'POST',
    path: '/auth/sms-codes',
    summary: '获取短信验证码（登录；绑定新手机号需已登录）',
    tags: ['auth'],
    access: 'public',
    status: 202,
    body: smsCodeBodySchema,
    response: z.object({ resendAfterSeconds: z.number().int() }),
    handler: async ({ body }, ctx) => {
      const caller = body.purpose === 'bind' ? await authenticateSession(ctx.event) : undefined;
      return requestSmsCode(body, ctx.sourceIp, caller);
    },
  }),
  defineRoute({
    operationId: 'login',
    throttle: 'sign-in',
    method: 'POST',
    path: '/auth/login',
    summary: '登录（短信验证码或密码）',
    tags: ['auth'],
    access: 'public',
    body: loginBodySchema,
    response: tokenAnswer.extend({ mustSetPassword: z.boolean(), account: accountViewSchema }),
    handler: async ({ body }, ctx) => login(body, ctx.sourceIp),
  }),
  defineRoute({
    operationId: 'refreshSession',
    method: 'POST',
    path: '/auth/refresh',
    summary: '刷新登录令牌',
    tags: ['auth'],
    access: 'session',
    response: tokenAnswer,
    handler: async (_input, ctx) => refreshSession(ctx.event),
  }),
  defineRoute({
    operationId: 'logout',
    method: 'POST',
    path: '/auth/logout',
    summary: '退出登录',
    tags: ['auth'],
    access: 'session',
    handler: async (_input, ctx) => logout(ctx.caller, ctx.sourceIp),
  }),
  defineRoute({
    operationId: 'getMe',
    method: 'GET',
    path: '/me',
    summary: '当前用户、数据范围与可用模块',
    tags: ['auth'],
    access: 'session',
    response: z.object({
      account: accountViewSchema,
      scope: z.object({ level: z.string(), provinceCode: z.string().nullable(), cityCode: z.string().nullable() }),
      modules: z.array(z.string()),
      mustSetPassword: z.boolean(),
    }),
    handler: async (_input, ctx) => me(ctx.caller),
  }),
  defineRoute({
    operationId: 'changeOwnPassword',
    throttle: 'sign-in',
    method: 'PUT',
    path: '/me/password',
    summary: '修改（或首次设置）本人密码；其他会话随即失效',
    tags: ['auth'],
    access: 'session',
    body: z.object({ currentPassword: z.string().max(128).optional(), newPassword: z.string().max(128) }),
    handler: async ({ body }, ctx) => changeOwnPassword(ctx.caller, body, ctx.sourceIp),
  }),
];

/** Sign-in state, sessions, password changes, the audit log; the only module that may send SMS. */
export const permissions: ModulePermissions = {
  table: { read: true, write: ['SMS#', 'RATE#', 'SIGNIN#', 'CAPTCHA#', 'ACCOUNT#', 'AUDIT#'] },
  publishSms: true,
  secrets: ['session', 'origin-verify'],
};

export const module: ApiModule = { name: 'auth', routes, permissions };
