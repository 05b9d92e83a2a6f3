// Killing the server (SIGKILL, no clean-up code runs) while a decoder is
// reading a victim's file leaves no copy of that file anywhere we can find it:
// not in /dev/shm, not in the temporary folder, not in the data folder. And
// the decoder does not outlive the server for long.
//
// The oracle shares nothing with the code it judges: it walks the folders and
// reads every file written since the test began, looking for pieces of the
// uploaded bytes (or, for a photo, a PNG of its exact size).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/reference.ts';

const startedAt = Date.now();
const fixtures = mkdtempSync(join(tmpdir(), 'disrupt-plaintext-fixtures-'));
const dataDir = mkdtempSync(join(tmpdir(), 'disrupt-plaintext-data-'));
const children: ChildProcess[] = [];
const leftovers: string[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  // Whatever the test found is plaintext, and the folders the decoders were
  // pointed into are ours alone (a folder of a folder we scan, named on their
  // command line): none of it stays behind.
  for (const path of leftovers) rmSync(path, { recursive: true, force: true });
  rmSync(fixtures, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'packages/cli/bin/disrupt.js'), 'serve', '--port', '0', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info' },
  });
  children.push(child);
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('server did not start'));
    }, 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; address?: string };
      if (entry.msg === 'disrupt listening' && entry.address) {
        clearTimeout(timer);
        resolve(entry.address);
      }
    });
    child.once('exit', () => {
      reject(new Error('server exited'));
    });
  });
  return { child, base };
}

async function openCase(base: string): Promise<string> {
  const response = await fetch(`${base}/api/victim/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `plaintext-${randomBytes(8).toString('hex')}` },
    body: JSON.stringify({ situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' }),
  });
  return ((await response.json()) as { token: string }).token;
}

interface ProcessInfo {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
}

function processInfo(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const [state, ppid] = stat.slice(close + 2).split(' ');
    return { pid, comm: stat.slice(stat.indexOf('(') + 1, close), state: state!, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

/** Folders, inside the folders we scan, that a decoder's arguments point into. */
async function foldersNamedBy(pid: number): Promise<string[]> {
  const roots = ['/dev/shm', tmpdir()];
  // Its name changes a moment before its arguments appear, in the middle of exec.
  for (let attempt = 0; attempt < 100; attempt++) {
    let args: string;
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return []; // it has finished already
    }
    if (args !== '') return args.split('\0').map((arg) => dirname(arg)).filter((folder) => roots.some((root) => folder.startsWith(`${root}/`)));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return [];
}

/** The first child process of `parent` named `comm`, once it runs. */
async function waitForChild(parent: number, comm: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const info = processInfo(Number(entry));
      if (info?.ppid === parent && info.comm === comm) return info.pid;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${comm} never ran`);
}

/** Milliseconds until `pid` is gone (a zombie holds no file any more). */
async function waitForExit(pid: number, limitMs: number): Promise<number> {
  const begin = Date.now();
  while (Date.now() - begin < limitMs) {
    const info = processInfo(pid);
    if (info === null || info.state === 'Z') return Date.now() - begin;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Infinity;
}

interface Plaintext {
  /** Pieces of the uploaded file: any file holding one holds (part of) it. */
  readonly pieces: readonly Buffer[];
  /** The decoded photo's size: a PNG this size is its pixels. */
  readonly png?: { readonly width: number; readonly height: number };
}

function piecesOf(bytes: Buffer, extra: readonly Buffer[] = []): Buffer[] {
  const at = (fraction: number) => bytes.subarray(Math.floor(bytes.length * fraction), Math.floor(bytes.length * fraction) + 64);
  return [at(0.25), at(0.5), at(0.75), ...extra];
}

function filesWrittenSince(root: string, since: number, skip: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // not ours to read
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (path === skip) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        try {
          if (lstatSync(path).mtimeMs >= since - 1000) found.push(path);
        } catch {
          // gone meanwhile
        }
      }
    }
  };
  walk(root);
  return found;
}

