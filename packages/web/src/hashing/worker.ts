// A hashing worker: photos (decode → PDQ, MD5, thumbnail), MD5 of whole
// files, and vPDQ frames. Runs @disrupt/hashing, the same code as the server.
//
// Photos are decoded with the reference's pixel policy: EXIF orientation
// ignored (imageOrientation 'none'), no colour-profile conversion
// (colorSpaceConversion 'none'), and the alpha channel not composited onto
// anything: PDQ reads R, G and B only.

import { createMd5, type Md5Hash, pdq, vpdqHashFrame } from '@disrupt/hashing';
import { jpegWithoutOrientation } from './exif.ts';
import { framePixels } from './frame-pixels.ts';
import { type FrameFingerprint, type HashFailure, type HashTask, MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, type PhotoFingerprint, type TaskResult, type WorkerRequest, type WorkerResponse } from './protocol.ts';

const THUMBNAIL_SIZE = 96;
const CHUNK = 4 * 1024 * 1024;

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse): void;
}
const scope = self as unknown as WorkerScope;

class HashError extends Error {
  constructor(readonly reason: HashFailure) {
    super(reason);
  }
}

async function md5Of(file: Blob): Promise<Md5Hash> {
  const md5 = createMd5();
  // Slices rather than one read: a video may be gigabytes.
  for (let offset = 0; offset < file.size; offset += CHUNK) {
    md5.update(new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer()));
  }
  return md5.digestHex() as Md5Hash;
}

async function thumbnailOf(source: CanvasImageSource, width: number, height: number): Promise<Blob | null> {
  try {
    const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(width, height));
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
    const context = canvas.getContext('2d');
    if (!context) return null;
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.7 });
  } catch {
    return null;
  }
}

async function hashPhoto(file: Blob): Promise<PhotoFingerprint> {
  if (file.size > MAX_PHOTO_BYTES) throw new HashError('too_large');
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([jpegWithoutOrientation(bytes)]), { imageOrientation: 'none', colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new HashError('undecodable');
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PHOTO_PIXELS) throw new HashError('too_many_pixels');
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
    if (!context) throw new HashError('internal');
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, width, height).data;
    const { hash, quality } = pdq({ width, height, channels: 4, data: pixels }, { pipeline: 'reference' });
    const md5 = createMd5();
    md5.update(bytes);
    const thumbnail = await thumbnailOf(bitmap, width, height);
    return { pdq: hash, quality, md5: md5.digestHex() as Md5Hash, width, height, thumbnail };
  } finally {
    bitmap.close();
  }
}

async function hashFrame(frame: VideoFrame, frameNumber: number, fps: number, thumbnail: boolean): Promise<FrameFingerprint> {
  try {
    const pixels = await framePixels(frame);
    const hashed = vpdqHashFrame(pixels, frameNumber, fps);
    const preview = thumbnail ? await thumbnailOf(frame, pixels.width, pixels.height) : null;
    return { frame: hashed.frame, quality: hashed.quality, pdq: hashed.pdq, timestamp: hashed.timestamp, thumbnail: preview };
  } finally {
    frame.close();
  }
}

async function run(task: HashTask): Promise<TaskResult> {
  switch (task.type) {
    case 'photo':
      return { type: 'photo', value: await hashPhoto(task.file) };
    case 'md5':
      return { type: 'md5', value: await md5Of(task.file) };
    case 'frame':
      return { type: 'frame', value: await hashFrame(task.frame, task.frameNumber, task.fps, task.thumbnail) };
  }
}

scope.onmessage = (event) => {
  const { id, task } = event.data;
  run(task).then(
    (result) => {
      scope.postMessage({ id, ok: true, result });
    },
    (error: unknown) => {
      scope.postMessage({ id, ok: false, reason: error instanceof HashError ? error.reason : 'internal' });
    },
  );
};
