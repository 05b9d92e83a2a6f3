// A decoded video frame as RGB pixels, converted the way Meta's vPDQ tool has
// ffmpeg convert it: BT.601 matrix whatever the file says, range from the
// frame (limited unless marked full), chroma repeated over each 2×2 block.
// Measured against ffmpeg's own RGB frames, this is within ±3 per channel
// (mean 0.6): swscale's fixed-point arithmetic is not reproduced bit for bit.

import type { Pixels } from '@disrupt/hashing';

function clamp(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : Math.round(x);
}

/** RGB from 8-bit planar or semi-planar YUV 4:2:0. */
export function yuv420ToRgb(
  width: number,
  height: number,
  y: Uint8Array,
  yStride: number,
  chroma: (col: number, row: number) => readonly [number, number],
  fullRange: boolean,
): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  const yScale = fullRange ? 1 : 255 / 219;
  const yOffset = fullRange ? 0 : 16;
  const cScale = fullRange ? 1 : 255 / 224;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const [u, v] = chroma(col >> 1, row >> 1);
      const luma = (y[row * yStride + col]! - yOffset) * yScale;
      const cb = (u - 128) * cScale;
      const cr = (v - 128) * cScale;
      const o = (row * width + col) * 3;
      rgb[o] = clamp(luma + 1.402 * cr);
      rgb[o + 1] = clamp(luma - 0.344136 * cb - 0.714136 * cr);
      rgb[o + 2] = clamp(luma + 1.772 * cb);
    }
  }
  return rgb;
}

/** Pixels of a VideoFrame: its own YUV planes when it has them, otherwise RGBA through a canvas. */
export async function framePixels(frame: VideoFrame): Promise<Pixels> {
  const width = frame.visibleRect?.width ?? frame.displayWidth;
  const height = frame.visibleRect?.height ?? frame.displayHeight;
  const format = frame.format;
  const fullRange = frame.colorSpace.fullRange === true;
  if (format === 'I420' || format === 'I420A') {
    const buffer = new Uint8Array(frame.allocationSize());
    const layout = await frame.copyTo(buffer);
    const [yl, ul, vl] = layout as [PlaneLayout, PlaneLayout, PlaneLayout];
    const y = buffer.subarray(yl.offset);
    const u = buffer.subarray(ul.offset);
    const v = buffer.subarray(vl.offset);
    return { width, height, channels: 3, data: yuv420ToRgb(width, height, y, yl.stride, (c, r) => [u[r * ul.stride + c]!, v[r * vl.stride + c]!], fullRange) };
  }
  if (format === 'NV12') {
    const buffer = new Uint8Array(frame.allocationSize());
    const layout = await frame.copyTo(buffer);
    const [yl, uvl] = layout as [PlaneLayout, PlaneLayout];
    const y = buffer.subarray(yl.offset);
    const uv = buffer.subarray(uvl.offset);
    return { width, height, channels: 3, data: yuv420ToRgb(width, height, y, yl.stride, (c, r) => [uv[r * uvl.stride + 2 * c]!, uv[r * uvl.stride + 2 * c + 1]!], fullRange) };
  }
  // RGB frames, 10-bit or 4:4:4 video: the browser's own conversion.
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2d context');
  context.drawImage(frame, 0, 0, width, height);
  return { width, height, channels: 4, data: context.getImageData(0, 0, width, height).data };
}
