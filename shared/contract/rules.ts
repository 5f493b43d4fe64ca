/**
 * The input rules a form checks before it submits and the API checks again (docs/security.md): the
 * phone number that is every account's user name, and the password complexity rule.
 *
 * This module is shared with the admin site, which may import nothing else of the server
 * (eslint.config.js): it stays pure and imports nothing.
 */

/** A mainland mobile number. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
export const PHONE_MESSAGE = '请输入正确的 11 位手机号码';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 64;
/** The rule in words, shown under password fields. */
export const PASSWORD_HINT = `至少 ${PASSWORD_MIN_LENGTH} 位，须同时包含字母和数字，且包含大写字母、小写字母、数字、特殊字符中的至少 3 类`;

const CHARACTER_CLASSES = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/] as const;

/** The reasons a password breaks the complexity rule, in the API's words (empty when acceptable). */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`密码长度至少 ${PASSWORD_MIN_LENGTH} 位`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`密码长度不超过 ${PASSWORD_MAX_LENGTH} 位`);
  const classes = CHARACTER_CLASSES.filter((re) => re.test(password)).length;
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) problems.push('密码须同时包含字母和数字');
  if (classes < 3) problems.push('密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类');
  return problems;
}
