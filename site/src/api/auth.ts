/** Signing in and the signed-in user (docs/http-api.md, "Auth"). */
import { call, type Answer, type BodyOf } from './client';

export type Me = Answer<'getMe'>;
export type Account = Me['account'];
export type LoginAnswer = Answer<'login'>;
export type Credentials = BodyOf<'login'>;
export type Captcha = Answer<'createCaptcha'>;
/** The answer to a 图形验证码, for the requests the server asked one for. */
export type CaptchaFields = { captchaId?: string; captchaAnswer?: string };

export const authApi = {
  requestCode: (phone: string, purpose: 'login' | 'bind', check: CaptchaFields = {}) => call('requestSmsCode', { body: { phone, purpose, ...check } }),
  /** A new 图形验证码 (a PNG data URL and its id; shared/auth/captcha.ts). */
  captcha: () => call('createCaptcha'),
  login: (credentials: Credentials) => call('login', { body: credentials }),
  logout: () => call('logout'),
  me: () => call('getMe'),
  changePassword: (body: BodyOf<'changeOwnPassword'>) => call('changeOwnPassword', { body }),
};
