/**
 * Logos for the demo institutions: one small SVG per institution type (a coloured tile with the type's
 * first character), so the console shows real images. Institutions created by the demo loaders refer
 * to these keys; {@link uploadDemoLogos} puts the objects into the uploads bucket (local stack only).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { config } from '#shared/config';
import { INSTITUTION_TYPES, type InstitutionTypeCode } from '#shared/reference/institution-types';
import { s3Client } from '#shared/storage/s3';

const COLOURS: Record<InstitutionTypeCode, string> = {
  bank: '#c7000b',
  guarantee: '#1f6fb2',
  insurance: '#0f8a5f',
  microloan: '#d9822b',
  'financial-leasing': '#6b4fbb',
  factoring: '#00838f',
  'venture-capital': '#ad1457',
  other: '#546e7a',
  'consumer-finance': '#ef6c00',
  'asset-management': '#2e7d32',
  trust: '#283593',
};

/** The object key of a type's demo logo (outside every account's upload prefix: no account owns it). */
export function demoLogoKey(type: InstitutionTypeCode): string {
  return `demo/institution-logo/${type}.svg`;
}

function logoSvg(type: InstitutionTypeCode): string {
  const name = INSTITUTION_TYPES.find((entry) => entry.code === type)!.name;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">
<rect width="96" height="96" rx="18" fill="${COLOURS[type]}"/>
<text x="48" y="62" font-size="44" text-anchor="middle" fill="#fff" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif">${name[0]}</text>
</svg>
`;
}

/** Puts the 11 demo logos into the uploads bucket (idempotent: same content every time). */
export async function uploadDemoLogos(): Promise<void> {
  const bucket = config().uploadsBucket;
  await Promise.all(
    INSTITUTION_TYPES.map(({ code }) =>
      s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: demoLogoKey(code), Body: logoSvg(code), ContentType: 'image/svg+xml' })),
    ),
  );
}
