// Decoding videos for vPDQ with Debian's ffmpeg, reproducing the RGB frames
// of Meta's `vpdq-hash-video` byte for byte (measured in
// shared/reference/vpdq/README.md): BT.601 matrix, colour range from the
// pixel format (yuvj* = full range), area scaling, no auto-rotation, one
// output frame per decoded frame. Only the sampled frames (n % frameMod == 0)
// cross the pipe.
//
// ffmpeg runs on untrusted input, so: the container must be on an allow-list
// (ffprobe's verdict, not the file name), duration and frame size are capped,
// and the process is killed when it runs out of time.
//
// A file held in memory (an upload) reaches ffmpeg as an unlinked file it
// inherits (unlinked-file.ts): MP4 needs seeking, so a pipe will not do.

import { spawn } from 'node:child_process';
import { type VpdqFrame, vpdqFrameMod, vpdqHashFrame } from '@disrupt/hashing';
import { runDecoder } from './decoder-process.ts';
import { type MediaFailure, type MediaResult, mediaFailure } from './media-error.ts';
import { type MediaInput, decoderSource } from './unlinked-file.ts';

export interface VideoLimits {
  readonly maxBytes: number;
  readonly maxDurationSeconds: number;
  /** Width × height of one frame. */
  readonly maxFramePixels: number;
  readonly timeoutSeconds: number;
}

export const DEFAULT_VIDEO_LIMITS: VideoLimits = {
  maxBytes: 4 * 1024 * 1024 * 1024,
  maxDurationSeconds: 4 * 3600,
  maxFramePixels: 8192 * 4320,
  timeoutSeconds: 15 * 60,
};

export interface VideoInfo {
  readonly width: number;
  readonly height: number;
  readonly pixelFormat: string;
  /** Frames per second: avg_frame_rate, else r_frame_rate (as the reference). */
  readonly fps: number;
  readonly durationSeconds: number | null;
  readonly container: string;
}

export interface VpdqOptions {
  readonly secondsPerHash?: number;
  readonly limits?: VideoLimits;
}

export interface VideoHash {
  readonly info: VideoInfo;
  readonly frames: readonly VpdqFrame[];
}

