/**
 * The admin CLI. Runs against the table named by the environment (TABLE_NAME, … as the Lambdas see
 * it; AWS credentials from the usual chain), or against a local data dir with `--local`.
 *
 *   npm run admin -- bootstrap --phone 13800000000 [--password 'Xx@12345'] [--name 姓名] [--unit 单位]
 */
import { parseArgs } from 'node:util';

const USAGE = `用法:
  npm run admin -- bootstrap --phone <手机号> [--password <密码>] [--name <姓名>] [--unit <单位>]
      创建第一个国家级账号（已存在则不变）。未设置密码时，该账号首次以短信验证码登录后设置密码。`;

async function bootstrap(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      phone: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      unit: { type: 'string' },
    },
  });
  if (!values.phone || !/^1[3-9]\d{9}$/.test(values.phone)) {
    throw new Error('--phone 须为 11 位手机号码');
  }
  const { bootstrapNationalAccount } = await import('#functions/auth/domain');
  const { created, account } = await bootstrapNationalAccount({
    phone: values.phone,
    password: values.password,
    realName: values.name,
    unit: values.unit,
  });
  console.log(created ? `已创建国家级账号 #${account.id} ${account.phone}` : `账号 ${account.phone} 已存在（#${account.id}），未做改动`);
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'bootstrap':
      await bootstrap(rest);
      break;
    default:
      console.log(USAGE);
      process.exitCode = command ? 2 : 0;
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message ?? error);
  process.exit(1);
});
