/**
 * 账号管理, 市级账号管理 and 机构管理 in Chromium against the local stack serving `site/dist`:
 * a province adds a city account; a city user adds a peer with an uploaded authorization letter and
 * the bind code, which the province approves; the status switch disables an account; a city user
 * adds an institution with a logo and a specialist, and may delete the institution only once the
 * specialist is gone. Results are checked through the API as well as on screen.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, ensureDemoAccounts } from '#tools/demo/accounts';
import { loginWithPassword, useLocalStack } from '#test/e2e/harness';
import { Canvas } from '#shared/images/png';
import { ensureSiteBuilt } from './site-build';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SCREENSHOTS = join(REPO, '.tmp');
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[management.test] skipped: no Chromium at ${CHROMIUM}`);

const [, provinceDemo, cityDemo] = DEMO_ACCOUNTS;
const UI_TIMEOUT = 15_000;

// ---- generated upload files -------------------------------------------------------------------

/** A 64×64 PNG: a blue square with a red diagonal band, enough to see in a thumbnail. */
function logoPng(): Buffer {
  const canvas = new Canvas(64, 64);
  canvas.fill([0x1f, 0x6f, 0xc8, 0xff]);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (Math.abs(x - y) < 8) canvas.set(x, y, [0xe6, 0x3c, 0x2e, 0xff]);
  return canvas.toPng();
}

