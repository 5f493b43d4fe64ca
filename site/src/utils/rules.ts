/**
 * The form rules of the console, defined once: the phone and password rules come from
 * shared/contract/rules.ts, the module the API checks them with.
 */
import type { FormItemRule } from 'element-plus';
import { PASSWORD_HINT, PHONE_MESSAGE, PHONE_PATTERN, passwordProblems } from '../../../shared/contract/rules';

export { PASSWORD_HINT, PHONE_PATTERN, passwordProblems };

type Validator = (rule: unknown, value: string, callback: (error?: Error) => void) => void;

/** A required mainland mobile number. */
export const phoneRules: FormItemRule[] = [
  { required: true, message: '请输入手机号码', trigger: 'blur' },
  { pattern: PHONE_PATTERN, message: PHONE_MESSAGE, trigger: 'blur' },
];

/** A 6-digit SMS code. */
export const smsCodeRules: FormItemRule[] = [
  { required: true, message: '请输入验证码', trigger: 'blur' },
  { pattern: /^\d{6}$/, message: '验证码为 6 位数字', trigger: 'blur' },
];

const strongPassword =
  (optional: boolean): Validator =>
  (_rule, value, callback) => {
    const problem = !value && optional ? undefined : passwordProblems(value ?? '')[0];
    callback(problem ? new Error(problem) : undefined);
  };

/**
 * A new password and its confirmation. `optional`: blank means "no password" (a new account signs
 * in by SMS first) or "keep it" (editing).
 */
export function passwordRules(form: { password: string; confirmPassword: string }, options: { optional?: boolean } = {}) {
  const optional = options.optional ?? true;
  return {
    password: [
      ...(optional ? [] : [{ required: true, message: '请输入新密码', trigger: 'blur' }]),
      { trigger: 'blur', validator: strongPassword(optional) },
    ] as FormItemRule[],
    confirmPassword: [
      ...(optional ? [] : [{ required: true, message: '请再次输入新密码', trigger: 'blur' }]),
      {
        trigger: 'blur',
        validator: ((_rule, value, callback) => {
          callback((value ?? '') !== (form.password ?? '') ? new Error('两次输入的密码不一致') : undefined);
        }) as Validator,
      },
    ] as FormItemRule[],
  };
}

/** A required text (not only spaces). */
export const requiredText = (message: string): FormItemRule[] => [{ required: true, whitespace: true, message, trigger: 'blur' }];
/** A required choice. */
export const requiredChoice = (message: string): FormItemRule[] => [{ required: true, message, trigger: 'change' }];
