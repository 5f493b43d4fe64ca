/** The password rule of the server (shared/auth/passwords.ts), checked before submitting. */
export const PASSWORD_HINT = '至少 8 位，须同时包含字母和数字，且包含大写字母、小写字母、数字、特殊字符中的至少 3 类';

export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 8) problems.push('密码长度至少 8 位');
  if (password.length > 64) problems.push('密码长度不超过 64 位');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) problems.push('密码须同时包含字母和数字');
  if (classes < 3) problems.push('密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类');
  return problems;
}

/** A mainland mobile number. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
