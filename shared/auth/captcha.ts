/**
 * The sign-in check (图形验证码, docs/security.md, "Sign-in limits"): a server-issued challenge of
 * four characters drawn as a PNG (strokes, not text an automaton could read off), asked for only
 * once a phone or an address has made more sign-in requests than a person would. The characters
 * leave out the ones people confuse (0/O, 1/I/L, B/8, S/5, G/6, D, Q, Z/2 …), the answer is not
 * case-sensitive, a challenge lives 5 minutes and is used up by its first answer, right or wrong.
 */
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#shared/db/client';
import { isConditionFailure } from '#shared/db/versioned-update';
import { Canvas } from '#shared/images/png';
import { BadRequestError } from '#shared/http/errors';
import { epochSeconds } from '#shared/time';
import { sessionKeyById, sessionKeys, type SessionKey } from './secret';

export const CAPTCHA_LIFETIME_MS = 5 * 60 * 1000;
const LENGTH = 4;
const WIDTH = 132;
const HEIGHT = 44;

type Point = [number, number];
/** Each character as strokes on a 4 × 6 grid (y downwards). */
const GLYPHS: Record<string, Point[][]> = {
  '2': [[[0, 1], [1, 0], [3, 0], [4, 1], [4, 2], [0, 6], [4, 6]]],
  '3': [[[0, 0], [4, 0], [2, 2.5], [3.5, 3], [4, 4], [4, 5], [3, 6], [1, 6], [0, 5]]],
  '4': [[[3, 6], [3, 0], [0, 4], [4, 4]]],
  '5': [[[4, 0], [0, 0], [0, 2.5], [3, 2.5], [4, 3.5], [4, 5], [3, 6], [0, 6]]],
  '6': [[[3.5, 0], [1, 0], [0, 1.5], [0, 5], [1, 6], [3, 6], [4, 5], [4, 3.5], [3, 2.7], [0, 2.7]]],
  '7': [[[0, 0], [4, 0], [1.5, 6]]],
  '8': [[[2, 3], [0.3, 2], [0.3, 0.8], [1.2, 0], [2.8, 0], [3.7, 0.8], [3.7, 2], [2, 3], [0, 4.2], [0, 5.2], [1, 6], [3, 6], [4, 5.2], [4, 4.2], [2, 3]]],
  A: [[[0, 6], [2, 0], [4, 6]], [[0.8, 4], [3.2, 4]]],
  C: [[[4, 1], [3, 0], [1, 0], [0, 1], [0, 5], [1, 6], [3, 6], [4, 5]]],
  E: [[[4, 0], [0, 0], [0, 6], [4, 6]], [[0, 3], [3, 3]]],
  F: [[[4, 0], [0, 0], [0, 6]], [[0, 3], [3, 3]]],
  H: [[[0, 0], [0, 6]], [[4, 0], [4, 6]], [[0, 3], [4, 3]]],
  K: [[[0, 0], [0, 6]], [[4, 0], [0, 3.5]], [[1.4, 2.6], [4, 6]]],
  M: [[[0, 6], [0, 0], [2, 3], [4, 0], [4, 6]]],
  N: [[[0, 6], [0, 0], [4, 6], [4, 0]]],
  P: [[[0, 6], [0, 0], [3, 0], [4, 1], [4, 2], [3, 3], [0, 3]]],
  R: [[[0, 6], [0, 0], [3, 0], [4, 1], [4, 2], [3, 3], [0, 3]], [[2, 3], [4, 6]]],
  T: [[[0, 0], [4, 0]], [[2, 0], [2, 6]]],
  U: [[[0, 0], [0, 5], [1, 6], [3, 6], [4, 5], [4, 0]]],
  V: [[[0, 0], [2, 6], [4, 0]]],
  W: [[[0, 0], [1, 6], [2, 2], [3, 6], [4, 0]]],
  X: [[[0, 0], [4, 6]], [[4, 0], [0, 6]]],
  Y: [[[0, 0], [2, 3], [4, 0]], [[2, 3], [2, 6]]],
};
export const CAPTCHA_ALPHABET = Object.keys(GLYPHS).join('');

