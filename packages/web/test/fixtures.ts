// Files a victim might pick, made here: photos (smooth random blobs, so each
// has a distinct, high-quality PDQ hash) and short videos from ffmpeg.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';

export async function makePhotos(dir: string, count: number, options: { width?: number; height?: number; prefix?: string } = {}): Promise<string[]> {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `${options.prefix ?? 'photo'}-${String(i).padStart(3, '0')}.jpg`);
    await sharp({ create: { width: Math.max(8, width >> 5), height: Math.max(8, height >> 5), channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 70 } } })
      .resize(width, height, { kernel: 'cubic' })
      .jpeg({ quality: 85 })
      .toFile(path);
    paths.push(path);
  }
  return paths;
}

export function makeVideo(path: string, seconds = 3, size = '320x240'): string {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-t', String(seconds), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', path]);
  return path;
}
