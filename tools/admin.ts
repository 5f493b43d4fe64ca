/**
 * The operator commands behind `npm run admin` (and the `demo-data`, `import` and `rollups` scripts).
 * Each runs against the cloud table when TABLE_NAME is set, otherwise against the local data
 * directory (see `store.ts`); docs/operations.md says when to run which.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { againstStore, throttledProgress, withLocalStack } from './store';

export const USAGE = `用法:
  npm run admin -- bootstrap --phone <手机号> [--password <密码>] [--name <姓名>] [--unit <单位>] [--data-dir <目录>]
      创建第一个国家级账号（已存在则不变）。未设置密码时，该账号首次以短信验证码登录后设置密码。
  npm run demo-data -- [--orders <笔数，默认 20000>] [--seed <种子，默认 1>] [--data-dir <目录，默认 .data>] [--memory]
      在本地数据目录生成并写入演示数据（已有则不变），重建统计汇总；--memory 只在内存中运行（测速用）。
      须先停止使用同一目录的 npm start。
  npm run import -- <文件.xlsx|文件.csv> [--concurrency <同时发送的批数，默认 4>] [--restart] [--data-dir <目录，默认 .data>]
      导入事件文件（列的说明见模板），被拒绝的行写入 <文件名>.errors.csv；重复导入不会产生改动。
      中断（Ctrl-C 或意外退出）后再次运行同一命令，从中断处继续；--restart 从头开始。
  npm run import -- --template <输出.xlsx|输出.csv> [--orders <笔数，默认 20>]
      生成导入模板（含示例行与列说明）。
  npm run rollups -- rebuild [--data-dir <目录>]
      由基础记录重新计算全部统计汇总（须在没有其他写入时运行：本地先停止 npm start；云端先停用流事件源）。
  npm run rollups -- reconcile [--data-dir <目录>]
      将已存的统计汇总与重新计算的结果逐项比较，列出每一处差异；有差异时退出码为 1。
  npm run admin -- reconcile-specialists [--dry-run] [--data-dir <目录>]
      按实际专管员数修正各机构的专管员计数。
  npm run admin -- rotate-session-key [--data-dir <目录>]
      更换会话密钥；旧密钥在 1 小时内仍可验证，已登录的用户不会被迫退出。
  设置了 TABLE_NAME 时以上命令（demo-data 除外）作用于该表（云端），否则作用于本地数据目录（默认 .data，
  须先停止使用同一目录的 npm start）。`;

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new Error(`${name} 须为正整数`);
  return number;
}

async function demoData(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { orders: { type: 'string' }, seed: { type: 'string' }, 'data-dir': { type: 'string' }, memory: { type: 'boolean' } },
  });
  const orders = positiveInteger(values.orders, 20_000, '--orders');
  const seed = positiveInteger(values.seed, 1, '--seed');
  await withLocalStack({ dataDir: values['data-dir'], memory: values.memory }, async (stack) => {
    const { ensureDemoDataSet } = await import('./demo/setup');
    const { readDemoMarker } = await import('./demo/load');
    const result = await ensureDemoDataSet(stack, { orders, seed, onProgress: (line) => console.log(line) });
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
      concurrency: { type: 'string' },
      restart: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
  });
  if (values.template) {
    const { generateDemoData } = await import('./demo/generate');
    const { writeImportFile } = await import('./import/write');
    const orders = positiveInteger(values.orders, 20, '--orders');
    const sample = generateDemoData({ orders, institutions: 12, enterprises: Math.max(20, orders), seed: 1, idPrefix: 'sample' });
    const rows = await writeImportFile(values.template, sample.events);
    console.log(`已生成导入模板 ${values.template}（${rows} 行示例事件）。示例中的机构编号 1–12 须为本平台已有的金融机构。`);
    return;
  }
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new Error('请指定一个要导入的 .xlsx 或 .csv 文件');
  if (!existsSync(file)) throw new Error(`文件不存在: ${file}`);
  const concurrency = positiveInteger(values.concurrency, 4, '--concurrency');
  if (concurrency > 32) throw new Error('--concurrency 最大为 32');
  await againstStore({ dataDir: values['data-dir'] }, async () => {
    const { importEventsFile } = await import('./import/import-file');
    // The first Ctrl-C stops after the batches in flight and saves the resume point.
    const stop = new AbortController();
    const onInterrupt = () => {
      console.log('正在停止：等待已发送的批次完成…');
      stop.abort();
    };
    process.once('SIGINT', onInterrupt);
    try {
      const report = await importEventsFile(file, { onProgress: (line) => console.log(line), concurrency, restart: values.restart, signal: stop.signal });
      console.log(`用时 ${seconds(report.elapsedMs)} 秒，每秒 ${Math.round(report.rowsPerSecond)} 行`);
      if (report.rejected > 0 || report.interrupted) process.exitCode = 1;
    } finally {
      process.off('SIGINT', onInterrupt);
    }
  });
}

async function rollups(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
  const [action] = positionals;
  if (action !== 'rebuild' && action !== 'reconcile') throw new Error('用法: npm run rollups -- rebuild|reconcile');
  await againstStore({ dataDir: values['data-dir'] }, async () => {
    const { rebuildRollups, reconcileRollups } = await import('./rollups');
    const progress = throttledProgress();
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
  await againstStore({ dataDir: values['data-dir'] }, async () => {
    const { reconcileSpecialistCounts } = await import('./specialists');
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
    options: { phone: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, unit: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  if (!values.phone || !/^1[3-9]\d{9}$/.test(values.phone)) throw new Error('--phone 须为 11 位手机号码');
  const phone = values.phone;
  await againstStore({ dataDir: values['data-dir'] }, async () => {
    const { bootstrapNationalAccount } = await import('./bootstrap');
    const { created, account } = await bootstrapNationalAccount({ phone, password: values.password, realName: values.name, unit: values.unit });
    console.log(created ? `已创建国家级账号 #${account.id} ${account.phone}` : `账号 ${account.phone} 已存在（#${account.id}），未做改动`);
  });
}

async function rotateSessionKeyCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } } });
  await againstStore({ dataDir: values['data-dir'] }, async () => {
    const { rotateSessionKey } = await import('./session-key');
    const where = await rotateSessionKey();
    console.log(`已更换会话密钥（${where}）；旧密钥在 1 小时内仍可验证，已登录的用户不会被迫退出。`);
  });
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  bootstrap,
  'demo-data': demoData,
  import: importCommand,
  rollups,
  'reconcile-specialists': reconcileSpecialists,
  'rotate-session-key': rotateSessionKeyCommand,
};

/** Runs one admin command; prints the usage (exit code 2 for an unknown command). */
export async function runAdminCommand(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    console.log(USAGE);
    process.exitCode = command ? 2 : 0;
    return;
  }
  await run(rest);
}
