// Minimal PNG decoder for screenshots taken in the e2e tests (Chromium writes 8-bit RGB or RGBA,
// non-interlaced): IHDR + concatenated IDAT, zlib inflate, the five scanline filters. Enough to read pixel
// colours; anything else (palette, 16-bit, interlace) is refused with an error.
import * as zlib from 'node:zlib';

export interface Image { width: number; height: number; rgba: Uint8Array }

export function decodePng(buf: Buffer): Image {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let off = 8;
  let width = 0, height = 0, colorType = 0, bitDepth = 0, interlace = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') { width = data.readUInt32BE(0); height = data.readUInt32BE(4); bitDepth = data[8] ?? 0; colorType = data[9] ?? 0; interlace = data[12] ?? 0; }
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) throw new Error(`unsupported PNG (depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`);
  const bpp = colorType === 6 ? 4 : 3;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)] ?? 0;
    const src = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] ?? 0 : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] ?? 0 : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp] ?? 0 : 0;
      const v = raw[src + x] ?? 0;
      let out: number;
      switch (f) {
        case 0: out = v; break;
        case 1: out = v + a; break;
        case 2: out = v + b; break;
        case 3: out = v + ((a + b) >> 1); break;
        case 4: { const p = a + b - c; const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); out = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c); break; }
        default: throw new Error(`bad PNG filter ${f}`);
      }
      px[y * stride + x] = out & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = px[i * bpp] ?? 0; rgba[i * 4 + 1] = px[i * bpp + 1] ?? 0; rgba[i * 4 + 2] = px[i * bpp + 2] ?? 0;
    rgba[i * 4 + 3] = bpp === 4 ? px[i * bpp + 3] ?? 255 : 255;
  }
  return { width, height, rgba };
}

export function pixel(img: Image, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 4;
  return [img.rgba[i] ?? 0, img.rgba[i + 1] ?? 0, img.rgba[i + 2] ?? 0];
}
