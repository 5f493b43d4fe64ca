import { chromium } from 'playwright-core';
const BASE = process.env.BASE ?? 'http://127.0.0.1:3416';
const users: Record<string, string> = { national: process.env.NAT ?? '', province: process.env.PROV ?? '', city: process.env.CITY ?? '' };
const width = Number(process.env.W ?? 1280);
const pages = (process.env.PAGES ?? '/dashboard').split(',');
const role = process.env.ROLE ?? 'national';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
const ctx = await browser.newContext({ viewport: { width, height: Number(process.env.H ?? 900) }, locale: 'zh-CN' });
const page = await ctx.newPage();
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console', m.type(), m.text()); });
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(`${BASE}/login`);
await page.getByRole('tab', { name: '密码登录' }).click();
await page.getByPlaceholder('请输入手机号码').fill(users[role]!);
await page.getByPlaceholder('请输入密码').fill('Demo@2026');
await page.getByRole('button', { name: '登录', exact: true }).click();
await page.waitForURL(/dashboard/);
for (const path of pages) {
  const t0 = Date.now();
  await page.goto(`${BASE}${path}`);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(800);
  const name = `${role}-${path.replace(/\//g, '_')}-${width}`;
  if (process.env.CLIP) {
    const [x, y, w, h] = process.env.CLIP.split(',').map(Number) as [number, number, number, number];
    await page.screenshot({ path: `/tmp/shots/${name}-clip.png`, clip: { x, y, width: w, height: h } });
  } else await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
  const report = await page.evaluate(() => {
    const out: string[] = [];
    document.querySelectorAll('.el-table').forEach((table, t) => {
      const box = table.getBoundingClientRect();
      if (box.width === 0) return;
      table.querySelectorAll('.el-table__header-wrapper th').forEach((th) => {
        const r = th.getBoundingClientRect();
        const cell = th.querySelector('.cell') as HTMLElement | null;
        const text = th.textContent?.trim() ?? '';
        if (r.left < box.left - 1 || r.right > box.right + 1 || (cell && cell.scrollWidth > cell.clientWidth + 1)) out.push(`table${t}: "${text}" [${Math.round(r.left)},${Math.round(r.right)}] in [${Math.round(box.left)},${Math.round(box.right)}] sw=${cell?.scrollWidth} cw=${cell?.clientWidth}`);
      });
    });
    return out;
  });
  console.log(name, Date.now() - t0, 'ms', report.length ? report : 'OK');
}
await browser.close();
