/**
 * `npm start`: the whole local stack with demo data.
 *   PORT (3000), DATA_DIR (.data/), --memory (keep nothing), DEMO_DATA=0 (no demo data),
 *   DEMO_ORDERS (size of the data set), SKIP_SITE_BUILD=1 (serve site/dist as it is),
 *   ALLOWED_HOSTS (more host names the server answers),
 *   BOOTSTRAP_PHONE / BOOTSTRAP_PASSWORD (create that national account if missing).
 * Ctrl-C (or SIGTERM) stops in order: no new requests, those in progress finish, the rollup catches
 * up for a while (what is left stays in the data directory's change log), the stand-ins stop. A
 * second Ctrl-C exits at once; the change log makes that safe too.
 */
// Set before the stack (and its logger) is imported: request logs stay quiet unless asked for.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const startedAt = performance.now();
let stopRequested: string | undefined;
let stopStack: (() => Promise<void>) | undefined;

function stop(signal: string): void {
  if (stopRequested) {
    console.log(`\n再次收到 ${signal}，立即退出。${process.argv.includes('--memory') ? '' : '尚未汇总的变更保存在数据目录中，下次启动时补发。'}`);
    process.exit(130);
  }
  stopRequested = signal;
  console.log(`\n收到 ${signal}，正在停止（等待进行中的请求和汇总完成；再按一次 Ctrl-C 立即退出）…`);
  if (!stopStack) return; // still starting: main() stops once the stack is up
  stopStack().then(
    () => {
      console.log('已停止。');
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

async function main(): Promise<void> {
  const memory = process.argv.includes('--memory');
  if (process.env.SKIP_SITE_BUILD !== '1') {
    const { ensureSiteBuilt } = await import('#local/site-build');
    await ensureSiteBuilt(() => console.log('正在构建管理端页面…'));
  }
  const { startLocalStack } = await import('#local/stack');
  const stack = await startLocalStack({
    memory,
    onProgress: (line) => console.log(line),
    onFatal: () => process.exit(1),
  });
  stopStack = () => stack.stop();
  if (stopRequested) return stop(stopRequested);
  const logins: string[] = [];
  if (process.env.DEMO_DATA !== '0') {
    const { prepareDemo } = await import('#tools/demo/setup');
    const orders = process.env.DEMO_ORDERS ? Number(process.env.DEMO_ORDERS) : undefined;
    logins.push(...(await prepareDemo(stack, { orders, onProgress: (line) => console.log(line) })));
  }
  // A data directory kept from an older version gets the rollup items this version reads.
  const { upgradeRollups } = await import('#tools/rollups');
  await stack.capture.drain(300_000);
  if (((await upgradeRollups({ progress: (line) => console.log(line) })) ?? 0) > 0) console.log('已按当前版本重建统计汇总');
  const bootstrapPhone = process.env.BOOTSTRAP_PHONE;
  if (bootstrapPhone) {
    const { bootstrapNationalAccount } = await import('#tools/bootstrap');
    const password = process.env.BOOTSTRAP_PASSWORD;
    const { created } = await bootstrapNationalAccount({ phone: bootstrapPhone, password });
    logins.push(`国家级  手机号 ${bootstrapPhone}  ${created ? '已创建' : '已存在'}${password ? '（密码见 BOOTSTRAP_PASSWORD）' : '（使用短信验证码登录）'}`);
  }
  if (stopRequested) return;

  console.log('');
  console.log(`信易贷政府管理端已启动: ${stack.url}（用时 ${((performance.now() - startedAt) / 1000).toFixed(1)} 秒）`);
  console.log(`  接口文档: ${stack.url}/api/openapi.json`);
  console.log(`  数据目录: ${stack.dataDir ?? '（内存，退出后不保留）'}`);
  console.log(`  短信验证码: 打印在本窗口，亦可查看 ${stack.url}/api/dev/sms-outbox`);
  if (logins.length > 0) {
    console.log('  登录账号:');
    for (const line of logins) console.log(`    ${line}`);
  }
  console.log('按 Ctrl-C 停止。');
}

main().catch((error: unknown) => {
  if (stopRequested) return; // stopping while starting: stop() exits
  console.error('启动失败:', error);
  process.exit(1);
});
