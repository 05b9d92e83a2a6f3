// Video frames for vPDQ, through a <video> element: the page finds the frame
// rate, seeks to every sampled frame (frame n for n % frameMod == 0, as Meta's
// vPDQ samples) and hands each decoded frame to the pool as a VideoFrame.

import { vpdqFrameMod } from '@disrupt/hashing';
import { MAX_VIDEO_SECONDS } from './protocol.ts';

const COMMON_RATES = [23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60, 120];

function once(target: EventTarget, ok: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      target.removeEventListener(ok, onOk);
      target.removeEventListener('error', onError);
      resolve(value);
    };
    const onOk = () => {
      done(true);
    };
    const onError = () => {
      done(false);
    };
    const timer = setTimeout(() => {
      done(false);
    }, timeoutMs);
    target.addEventListener(ok, onOk);
    target.addEventListener('error', onError);
  });
}

const PRESENT_WAIT_MS = 2_000;

/** Resolves when the video presents its next frame, or after `timeoutMs`. */
function framePresented(video: HTMLVideoElement, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    video.requestVideoFrameCallback(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The frame rate, from the media times of frames presented one after another while the muted video plays for a moment. */
async function measureFps(video: HTMLVideoElement): Promise<number | null> {
  const deltas: number[] = [];
  let last: { time: number; presented: number } | null = null;
  const finished = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3000);
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
      if (last !== null && meta.presentedFrames === last.presented + 1 && meta.mediaTime > last.time) deltas.push(meta.mediaTime - last.time);
      last = { time: meta.mediaTime, presented: meta.presentedFrames };
      if (deltas.length >= 8 || video.ended) {
        clearTimeout(timer);
        resolve();
      } else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
  try {
    await video.play();
  } catch {
    return null;
  }
  await finished;
  video.pause();
  if (deltas.length === 0) return null;
  deltas.sort((a, b) => a - b);
  const fps = 1 / deltas[Math.floor(deltas.length / 2)]!;
  const common = COMMON_RATES.find((rate) => Math.abs(rate - fps) / rate < 0.01);
  return common ?? Math.round(fps * 1000) / 1000;
}

export interface VideoFrameSource {
  readonly fps: number;
  readonly duration: number;
  /** The sampled frame numbers, in order. */
  readonly frameNumbers: readonly number[];
  /** Seeks to frame n and returns it decoded (the caller transfers or closes it). */
  frameAt(n: number): Promise<VideoFrame | null>;
  close(): void;
}

export type OpenVideo = { readonly ok: true; readonly source: VideoFrameSource } | { readonly ok: false; readonly reason: 'video_unreadable' | 'too_long' };

export async function openVideo(file: Blob): Promise<OpenVideo> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  video.src = url;
  const close = () => {
    video.pause();
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  };
  if (!(await once(video, 'loadeddata', 30_000)) || video.videoWidth === 0) {
    close();
    return { ok: false, reason: 'video_unreadable' };
  }
  const duration = video.duration;
  if (!Number.isFinite(duration) || duration <= 0) {
    close();
    return { ok: false, reason: 'video_unreadable' };
  }
  if (duration > MAX_VIDEO_SECONDS) {
    close();
    return { ok: false, reason: 'too_long' };
  }
  const fps = (await measureFps(video)) ?? 30;
  const frameMod = vpdqFrameMod(fps);
  // Frames whose start lies inside the video: n / fps < duration.
  const lastFrame = Math.max(0, Math.ceil(duration * fps - 1e-6) - 1);
  const frameNumbers: number[] = [];
  for (let n = 0; n <= lastFrame; n += frameMod) frameNumbers.push(n);

  return {
    ok: true,
    source: {
      fps,
      duration,
      frameNumbers,
      async frameAt(n) {
        // The middle of the frame's display interval: clear of rounding at its edges.
        const target = Math.min((n + 0.5) / fps, duration);
        if (Math.abs(video.currentTime - target) > 1e-9 || n === 0) {
          // `seeked` can come before the frame is on screen (a busy machine),
          // and a frame taken then is the previous one: wait for it to be
          // presented too (bounded, should the browser not say).
          const presented = framePresented(video, PRESENT_WAIT_MS);
          video.currentTime = target;
          if (!(await once(video, 'seeked', 30_000))) return null;
          await presented;
        }
        try {
          return new VideoFrame(video);
        } catch {
          return null;
        }
      },
      close,
    },
  };
}
