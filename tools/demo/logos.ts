/**
 * Logos for the demo institutions: one small PNG per institution type (a coloured tile with a white
 * ring), so the console shows real images. Institutions created by the demo loaders refer to these
 * keys; {@link uploadDemoLogos} puts the objects into the uploads bucket (local stack only). Raster
 * images only, like every logo the console accepts.
 */
import { deflateSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { config } from '#shared/config';
import { INSTITUTION_TYPES, type InstitutionTypeCode } from '#shared/reference/institution-types';
import { s3Client } from '#shared/storage/s3';

const COLOURS: Record<InstitutionTypeCode, [number, number, number]> = {
  bank: [0xc7, 0x00, 0x0b],
  guarantee: [0x1f, 0x6f, 0xb2],
  insurance: [0x0f, 0x8a, 0x5f],
  microloan: [0xd9, 0x82, 0x2b],
  'financial-leasing': [0x6b, 0x4f, 0xbb],
  factoring: [0x00, 0x83, 0x8f],
  'venture-capital': [0xad, 0x14, 0x57],
  other: [0x54, 0x6e, 0x7a],
  'consumer-finance': [0xef, 0x6c, 0x00],
  'asset-management': [0x2e, 0x7d, 0x32],
  trust: [0x28, 0x35, 0x93],
};

/** The object key of a type's demo logo (outside every account's upload prefix: no account owns it). */
export function demoLogoKey(type: InstitutionTypeCode): string {
  return `demo/institution-logo/${type}.png`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 96×96 RGBA PNG: a rounded tile of the type's colour with a white ring. */
export function logoPng(type: InstitutionTypeCode, size = 96): Buffer {
  const [r, g, b] = COLOURS[type];
  const radius = size * 0.19;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let x = 0; x < size; x += 1) {
      const cx = Math.min(Math.max(x + 0.5, radius), size - radius);
      const cy = Math.min(Math.max(y + 0.5, radius), size - radius);
      const inTile = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= radius;
      const d = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2);
      const inRing = d >= size * 0.22 && d <= size * 0.3;
      const offset = 1 + x * 4;
      if (!inTile) continue; // transparent corner
      row.set(inRing ? [255, 255, 255, 255] : [r, g, b, 255], offset);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Puts the 11 demo logos into the uploads bucket (idempotent: same content every time). */
export async function uploadDemoLogos(): Promise<void> {
  const bucket = config().uploadsBucket;
  await Promise.all(
    INSTITUTION_TYPES.map(({ code }) =>
      s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: demoLogoKey(code), Body: logoPng(code), ContentType: 'image/png' })),
    ),
  );
}
