/**
 * The admin CLI. Runs against the table named by the environment (TABLE_NAME, … as the Lambdas see
 * it; AWS credentials from the usual chain), or against a local data dir with `--local`.
 *
 *   npm run admin -- bootstrap --phone 13800000000 [--password 'Xx@12345'] [--name 姓名] [--unit 单位]
 *   npm run demo-data -- [--orders 20000] [--seed 1] [--data-dir .data | --memory]
 *   npm run import -- FILE.xlsx|FILE.csv [--data-dir .data]
 *   npm run import -- --template OUT.xlsx|OUT.csv
 *   npm run rollups -- rebuild|reconcile [--data-dir .data]
 *   npm run admin -- reconcile-specialists [--dry-run] [--data-dir .data]
 *
 * `demo-data` is local only, and `import` is local unless TABLE_NAME is set: they start the local
 * stack's embedded stores on the data directory themselves (with the change capture feeding the
 * rollups) and stop them at the end. dynalite keeps its LevelDB store open in one process only, so
 * they cannot run while `npm start` uses the same directory.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LocalStack } from '#lib/local/stack';

const USAGE = `用法:
  npm run admin -- bootstrap --phone <手机号> [--password <密码>] [--name <姓名>] [--unit <单位>]
      创建第一个国家级账号（已存在则不变）。未设置密码时，该账号首次以短信验证码登录后设置密码。
  npm run demo-data -- [--orders <笔数，默认 20000>] [--seed <种子，默认 1>] [--data-dir <目录，默认 .data>] [--memory]
      在本地数据目录生成并写入演示数据（已有则不变），重建统计汇总；--memory 只在内存中运行（测速用）。
      须先停止使用同一目录的 npm start。
  npm run import -- <文件.xlsx|文件.csv> [--data-dir <目录，默认 .data>]
      导入事件文件（列的说明见模板），被拒绝的行写入 <文件名>.errors.csv；重复导入不会产生改动。
      设置了 TABLE_NAME 时导入该表，否则导入本地数据目录（须先停止 npm start）。
  npm run import -- --template <输出.xlsx|输出.csv> [--orders <笔数，默认 20>]
      生成导入模板（含示例行与列说明）。
  npm run rollups -- rebuild [--data-dir <目录>]
      由基础记录重新计算全部统计汇总（须在没有其他写入时运行：本地先停止 npm start；云端先停用流事件源）。
  npm run rollups -- reconcile [--data-dir <目录>]
      将已存的统计汇总与重新计算的结果逐项比较，列出每一处差异；有差异时退出码为 1。
  npm run admin -- reconcile-specialists [--dry-run] [--data-dir <目录>]
      按实际专管员数修正各机构的专管员计数。
  设置了 TABLE_NAME 时以上命令作用于该表（云端），否则作用于本地数据目录。`;

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new Error(`${name} 须为正整数`);
  return number;
}

/**
 * Fails with a clear message when another process (npm start) holds the data directory's LevelDB
 * store: dynalite would otherwise crash on its first request with "Database is closed". Probes with
 * the LevelDB binding dynalite itself uses.
 */
async function assertDataDirFree(dataDir: string): Promise<void> {
  const store = join(dataDir, 'dynamo');
  if (!existsSync(store)) return;
  const dynaliteRequire = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = dynaliteRequire('level') as { Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> } };
  const db = new Level(store);
  try {
    await db.open();
  } catch (error) {
    const cause = String((error as { cause?: Error }).cause?.message ?? (error as Error).message);
    if (/lock/i.test(cause)) throw new Error(`数据目录 ${dataDir} 正被其他进程使用（npm start 是否正在运行？请先停止它，或用 --data-dir 指定其他目录）`);
    throw error;
  }
  await db.close();
}

/**
 * Starts the local stack's stores on the data directory (HTTP on a free port, change capture and
 * rollup handler attached), runs `work`, waits for the captured changes to reach the rollups, stops.
 */
async function withLocalStack<T>(options: { dataDir?: string; memory?: boolean }, work: (stack: LocalStack) => Promise<T>): Promise<T> {
  if (!options.memory) await assertDataDirFree(resolve(options.dataDir ?? process.env.DATA_DIR ?? '.data'));
  const { startLocalStack } = await import('#lib/local/stack');
  const stack = await startLocalStack({ port: 0, memory: options.memory, dataDir: options.dataDir });
  try {
    const result = await work(stack);
    await stack.capture.drain(300_000);
    return result;
  } finally {
    await stack.stop();
  }
}

