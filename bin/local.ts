/**
 * `npm start`: the whole local stack with demo data.
 *   PORT (3000), DATA_DIR (.data/), --memory (keep nothing), DEMO_DATA=0 (no demo data),
 *   BOOTSTRAP_PHONE / BOOTSTRAP_PASSWORD (create that national account if missing).
 */
async function main(): Promise<void> {
  const memory = process.argv.includes('--memory');
  // Set before the stack (and its logger) is imported: request logs stay quiet unless asked for.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The admin site: (re)build site/dist when it is missing or older than its sources.
  const { existsSync, readdirSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const site = new URL('../site/', import.meta.url).pathname;
  if (process.env.SKIP_SITE_BUILD !== '1' && existsSync(join(site, 'vite.config.ts'))) {
    const newest = (path: string): number =>
      statSync(path).isDirectory() ? Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name)))) : statSync(path).mtimeMs;
    const builtAt = existsSync(join(site, 'dist/index.html')) ? statSync(join(site, 'dist/index.html')).mtimeMs : 0;
    if (builtAt < Math.max(newest(join(site, 'src')), newest(join(site, 'index.html')), newest(join(site, 'vite.config.ts')))) {
      console.log('正在构建管理端页面…');
      const { build } = await import('vite');
      await build({ configFile: join(site, 'vite.config.ts'), logLevel: 'warn' });
    }
  }
  const { startLocalStack } = await import('#lib/local/stack');
  const stack = await startLocalStack({ memory });
  const lines: string[] = [];

  if (process.env.DEMO_DATA !== '0') {
    const { ensureDemoAccounts } = await import('#lib/demo/accounts');
    lines.push(...(await ensureDemoAccounts()));
    // The national demo data set, once per store (DEMO_ORDERS sets its size; default 20 000 orders).
    // Its bulk writes bypass the change capture, so the rollups are rebuilt from the base records,
    // once the capture has delivered what it already holds (the demo accounts): otherwise those
    // records would be counted twice.
    const { ensureDemoData } = await import('#lib/demo/load');
    const { rebuildRollups } = await import('#functions/rollup/rebuild');
    let lastRebuildLine = 0;
    await ensureDemoData({
      orders: process.env.DEMO_ORDERS ? Number(process.env.DEMO_ORDERS) : undefined,
      rebuild: async () => {
        await stack.capture.drain(120_000);
        await rebuildRollups({
          progress: (line) => {
            if (Date.now() - lastRebuildLine < 2000) return;
            lastRebuildLine = Date.now();
            console.log(line);
          },
        });
      },
      onProgress: (line) => console.log(line),
    });
  }
  const bootstrapPhone = process.env.BOOTSTRAP_PHONE;
  if (bootstrapPhone) {
    const { bootstrapNationalAccount } = await import('#functions/auth/domain');
    const { created } = await bootstrapNationalAccount({ phone: bootstrapPhone, password: process.env.BOOTSTRAP_PASSWORD });
    lines.push(`国家级  手机号 ${bootstrapPhone}  ${created ? '已创建' : '已存在'}${process.env.BOOTSTRAP_PASSWORD ? '（密码见 BOOTSTRAP_PASSWORD）' : '（使用短信验证码登录）'}`);
  }

  console.log('');
  console.log(`信易贷政府管理端已启动: ${stack.url}`);
  console.log(`  接口文档: ${stack.url}/api/openapi.json`);
  console.log(`  数据目录: ${stack.dataDir ?? '（内存，退出后不保留）'}`);
  console.log(`  短信验证码: 打印在本窗口，亦可查看 ${stack.url}/api/dev/sms-outbox`);
  if (lines.length > 0) {
    console.log('  登录账号:');
    for (const line of lines) console.log(`    ${line}`);
  }
  console.log('按 Ctrl-C 停止。');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n收到 ${signal}，正在停止…`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('启动失败:', error);
  process.exit(1);
});
