/** 账号管理 and 市级/省级账号管理 (docs/http-api.md, "Accounts"). */
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { idParamSchema } from '#shared/http/schemas';
import { addAccount, auditAccount, editAccount, getAccount, listAccounts, removeAccount, removeAccounts } from './domain';
import {
  accountListSchema,
  accountViewSchema,
  auditBodySchema,
  batchDeleteAnswerSchema,
  batchDeleteBodySchema,
  createBodySchema,
  editBodySchema,
  listQuerySchema,
} from './schemas';

export const routes = [
  defineRoute({
    operationId: 'listAccounts',
    method: 'GET',
    path: '/accounts',
    summary: '账号列表（peer：本级账号管理；subordinate：市级/省级账号管理）',
    tags: ['accounts'],
    access: 'session',
    query: listQuerySchema,
    response: accountListSchema,
    handler: async ({ query }, ctx) => listAccounts(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'createAccount',
    method: 'POST',
    path: '/accounts',
    summary: '添加账号（本级账号需授权书与手机验证码并待审核；下级账号直接通过）',
    tags: ['accounts'],
    access: 'session',
    status: 201,
    body: createBodySchema,
    response: accountViewSchema,
    handler: async ({ body }, ctx) => addAccount(ctx.caller, body, ctx.sourceIp),
  }),
  defineRoute({
    operationId: 'getAccount',
    method: 'GET',
    path: '/accounts/{id}',
    summary: '账号详情',
    tags: ['accounts'],
    access: 'session',
    params: idParamSchema,
    response: accountViewSchema,
    handler: async ({ params }, ctx) => getAccount(ctx.caller, params.id),
  }),
  defineRoute({
    operationId: 'updateAccount',
    method: 'PATCH',
    path: '/accounts/{id}',
    summary: '编辑账号（密码、姓名、性别、单位、部门、职务、备注、状态；手机号不可修改）',
    tags: ['accounts'],
    access: 'session',
    params: idParamSchema,
    body: editBodySchema,
    response: accountViewSchema,
    handler: async ({ params, body }, ctx) => editAccount(ctx.caller, params.id, body, ctx.sourceIp),
  }),
  defineRoute({
    operationId: 'deleteAccount',
    method: 'DELETE',
    path: '/accounts/{id}',
    summary: '删除账号',
    tags: ['accounts'],
    access: 'session',
    params: idParamSchema,
    handler: async ({ params }, ctx) => removeAccount(ctx.caller, params.id, ctx.sourceIp),
  }),
  defineRoute({
    operationId: 'batchDeleteAccounts',
    method: 'POST',
    path: '/accounts/batch-delete',
    summary: '批量删除账号（逐个返回结果）',
    tags: ['accounts'],
    access: 'session',
    body: batchDeleteBodySchema,
    response: batchDeleteAnswerSchema,
    handler: async ({ body }, ctx) => removeAccounts(ctx.caller, body.ids, ctx.sourceIp),
  }),
  defineRoute({
    operationId: 'auditAccount',
    method: 'POST',
    path: '/accounts/{id}/audit',
    summary: '审核账号（通过或驳回）',
    tags: ['accounts'],
    access: 'session',
    params: idParamSchema,
    body: auditBodySchema,
    response: accountViewSchema,
    handler: async ({ params, body }, ctx) => auditAccount(ctx.caller, params.id, body, ctx.sourceIp),
  }),
];

/** Accounts (and their id counter), bind codes it consumes, the audit log; reads authorization letters. */
export const permissions: ModulePermissions = {
  table: { read: true, write: ['ACCOUNT#', 'COUNTER#', 'SMS#', 'AUDIT#'] },
  uploads: { read: ['uploads/*/authorization-letter/*'] },
  secrets: ['session', 'origin-verify'],
};

export const module: ApiModule = { name: 'accounts', routes, permissions };