/** A one-page PDF with a line of text and a correct cross-reference table. */
function letterPdf(): Buffer {
  const content = 'BT /F1 18 Tf 72 760 Td (Authorization letter - test) Tj ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(pdf));
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

// ---- page helpers ---------------------------------------------------------------------------

/** Waits until an Element Plus message with this text shows. */
async function expectMessage(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('.el-message', { hasText: text }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
}

function dialog(page: Page, title: string): Locator {
  return page.locator('.el-dialog').filter({ has: page.locator('.el-dialog__title', { hasText: title }) });
}

function formItem(scope: Locator, label: string): Locator {
  return scope.locator('.el-form-item').filter({ has: scope.page().locator('.el-form-item__label', { hasText: label }) });
}

function tableRow(scope: Page | Locator, text: string): Locator {
  return scope.locator('.el-table__body tr.el-table__row', { hasText: text });
}

async function chooseOption(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

async function confirmBox(page: Page, title: string): Promise<void> {
  const box = page.locator('.el-message-box').filter({ hasText: title });
  await box.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await box.getByRole('button', { name: '确定' }).click();
  await box.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
}

async function cellText(row: Locator, column: number): Promise<string> {
  return (await row.locator('td').nth(column).innerText()).trim();
}

describe.skipIf(!hasChromium)('management pages in Chromium', () => {
  // Registered before the stack starts: the stack serves site/dist only if it exists at start.
  beforeAll(ensureSiteBuilt, 300_000);

  const client = useLocalStack();
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let provinceToken = '';
  let cityToken = '';

  beforeAll(async () => {
    await ensureDemoAccounts();
    provinceToken = await loginWithPassword(client, provinceDemo!.phone, DEMO_PASSWORD);
    cityToken = await loginWithPassword(client, cityDemo!.phone, DEMO_PASSWORD);
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
  });

  /** A fresh browser signed in through the login page with a password. */
  async function signIn(phone: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${client.url}/login`);
    await page.getByRole('tab', { name: '密码登录' }).click();
    await page.getByPlaceholder('请输入手机号码').fill(phone);
    await page.getByPlaceholder('请输入密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: UI_TIMEOUT });
    return page;
  }

  async function openList(page: Page, path: string, heading: string): Promise<void> {
    await page.goto(`${client.url}${path}`);
    await page.locator('.panel-title', { hasText: heading }).first().waitFor();
    await page.locator('.el-table .el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => undefined);
  }

  async function accountByPhone(token: string, tier: 'peer' | 'subordinate', phone: string) {
    const listed = await client.request('GET', `/api/accounts?tier=${tier}&pageSize=100`, { token });
    expect(listed.status).toBe(200);
    return listed.body.items.find((item: { phone: string }) => item.phone === phone);
  }

  it('a province user adds a city account in 市级账号管理 and sees it approved in the list', async () => {
    const page = await signIn(provinceDemo!.phone);
    await openList(page, '/subordinate-accounts', '市级账号管理');
    const headers = await page.locator('.el-table__header th').allInnerTexts();
    expect(headers.map((text) => text.trim()).filter(Boolean)).toEqual([
      'ID', '用户名', '真实姓名', '单位', '省份', '城市', '角色', '状态', '审核状态', '操作',
    ]);

    await page.getByRole('button', { name: '添加市级账号' }).click();
    const form = dialog(page, '添加市级账号');
    await form.waitFor();
    await form.locator('input[name=phone]').fill('15911110001');
    await form.locator('input[name=realName]').fill('王五');
    await chooseOption(page, formItem(form, '所属区域').locator('.el-select'), '福州市');
    await form.locator('input[name=unit]').fill('福州市发展和改革委员会');
    await form.locator('input[name=department]').fill('信用处');
    await form.getByRole('button', { name: '立即提交' }).click();
    await expectMessage(page, '账号添加成功');

    const row = tableRow(page, '15911110001');
    await row.waitFor();
    expect(await cellText(row, 3)).toBe('王五');
    expect(await cellText(row, 5)).toBe('福建省');
    expect(await cellText(row, 6)).toBe('福州市');
    expect(await cellText(row, 7)).toBe('市级');
    expect(await cellText(row, 9)).toBe('审核通过');

    const stored = await accountByPhone(provinceToken, 'subordinate', '15911110001');
    expect(stored).toMatchObject({ role: 'city', cityCode: '350100', auditStatus: 'approved', status: 'enabled', department: '信用处' });

    // The server's refusal lands on the form item it concerns.
    await page.getByRole('button', { name: '添加市级账号' }).click();
    await form.waitFor();
    await form.locator('input[name=phone]').fill('15911110001');
    await form.locator('input[name=realName]').fill('王五');
    await chooseOption(page, formItem(form, '所属区域').locator('.el-select'), '福州市');
    await form.locator('input[name=unit]').fill('福州市发展和改革委员会');
    await form.getByRole('button', { name: '立即提交' }).click();
    await formItem(form, '手机号码').locator('.el-form-item__error', { hasText: '该手机号码已注册账号' }).waitFor();
    await form.locator('.el-dialog__headerbtn').click();
    await form.waitFor({ state: 'hidden' });
  });

  it('a city user adds a peer with an authorization letter and bind code; it is 待审核 until the province approves it', async () => {
    const phone = '15911110002';
    const city = await signIn(cityDemo!.phone);
    await openList(city, '/accounts', '账号管理');
    await city.getByRole('button', { name: '添加账号' }).click();
    const form = dialog(city, '添加账号');
    await form.waitFor();
    await form.getByText('添加账号目前需要授权书，并进行审核').waitFor();
    expect(await form.getByRole('link', { name: '下载授权书' }).getAttribute('href')).toBe('/authorization-letter-template.html');

    // Checked in the browser before anything is uploaded.
    await form.locator('input[type=file]').setInputFiles({ name: '授权书.txt', mimeType: 'text/plain', buffer: Buffer.from('授权书') });
    await expectMessage(city, '文件格式须为 PDF、JPEG、PNG');
    await form.locator('input[type=file]').setInputFiles({ name: '授权书.pdf', mimeType: 'application/pdf', buffer: letterPdf() });
    await form.getByText('授权书.pdf').waitFor();
    await form.getByRole('link', { name: '预览' }).waitFor();

    await form.locator('input[name=phone]').fill(phone);
    await form.getByRole('button', { name: '获取验证码' }).click();
    await form.getByRole('button', { name: /秒后重新获取/ }).waitFor();
    const outbox = await client.request('GET', `/api/dev/sms-outbox?phone=${phone}`);
    const code = outbox.body.find((message: { purpose: string }) => message.purpose === 'bind')?.code as string;
    expect(code).toMatch(/^\d{6}$/);
    await form.locator('input[name=smsCode]').fill(`${code.slice(0, 5)}${(Number(code[5]) + 1) % 10}`);
    await form.locator('input[name=password]').fill('Peer#2026x');
    await form.locator('input[name=confirmPassword]').fill('Peer#2026x');
    await form.locator('input[name=realName]').fill('陈西');
    await formItem(form, '性别').locator('.el-radio', { hasText: '女' }).click();
    await form.locator('input[name=unit]').fill('厦门市发展和改革委员会');
    await form.locator('input[name=position]').fill('科员');
    await form.getByRole('button', { name: '立即提交' }).click();
    await formItem(form, '手机验证码').locator('.el-form-item__error', { hasText: '验证码错误或已过期' }).waitFor();
    await form.locator('input[name=smsCode]').fill(code);
    await city.screenshot({ path: join(SCREENSHOTS, 'management-add-peer.png') });
    await form.getByRole('button', { name: '立即提交' }).click();
    await expectMessage(city, '账号已提交，等待上级审核');

    const cityRow = tableRow(city, phone);
    await cityRow.waitFor();
    expect(await cellText(cityRow, 9)).toBe('待审核');
    // Only the level above audits: the city user gets no 审核 button on its peer.
    expect(await cityRow.getByRole('button', { name: '审核' }).count()).toBe(0);
    expect((await accountByPhone(cityToken, 'peer', phone)).auditStatus).toBe('pending');

    const province = await signIn(provinceDemo!.phone);
    await openList(province, '/subordinate-accounts', '市级账号管理');
    const provinceRow = tableRow(province, phone);
    await provinceRow.waitFor();
    expect(await cellText(provinceRow, 9)).toBe('待审核');
    await provinceRow.getByRole('button', { name: '审核' }).click();
    const audit = dialog(province, '账号审核');
    await audit.waitFor();
    const letterHref = await audit.getByRole('link', { name: '查看授权书' }).getAttribute('href');
    const letter = await fetch(letterHref!);
    expect(Buffer.from(await letter.arrayBuffer()).subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');

    await audit.getByRole('button', { name: '驳回' }).click();
    await audit.getByText('请填写驳回原因').waitFor();
    await audit.getByRole('button', { name: '通过' }).click();
    await expectMessage(province, '审核通过');
    await provinceRow.filter({ hasText: '审核通过' }).waitFor();
    expect(await provinceRow.getByRole('button', { name: '审核' }).count()).toBe(0);
    expect((await accountByPhone(provinceToken, 'subordinate', phone)).auditStatus).toBe('approved');
    await expect(loginWithPassword(client, phone, 'Peer#2026x')).resolves.toBeTruthy();
  });

  it('the status switch disables a city account after confirmation', async () => {
    const phone = '15911110003';
    const created = await client.request('POST', '/api/accounts', {
      token: provinceToken,
      body: { role: 'city', regionCode: '350300', phone, realName: '李四', gender: 'male', unit: '莆田市发展和改革委员会', status: 'enabled' },
    });
    expect(created.status).toBe(201);

    const page = await signIn(provinceDemo!.phone);
    await openList(page, '/subordinate-accounts', '市级账号管理');
    const row = tableRow(page, phone);
    await row.waitFor();
    const toggle = row.locator('.el-switch');
    expect(await toggle.getAttribute('class')).toContain('is-checked');

    // Someone else edits the account after the list was read: the stale write is refused and the list reloads.
    const edited = await client.request('PATCH', `/api/accounts/${created.body.id}`, {
      token: provinceToken,
      body: { version: created.body.version, remark: '他人修改' },
    });
    expect(edited.status).toBe(200);
    await toggle.click();
    await confirmBox(page, '禁用确认');
    await expectMessage(page, '记录已被他人修改，请刷新后重试');
    expect((await accountByPhone(provinceToken, 'subordinate', phone)).status).toBe('enabled');
    await page.locator('.el-message', { hasText: '记录已被他人修改' }).first().waitFor({ state: 'detached', timeout: 10_000 });

    await toggle.click();
    await confirmBox(page, '禁用确认');
    await expectMessage(page, '已禁用');
    await row.locator('.el-switch:not(.is-checked)').waitFor();
    expect((await accountByPhone(provinceToken, 'subordinate', phone)).status).toBe('disabled');
  });

  it('批量删除 deletes the selected accounts and names each one that failed', async () => {
    const ids: number[] = [];
    for (const [phone, regionCode] of [['15911110004', '350400'], ['15911110005', '350500']] as const) {
      const created = await client.request('POST', '/api/accounts', {
        token: provinceToken,
        body: { role: 'city', regionCode, phone, realName: '批量删除', gender: 'female', unit: '发展和改革委员会', status: 'enabled' },
      });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const page = await signIn(provinceDemo!.phone);
    await openList(page, '/subordinate-accounts', '市级账号管理');
    await page.locator('input[name=name]').fill('批量删除');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('共 2 条').waitFor();
    for (const phone of ['15911110004', '15911110005']) await tableRow(page, phone).locator('.el-checkbox').click();
    // One of them goes away before the batch runs.
    expect((await client.request('DELETE', `/api/accounts/${ids[0]}`, { token: provinceToken })).status).toBe(204);

    await page.getByRole('button', { name: '批量删除' }).click();
    await confirmBox(page, '批量删除确认');
    const result = page.locator('.el-message-box').filter({ hasText: '批量删除结果' });
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toContain('已删除 1 个，1 个删除失败');
    expect(text).toContain(`ID ${ids[0]}`);
    expect(text).toContain('账号不存在');
    await result.getByRole('button', { name: '知道了' }).click();
    await page.getByText('暂无账号').waitFor();
    expect((await client.request('GET', `/api/accounts/${ids[1]}`, { token: provinceToken })).status).toBe(404);
  });

  it('one cannot disable, delete or select one own account', async () => {
    const page = await signIn(cityDemo!.phone);
    await openList(page, '/accounts', '账号管理');
    const own = tableRow(page, cityDemo!.phone);
    await own.waitFor();
    expect(await own.locator('.el-switch').getAttribute('class')).toContain('is-disabled');
    expect(await own.getByRole('button', { name: '删除' }).count()).toBe(0);
    expect(await own.getByRole('button', { name: '编辑' }).count()).toBe(1);
    expect(await own.locator('.el-checkbox').getAttribute('class')).toContain('is-disabled');
  });

  it('a city user adds an institution with a logo and a specialist, and deletes it only once the specialist is gone', async () => {
    const page = await signIn(cityDemo!.phone);
    await openList(page, '/institutions', '机构管理');
    const headers = await page.locator('.el-table__header th').allInnerTexts();
    expect(headers.map((text) => text.trim()).filter(Boolean)).toEqual([
      'ID', '机构名称', '机构类型', '所属省份', '所属城市', '机构层级', '排序', '状态', '操作',
    ]);

    await page.getByRole('button', { name: '添加金融机构' }).click();
    const form = dialog(page, '添加金融机构');
    await form.waitFor();
    const types = await formItem(form, '机构类型').locator('.el-radio').allInnerTexts();
    expect(types.map((text) => text.trim())).toHaveLength(11);
    await formItem(form, '机构类型').locator('.el-radio', { hasText: /^银行$/ }).click();
    await form.locator('input[name=parentName]').fill('厦门国际银行');
    await form.locator('input[name=fullName]').fill('厦门国际银行思明支行');
    await form.locator('input[name=shortName]').fill('国际银行思明支行');
    await form.locator('input[type=file]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logoPng() });
    await form.locator('.file-upload-field__preview img').waitFor();
    await chooseOption(page, formItem(form, '所在区域').locator('.el-select'), '思明区');
    expect(await form.locator('input[name=address]').getAttribute('placeholder')).toBe('请输入详细地址：如道路、门牌号等');
    await form.locator('input[name=address]').fill('鹭江道 8 号');
    await form.getByRole('button', { name: '立即提交' }).click();
    await expectMessage(page, '金融机构添加成功');

    const row = tableRow(page, '厦门国际银行思明支行');
    await row.waitFor();
    await row.locator('img').waitFor();
    expect(await cellText(row, 2)).toBe('银行');
    expect(await cellText(row, 3)).toBe('福建省');
    expect(await cellText(row, 4)).toBe('厦门市');
    expect(await cellText(row, 5)).toBe('入驻机构');
    expect(await cellText(row, 6)).toBe('0');
    const institutionId = Number(await cellText(row, 0));

    await row.getByRole('button', { name: '编辑机构' }).click();
    const editForm = dialog(page, '编辑金融机构');
    await editForm.waitFor();
    expect(await editForm.locator('input[name=fullName]').inputValue()).toBe('厦门国际银行思明支行');
    await editForm.locator('.file-upload-field__preview img').waitFor();
    await editForm.locator('input[name=sortOrder]').fill('5');
    await editForm.getByRole('button', { name: '立即提交' }).click();
    await expectMessage(page, '保存成功');
    await row.locator('td').nth(6).filter({ hasText: /^5$/ }).waitFor();

    await row.locator('.el-switch').click();
    await expectMessage(page, '已禁用');
    await row.locator('.el-switch:not(.is-checked)').waitFor();
    await row.locator('.el-switch').click();
    await row.locator('.el-switch.is-checked').waitFor();
    const stored = await client.request('GET', `/api/institutions/${institutionId}`, { token: cityToken });
    expect(stored.body).toMatchObject({
      type: 'bank', districtCode: '350203', address: '鹭江道 8 号', parentName: '厦门国际银行', sortOrder: 5, status: 'enabled',
    });

    await row.getByRole('button', { name: '专管员' }).click();
    const drawer = page.locator('.el-drawer').filter({ hasText: '国际银行思明支行—专管员' });
    await drawer.waitFor();
    await drawer.getByRole('button', { name: '添加专管员' }).click();
    const specialistForm = dialog(page, '添加专管员');
    await specialistForm.waitFor();
    await specialistForm.locator('input[name=phone]').fill('18859663914');
    await specialistForm.locator('input[name=realName]').fill('王慧');
    await formItem(specialistForm, '性别').locator('.el-radio', { hasText: '女' }).click();
    await specialistForm.locator('input[name=position]').fill('专管员');
    await specialistForm.getByRole('button', { name: '立即提交' }).click();
    await expectMessage(page, '专管员添加成功');
    await tableRow(drawer, '18859663914').waitFor();

    await drawer.locator('input[name=keyword]').fill('596639');
    await drawer.getByRole('button', { name: '查询' }).click();
    await drawer.getByText('共 1 条').waitFor();
    const specialistRow = tableRow(drawer, '18859663914');
    expect(await cellText(specialistRow, 2)).toBe('王慧');
    expect(await cellText(specialistRow, 4)).toBe('女');
    await drawer.locator('input[name=keyword]').fill('000000');
    await drawer.getByRole('button', { name: '查询' }).click();
    await drawer.getByText('暂无专管员').waitFor();
    await drawer.locator('input[name=keyword]').fill('');
    await drawer.getByRole('button', { name: '查询' }).click();
    await specialistRow.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'management-specialists.png') });
    await drawer.locator('.el-drawer__close-btn').click();
    await drawer.waitFor({ state: 'hidden' });

    await row.getByRole('button', { name: '删除' }).click();
    await confirmBox(page, '删除确认');
    await expectMessage(page, '该机构下还有 1 名专管员，请先删除专管员');
    expect((await client.request('GET', `/api/institutions/${institutionId}`, { token: cityToken })).status).toBe(200);

    await row.getByRole('button', { name: '专管员' }).click();
    await drawer.waitFor();
    await tableRow(drawer, '18859663914').getByRole('button', { name: '删除' }).click();
    await confirmBox(page, '删除确认');
    await expectMessage(page, '删除成功');
    await drawer.getByText('暂无专管员').waitFor();
    await drawer.locator('.el-drawer__close-btn').click();
    await drawer.waitFor({ state: 'hidden' });
    await page.screenshot({ path: join(SCREENSHOTS, 'management-institutions.png') });

    await row.getByRole('button', { name: '删除' }).click();
    await confirmBox(page, '删除确认');
    await row.waitFor({ state: 'detached' });
    expect((await client.request('GET', `/api/institutions/${institutionId}`, { token: cityToken })).status).toBe(404);
  });

  it('the pages raised no uncaught errors along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
