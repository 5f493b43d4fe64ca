/** Signing in and the signed-in user (docs/api.md, "Auth"). */
import { call, type Answer, type BodyOf } from './client';

export type Me = Answer<'getMe'>;
export type Account = Me['account'];
export type LoginAnswer = Answer<'login'>;
export type Credentials = BodyOf<'login'>;

export const authApi = {
  requestCode: (phone: string, purpose: 'login' | 'bind') => call('requestSmsCode', { body: { phone, purpose } }),
  login: (credentials: Credentials) => call('login', { body: credentials }),
  logout: () => call('logout'),
  me: () => call('getMe'),
  changePassword: (body: BodyOf<'changeOwnPassword'>) => call('changeOwnPassword', { body }),
};