/** Files under /dev/shm, the temporary folder and the data folder that hold the plaintext. */
function plaintextLeft(plaintext: Plaintext): string[] {
  const roots = [...new Set(['/dev/shm', tmpdir(), dataDir])];
  const hits: string[] = [];
  for (const root of roots) {
    for (const path of filesWrittenSince(root, startedAt, fixtures)) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch {
        continue;
      }
      const piece = plaintext.pieces.some((p) => bytes.includes(p));
      const png =
        plaintext.png !== undefined &&
        bytes.length > 24 &&
        bytes.subarray(12, 16).toString('latin1') === 'IHDR' &&
        bytes.readUInt32BE(16) === plaintext.png.width &&
        bytes.readUInt32BE(20) === plaintext.png.height;
      if (piece || png) hits.push(path);
    }
  }
  return [...new Set(hits)];
}

/** Uploads `bytes`, SIGKILLs the server while `decoder` runs, and reports what stayed behind. */
async function killDuringDecode(bytes: Buffer, decoder: string, plaintext: Plaintext): Promise<{ left: string[]; decoderExitMs: number }> {
  const { child, base } = await start();
  const token = await openCase(base);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), 'upload');
  const upload = fetch(`${base}/api/victim/case/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }).catch(() => null);
  const decoderPid = await waitForChild(child.pid!, decoder);
  leftovers.push(...(await foldersNamedBy(decoderPid)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  await upload;
  const decoderExitMs = await waitForExit(decoderPid, 15_000);
  const left = plaintextLeft(plaintext);
  leftovers.push(...left);
  return { left, decoderExitMs };
}

describe('SIGKILL while a decoder reads an upload', () => {
  it('leaves no copy of a video (moov at the end) and ffmpeg dies soon after', async () => {
    const marker = `disrupt-plaintext-${randomBytes(12).toString('hex')}`;
    const path = join(fixtures, 'clip.mp4');
    // ~30 s of 640×360: long enough to catch ffmpeg decoding; the metadata marker makes it this run's own.
    execFileSync('ffmpeg', [
      '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:rate=30',
      '-f', 'lavfi', '-i', `life=s=64x64:ratio=0.3:seed=${randomBytes(3).readUIntBE(0, 3)}:rate=30`,
      '-filter_complex', '[0][1]overlay=8:8', '-t', '30', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
      '-metadata', `comment=${marker}`, path,
    ]);
    const bytes = readFileSync(path);
    // The index (moov) follows the frames: ffmpeg must seek back to read them.
    expect(bytes.indexOf('moov')).toBeGreaterThan(bytes.indexOf('mdat'));
    const { left, decoderExitMs } = await killDuringDecode(bytes, 'ffmpeg', { pieces: piecesOf(bytes, [Buffer.from(marker)]) });
    expect(left).toEqual([]);
    expect(decoderExitMs).toBeLessThan(10_000);
  }, 180_000);

  it('leaves no copy of a HEIC photo, nor of its decoded pixels', async () => {
    const png = join(fixtures, 'photo.png');
    const heic = join(fixtures, 'photo.heic');
    // A size of its own (for the PNG oracle; HEVC keeps even sizes) and a random corner: this run's own photo.
    execFileSync('ffmpeg', [
      '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=2398x1598',
      '-f', 'lavfi', '-i', `life=s=64x64:ratio=0.3:seed=${randomBytes(3).readUIntBE(0, 3)}`,
      '-filter_complex', '[0][1]overlay=8:8', '-frames:v', '1', png,
    ]);
    execFileSync('heif-enc', ['-q', '50', '-p', 'preset=ultrafast', '-o', heic, png], { stdio: 'ignore' });
    const bytes = readFileSync(heic);
    const { left, decoderExitMs } = await killDuringDecode(bytes, 'heif-convert', { pieces: piecesOf(bytes), png: { width: 2398, height: 1598 } });
    expect(left).toEqual([]);
    expect(decoderExitMs).toBeLessThan(10_000);
  }, 180_000);
});
