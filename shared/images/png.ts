/**
 * A minimal PNG encoder for images the project draws itself (the sign-in check's challenge, the demo
 * logos): 8-bit RGBA, no interlace, one IDAT chunk. Node's zlib does the compression.
 */
import { deflateSync } from 'node:zlib';

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

/** An RGBA canvas, row-major, 4 bytes a pixel, transparent at first. */
export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 4);
  }

  /** Paints one pixel (outside the canvas: ignored). */
  set(x: number, y: number, rgba: readonly [number, number, number, number]): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    this.pixels.set(rgba, (py * this.width + px) * 4);
  }

  /** Fills the whole canvas. */
  fill(rgba: readonly [number, number, number, number]): void {
    for (let i = 0; i < this.width * this.height; i += 1) this.pixels.set(rgba, i * 4);
  }

  /** A line of the given thickness (a dot stamped along the segment). */
  line(x0: number, y0: number, x1: number, y1: number, thickness: number, rgba: readonly [number, number, number, number]): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
    const r = thickness / 2;
    for (let i = 0; i <= steps; i += 1) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      for (let dy = -r; dy <= r; dy += 0.5) for (let dx = -r; dx <= r; dx += 0.5) if (dx * dx + dy * dy <= r * r) this.set(x + dx, y + dy, rgba);
    }
  }

  /** The canvas as a PNG file. */
  toPng(): Buffer {
    const rows: Buffer[] = [];
    for (let y = 0; y < this.height; y += 1) {
      const row = Buffer.alloc(1 + this.width * 4); // filter byte 0, then RGBA
      row.set(this.pixels.subarray(y * this.width * 4, (y + 1) * this.width * 4), 1);
      rows.push(row);
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 6, 0, 0, 0], 8);
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(Buffer.concat(rows))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}
