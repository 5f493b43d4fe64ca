/**
 * Logos for the demo institutions: one small PNG per institution type (a coloured tile with a white
 * ring), so the console shows real images. Institutions created by the demo loaders refer to these
 * keys; {@link uploadDemoLogos} puts the objects into the uploads bucket (local stack only). Raster
 * images only, like every logo the console accepts.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { config } from '#shared/config';
import { Canvas } from '#shared/images/png';
import { INSTITUTION_TYPES, type InstitutionTypeCode } from '#shared/reference/institution-types';
import { s3Client } from '#shared/storage/s3-client';

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

/** A 96×96 PNG: a rounded tile of the type's colour with a white ring. */
export function logoPng(type: InstitutionTypeCode, size = 96): Buffer {
  const [r, g, b] = COLOURS[type];
  const canvas = new Canvas(size, size);
  const radius = size * 0.19;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const cx = Math.min(Math.max(x + 0.5, radius), size - radius);
      const cy = Math.min(Math.max(y + 0.5, radius), size - radius);
      if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) > radius) continue; // transparent corner
      const d = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2);
      canvas.set(x, y, d >= size * 0.22 && d <= size * 0.3 ? [255, 255, 255, 255] : [r, g, b, 255]);
    }
  }
  return canvas.toPng();
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