// ffprobe's format names for containers that carry video. Still-image
// "containers" (image2, *_pipe, gif, apng) are not on the list.
const VIDEO_CONTAINERS = new Set(['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'avi', 'flv', 'mpegts', 'mpeg', 'ogg', 'asf', 'm4v']);

interface ProbeOutput {
  streams?: { codec_type?: string; width?: number; height?: number; pix_fmt?: string; avg_frame_rate?: string; r_frame_rate?: string }[];
  format?: { format_name?: string; duration?: string };
}

function parseRate(rate: string | undefined): number {
  if (rate === undefined) return 0;
  const [num, den] = rate.split('/').map(Number);
  if (num === undefined || !Number.isFinite(num)) return 0;
  if (den === undefined) return num;
  return den > 0 && Number.isFinite(den) ? num / den : 0;
}

const FFMPEG_MISSING = 'videos need ffmpeg (Debian package ffmpeg)';

export async function probeVideo(input: MediaInput, limits: VideoLimits = DEFAULT_VIDEO_LIMITS, timeoutMs = limits.timeoutSeconds * 1000): Promise<MediaResult<VideoInfo>> {
  const { path, inherit } = decoderSource(input);
  const result = await runDecoder(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_type,width,height,pix_fmt,avg_frame_rate,r_frame_rate:format=format_name,duration', '-of', 'json', path],
    { timeoutMs, maxStdoutBytes: 1_000_000, inherit },
  );
  if (result === 'missing') return mediaFailure('decoder_unavailable', FFMPEG_MISSING);
  if (result.stopped === 'timeout') return mediaFailure('timeout');
  if (result.stopped === 'overflow') return mediaFailure('corrupt_file');
  if (result.code !== 0) return mediaFailure('unsupported_format');
  let probe: ProbeOutput;
  try {
    probe = JSON.parse(result.stdout.toString('utf8')) as ProbeOutput;
  } catch {
    return mediaFailure('corrupt_file');
  }
  const container = probe.format?.format_name ?? '';
  if (!container.split(',').some((name) => VIDEO_CONTAINERS.has(name))) return mediaFailure('unsupported_format');
  const stream = probe.streams?.find((s) => s.codec_type === 'video');
  if (!stream) return mediaFailure('no_video_stream');
  const width = stream.width ?? 0;
  const height = stream.height ?? 0;
  if (width <= 0 || height <= 0) return mediaFailure('corrupt_file');
  if (width * height > limits.maxFramePixels) return mediaFailure('too_many_pixels');
  const fps = parseRate(stream.avg_frame_rate) || parseRate(stream.r_frame_rate);
  if (!(fps > 0)) return mediaFailure('corrupt_file');
  const duration = Number(probe.format?.duration);
  const durationSeconds = Number.isFinite(duration) && duration > 0 ? duration : null;
  if (durationSeconds !== null && durationSeconds > limits.maxDurationSeconds) return mediaFailure('too_long');
  return { ok: true, value: { width, height, pixelFormat: stream.pix_fmt ?? '', fps, durationSeconds, container } };
}

/** The ffmpeg arguments that give the reference tool's RGB24 frames, sampled every `frameMod` frames. */
export function ffmpegFrameArgs(path: string, info: VideoInfo, frameMod: number): string[] {
  const range = info.pixelFormat.startsWith('yuvj') ? 'pc' : 'tv';
  const select = frameMod > 1 ? `select='not(mod(n\\,${frameMod}))',` : '';
  return [
    '-nostdin', '-v', 'error', '-noautorotate', '-i', path,
    '-map', '0:v:0', '-an', '-sn', '-dn', '-fps_mode', 'passthrough',
    '-vf', `${select}scale=flags=area:in_color_matrix=bt601:in_range=${range}`,
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
}

/** vPDQ of a video file: one frame hash per `secondsPerHash` (default 1). */
export async function hashVideo(input: MediaInput, options: VpdqOptions = {}): Promise<MediaResult<VideoHash>> {
  const limits = options.limits ?? DEFAULT_VIDEO_LIMITS;
  // One time limit for the whole file, probe and decoding together.
  const deadline = Date.now() + limits.timeoutSeconds * 1000;
  const probed = await probeVideo(input, limits);
  if (!probed.ok) return probed;
  const info = probed.value;
  const frameMod = vpdqFrameMod(info.fps, options.secondsPerHash);
  const maxFrame = Math.ceil(limits.maxDurationSeconds * info.fps);
  const frameBytes = info.width * info.height * 3;

  const { path, inherit } = decoderSource(input);
  const child = spawn('ffmpeg', ffmpegFrameArgs(path, info, frameMod), { stdio: ['ignore', 'pipe', 'pipe', ...inherit] });
  // At `-v error`, ffmpeg is silent on a sound file. Anything it says (a
  // partial file, broken NAL units) means the frames are not the whole
  // video: refuse it rather than store hashes of half a clip, as a truncated
  // JPEG is refused. What it said is never shown: it may quote the path.
  const decoder = { complained: false };
  child.stderr!.on('data', () => {
    decoder.complained = true;
  });
  // Set by whichever stops ffmpeg first: the timer or the duration cap.
  const stopped: { failure: MediaFailure | null } = { failure: null };
  const stop = (failure: MediaFailure) => {
    stopped.failure ??= failure;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(() => {
    stop(mediaFailure('timeout'));
  }, Math.max(0, deadline - Date.now()));
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => {
      resolve(-1);
    });
    child.on('close', (code) => {
      resolve(code);
    });
  });

  const frames: VpdqFrame[] = [];
  const frame = new Uint8Array(frameBytes);
  let filled = 0;
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length && stopped.failure === null) {
        const take = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === frameBytes) {
          filled = 0;
          const frameNumber = frames.length * frameMod;
          if (frameNumber > maxFrame) {
            stop(mediaFailure('too_long'));
            break;
          }
          frames.push(vpdqHashFrame({ width: info.width, height: info.height, channels: 3, data: frame }, frameNumber, info.fps));
        }
      }
      if (stopped.failure !== null) break;
    }
  } finally {
    clearTimeout(timer);
  }
  const code = await exited;
  if (stopped.failure !== null) return stopped.failure;
  if (code !== 0 || decoder.complained || frames.length === 0) return mediaFailure('corrupt_file');
  return { ok: true, value: { info, frames } };
}

/**
 * A still for a preview: the frame at one second, else the first, as PNG.
 * Each try has `timeoutMs`; a video with no frame to show is `corrupt_file`.
 */
export async function videoStill(input: MediaInput, timeoutMs = 30_000): Promise<MediaResult<Uint8Array>> {
  const { path, inherit } = decoderSource(input);
  for (const seek of ['1', '0']) {
    const result = await runDecoder('ffmpeg', ['-nostdin', '-v', 'error', '-ss', seek, '-i', path, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'], {
      timeoutMs,
      maxStdoutBytes: 64 * 1024 * 1024,
      inherit,
    });
    if (result === 'missing') return mediaFailure('decoder_unavailable', FFMPEG_MISSING);
    if (result.stopped === 'timeout') return mediaFailure('timeout');
    if (result.stopped === 'overflow') return mediaFailure('too_many_pixels');
    if (result.code !== 0) return mediaFailure('corrupt_file');
    if (result.stdout.length > 0) return { ok: true, value: result.stdout };
  }
  return mediaFailure('corrupt_file');
}