/** Draws `text` with per-character rotation, scale and offset, crossed by noise lines and dots. */
export function drawCaptcha(text: string, random: (max: number) => number = randomInt): Buffer {
  const canvas = new Canvas(WIDTH, HEIGHT);
  canvas.fill([246, 248, 251, 255]);
  const jitter = (spread: number) => (random(2001) / 1000 - 1) * spread;
  for (let i = 0; i < 90; i += 1) canvas.set(random(WIDTH), random(HEIGHT), [150 + random(80), 150 + random(80), 150 + random(80), 255]);
  for (let i = 0; i < 3; i += 1) {
    canvas.line(random(WIDTH), random(HEIGHT), random(WIDTH), random(HEIGHT), 1.2, [120 + random(80), 120 + random(80), 160 + random(60), 255]);
  }
  [...text].forEach((char, index) => {
    const colour: [number, number, number, number] = [20 + random(90), 40 + random(80), 80 + random(90), 255];
    const angle = jitter(0.35);
    const scale = 4.2 + jitter(0.5);
    const originX = 12 + index * 29 + jitter(3);
    const originY = 6 + jitter(3);
    const place = ([x, y]: Point): Point => {
      const px = (x - 2) * scale;
      const py = (y - 3) * scale;
      return [originX + 2 * scale + px * Math.cos(angle) - py * Math.sin(angle), originY + 3 * scale + px * Math.sin(angle) + py * Math.cos(angle)];
    };
    for (const stroke of GLYPHS[char]!) {
      for (let p = 1; p < stroke.length; p += 1) {
        const [x0, y0] = place(stroke[p - 1]!);
        const [x1, y1] = place(stroke[p]!);
        canvas.line(x0, y0, x1, y1, 2.6, colour);
      }
    }
  });
  canvas.line(random(WIDTH / 3), random(HEIGHT), WIDTH - random(WIDTH / 3), random(HEIGHT), 1.6, [90 + random(60), 90 + random(60), 120 + random(60), 255]);
  return canvas.toPng();
}

function randomCaptchaText(): string {
  return Array.from({ length: LENGTH }, () => CAPTCHA_ALPHABET[randomInt(CAPTCHA_ALPHABET.length)]).join('');
}

const normalized = (answer: string) => answer.replace(/\s+/g, '').toUpperCase();
const answerHash = (key: SessionKey, id: string, answer: string) =>
  createHmac('sha256', key.secret).update(`captcha:${id}:${normalized(answer)}`).digest('base64');
const captchaKey = (id: string) => ({ pk: `CAPTCHA#${id}`, sk: 'CAPTCHA' });

export interface IssuedCaptcha {
  captchaId: string;
  /** The challenge as a `data:image/png;base64,…` URL. */
  image: string;
  expiresAt: string;
}

/** A new challenge; only a hash of its answer is stored. `text` fixes the answer (tests only). */
export async function issueCaptcha(now: Date = new Date(), text: string = randomCaptchaText()): Promise<IssuedCaptcha> {
  const captchaId = randomUUID();
  const { current } = await sessionKeys(now);
  const expiresAt = new Date(now.getTime() + CAPTCHA_LIFETIME_MS);
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...captchaKey(captchaId), entity: 'captcha', answerHash: answerHash(current, captchaId, text), keyId: current.id, expiresAt: expiresAt.toISOString(), ttl: epochSeconds(expiresAt) + 3600 },
    }),
  );
  return { captchaId, image: `data:image/png;base64,${drawCaptcha(text).toString('base64')}`, expiresAt: expiresAt.toISOString() };
}

/** True when `answer` solves the challenge; the challenge is used up either way. */
export async function verifyCaptcha(captchaId: string, answer: string, now: Date = new Date()): Promise<boolean> {
  let item: Record<string, unknown> | undefined;
  try {
    const result = await documentClient().send(
      new DeleteCommand({ TableName: tableName(), Key: captchaKey(captchaId), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }),
    );
    item = result.Attributes;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
  if (!item || Date.parse(String(item.expiresAt)) <= now.getTime()) return false;
  const key = await sessionKeyById(String(item.keyId ?? ''), now);
  if (!key) return false;
  const given = Buffer.from(answerHash(key, captchaId, answer));
  const stored = Buffer.from(String(item.answerHash));
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** 400 CAPTCHA_REQUIRED: this sign-in needs the human check first (`POST /auth/captcha`). */
export class CaptchaRequiredError extends BadRequestError {
  constructor() {
    super('CAPTCHA_REQUIRED', '请先完成图形验证码', [{ path: 'body.captchaAnswer', message: '请输入图形验证码' }]);
  }
}

/** 400 CAPTCHA_INVALID: the answer was wrong or the challenge expired; ask for a new one. */
export class CaptchaInvalidError extends BadRequestError {
  constructor() {
    super('CAPTCHA_INVALID', '图形验证码错误或已过期，请重新获取', [{ path: 'body.captchaAnswer', message: '图形验证码错误或已过期' }]);
  }
}

/** Demands a solved challenge: throws {@link CaptchaRequiredError} or {@link CaptchaInvalidError}. */
export async function requireCaptcha(input: { captchaId?: string; captchaAnswer?: string }, now: Date = new Date()): Promise<void> {
  if (!input.captchaId || !input.captchaAnswer) throw new CaptchaRequiredError();
  if (!(await verifyCaptcha(input.captchaId, input.captchaAnswer, now))) throw new CaptchaInvalidError();
}