async function demoData(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      orders: { type: 'string' },
      seed: { type: 'string' },
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
    },
  });
  const orders = positiveInteger(values.orders, 20_000, '--orders');
  const seed = positiveInteger(values.seed, 1, '--seed');
  await withLocalStack({ dataDir: values['data-dir'], memory: values.memory }, async (stack) => {
    const { ensureDemoData, readDemoMarker } = await import('#lib/demo/load');
    const { rebuildRollups } = await import('#functions/rollup/rebuild');
    const result = await ensureDemoData({
      orders,
      seed,
      rebuild: async () => {
        // Deliver what the capture already holds first, or the rebuild would count it twice.
        await stack.capture.drain(300_000);
        let lastLine = 0;
        await rebuildRollups({
          progress: (line) => {
            if (Date.now() - lastLine < 2000) return;
            lastLine = Date.now();
            console.log(line);
          },
        });
      },
      onProgress: (line) => console.log(line),
    });
    if (!result.loaded) {
      const marker = await readDemoMarker();
      console.log(`演示数据已存在（种子 ${String(marker?.seed)}，${String(marker?.orders)} 笔订单），未做改动。`);
      return;
    }
    const load = result.load!;
    console.log(
      [
        `生成: ${seconds(result.generateMs!)} 秒，每秒 ${Math.round(result.generatedOrdersPerSecond!)} 笔订单`,
        `写入: ${seconds(load.elapsedMs)} 秒，每秒 ${Math.round(load.ordersPerSecond)} 笔订单` +
          `（机构 ${seconds(load.institutionsMs)} 秒，计算 ${seconds(load.foldMs)} 秒，批量写入 ${seconds(load.writeMs)} 秒）`,
        `统计汇总重建: ${seconds(result.rebuildMs!)} 秒`,
      ].join('\n'),
    );
  });
}

async function importCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      template: { type: 'string' },
      orders: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  if (values.template) {
    const { generateDemoData } = await import('#lib/demo/generate');
    const { writeImportFile } = await import('#lib/import/write');
    const orders = positiveInteger(values.orders, 20, '--orders');
    const sample = generateDemoData({ orders, institutions: 12, enterprises: Math.max(20, orders), seed: 1, idPrefix: 'sample' });
    const rows = await writeImportFile(values.template, sample.events);
    console.log(`已生成导入模板 ${values.template}（${rows} 行示例事件）。示例中的机构编号 1–12 须为本平台已有的金融机构。`);
    return;
  }
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new Error('请指定一个要导入的 .xlsx 或 .csv 文件');
  if (!existsSync(file)) throw new Error(`文件不存在: ${file}`);
  const run = async () => {
    const { importEventsFile } = await import('#lib/import/import-file');
    const report = await importEventsFile(file, { onProgress: (line) => console.log(line) });
    console.log(`用时 ${seconds(report.elapsedMs)} 秒`);
    if (report.rejected > 0) process.exitCode = 1;
  };
  if (process.env.TABLE_NAME && !values['data-dir']) await run();
  else await withLocalStack({ dataDir: values['data-dir'] }, run);
}

/** Runs against the table in the environment (cloud) when TABLE_NAME is set, else on the local data dir. */
async function againstStore(dataDir: string | undefined, work: () => Promise<void>): Promise<void> {
  if (process.env.TABLE_NAME && !dataDir) await work();
  else await withLocalStack({ dataDir }, work);
}

async function rollups(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
  const [action] = positionals;
  if (action !== 'rebuild' && action !== 'reconcile') throw new Error('用法: npm run rollups -- rebuild|reconcile');
  await againstStore(values['data-dir'], async () => {
    const { rebuildRollups, reconcileRollups } = await import('#functions/rollup/rebuild');
    let lastLine = 0;
    const progress = (line: string) => {
      if (Date.now() - lastLine < 2000) return;
      lastLine = Date.now();
      console.log(line);
    };
    const started = performance.now();
    if (action === 'rebuild') {
      const result = await rebuildRollups({ progress });
      console.log(`已重建 ${result.baseCounters} 个统计汇总项，清除 ${result.removed} 个多余项，用时 ${seconds(performance.now() - started)} 秒`);
      return;
    }
    const { checked, drifts } = await reconcileRollups({ progress });
    for (const drift of drifts) {
      console.log(`差异 ${drift.pk} ${drift.sk} ${drift.attribute}: 已存 ${String(drift.stored)}，应为 ${String(drift.expected)}`);
    }
    console.log(`已核对 ${checked} 个统计汇总项，差异 ${drifts.length} 处，用时 ${seconds(performance.now() - started)} 秒`);
    if (drifts.length > 0) process.exitCode = 1;
  });
}

async function reconcileSpecialists(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' }, 'data-dir': { type: 'string' } } });
  await againstStore(values['data-dir'], async () => {
    const { reconcileSpecialistCounts } = await import('#functions/institutions/reconcile');
    const result = await reconcileSpecialistCounts({ dryRun: values['dry-run'] });
    for (const repair of result.repaired) {
      console.log(`机构 #${repair.institutionId}: 计数 ${repair.stored} → ${repair.actual}${values['dry-run'] ? '（未写入）' : ''}`);
    }
    for (const skip of result.skipped) console.log(`机构 #${skip.institutionId}: 跳过（${skip.reason}）`);
    console.log(`已检查 ${result.checked} 家机构，修正 ${result.repaired.length} 家`);
  });
}

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
  // Request logs of the local stack stay quiet unless asked for (set before anything imports the logger).
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'bootstrap':
      await bootstrap(rest);
      break;
    case 'demo-data':
      await demoData(rest);
      break;
    case 'import':
      await importCommand(rest);
      break;
    case 'rollups':
      await rollups(rest);
      break;
    case 'reconcile-specialists':
      await reconcileSpecialists(rest);
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
