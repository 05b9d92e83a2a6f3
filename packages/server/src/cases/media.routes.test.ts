// Media sent for verification, over HTTP on both back ends: fingerprinted by
// the server, stored encrypted, hostile files refused with clear answers.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { PDQ_DIR, VPDQ_DIR, vectorRow } from '../../../../test/reference.ts';
import { describeServer, multipart } from '../../test/server.ts';

const BRIDGE = 'data/bridge-mods/aaa-orig.jpg';
const jpeg = readFileSync(join(PDQ_DIR, BRIDGE));
const video = readFileSync(join(VPDQ_DIR, 'sample-videos/test-padded-dimensions.mp4'));

function bombPng(): Buffer {
  // IHDR claiming 60000 × 60000 RGB; CRCs are not checked before the size is.
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'ascii');
  ihdr.writeUInt32BE(60_000, 8);
  ihdr.writeUInt32BE(60_000, 12);
  ihdr[16] = 8;
  ihdr[17] = 2;
  const idat = deflateSync(Buffer.alloc(1024));
  const idatChunk = Buffer.concat([Buffer.from([0, 0, (idat.length >> 8) & 255, idat.length & 255]), Buffer.from('IDAT'), idat, Buffer.alloc(4)]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, idatChunk]);
}

describeServer('victim media', ({ server, dataDir, logs }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  async function openCase(ageGroup = 'adult') {
    const response = await inject({
      method: 'POST',
      url: '/api/victim/cases',
      headers: { 'idempotency-key': `media-${Math.random()}` },
      payload: { situation: 'online', ageGroup, aiGenerated: 'no', language: 'fr' },
    });
    return response.json<{ token: string }>().token;
  }
  const upload = async (token: string, bytes: Uint8Array) => {
    const { payload, headers } = multipart(bytes);
    return inject({ method: 'POST', url: '/api/victim/case/media', headers: { ...headers, authorization: `Bearer ${token}` }, payload });
  };

  it('fingerprints a photo on the server, stores it encrypted, and recognises it when sent again', async () => {
    const token = await openCase();
    const first = await upload(token, jpeg);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ kind: 'photo', duplicate: false });
    const again = await upload(token, jpeg);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ itemId: first.json<{ itemId: string }>().itemId, duplicate: true });

    const view = (await inject({ method: 'GET', url: '/api/victim/case', headers: { authorization: `Bearer ${token}` } })).json<{
      items: { kind: string; status: string; signals: { signalType: string; value: string }[] }[];
    }>();
    expect(view.items).toHaveLength(1);
    expect(view.items[0]).toMatchObject({ kind: 'photo', status: 'in_review' });
    expect(view.items[0]!.signals.find((s) => s.signalType === 'pdq')?.value).toBe(vectorRow('expected.tsv', BRIDGE).hash_hex);

    const mediaDir = join(dataDir, 'media');
    const files = readdirSync(mediaDir, { recursive: true }).map(String).filter((f) => f.endsWith('.enc'));
    expect(files).toHaveLength(1); // the duplicate was not kept
    const stored = readFileSync(join(mediaDir, files[0]!));
    expect(statSync(join(mediaDir, files[0]!)).mode & 0o777).toBe(0o600);
    expect(stored.includes(jpeg.subarray(100, 164))).toBe(false);
    expect(stored.length).toBeGreaterThan(jpeg.length);
  });

  it('fingerprints a video with vPDQ and MD5', async () => {
    const token = await openCase();
    const response = await upload(token, video);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ kind: 'video' });
  });

  it('refuses hostile and unsupported files with clear answers', async () => {
    const token = await openCase();
    const svg = await upload(token, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    expect(svg.statusCode).toBe(415);
    const truncated = await upload(token, jpeg.subarray(0, jpeg.length / 2));
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json()).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('damaged or truncated') as unknown } });
    expect((await upload(token, bombPng())).statusCode).toBe(413);
    expect((await upload(token, Buffer.alloc(9 * 1024 * 1024, 1))).statusCode).toBe(413);
    const notMultipart = await inject({ method: 'POST', url: '/api/victim/case/media', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' }, payload: jpeg });
    expect(notMultipart.statusCode).toBe(415);
    const view = (await inject({ method: 'GET', url: '/api/victim/case', headers: { authorization: `Bearer ${token}` } })).json<{ itemCount: number }>();
    expect(view.itemCount).toBe(0); // nothing half-written
  });

  it('logs no media byte, file name or fingerprint', () => {
    const text = logs();
    expect(text).toContain('"route":"/api/victim/case/media"');
    for (const needle of ['upload.bin', vectorRow('expected.tsv', BRIDGE).hash_hex, jpeg.subarray(200, 232).toString('base64'), jpeg.subarray(200, 232).toString('hex'), '<script>']) {
      expect(text).not.toContain(needle);
    }
  });

  it('refuses files that may show a minor (under 18, or age not sure) unless the deployment allows them', async () => {
    for (const ageGroup of ['minor', 'unsure']) {
      const token = await openCase(ageGroup);
      const response = await upload(token, jpeg);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'not_permitted' } });
    }
  });
});
