// Every PDQ reference vector, decoded by our sharp adapter and hashed by the
// pure core, must give Meta's hash and quality exactly.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIHEDRAL_NAMES, pdq, pdqDihedral } from '@disrupt/hashing';
import { decodeImage } from '@disrupt/media';
import { describe, expect, it } from 'vitest';
import { PDQ_DIR, readTsv } from '../../../test/reference.ts';

async function decode(file: string) {
  const decoded = await decodeImage(await readFile(join(PDQ_DIR, file)));
  if (!decoded.ok) throw new Error(`${file}: ${decoded.message}`);
  return decoded.value;
}

describe('PDQ reference vectors (Node)', () => {
  // CMYK.jpg included: the adapter converts CMYK as ImageMagick does without a
  // profile, which is what the reference tool saw.
  const reference = readTsv(join(PDQ_DIR, 'expected.tsv'));
  const full = readTsv(join(PDQ_DIR, 'expected-fullres.tsv'));
  const dihedral = readTsv(join(PDQ_DIR, 'expected-dihedral.tsv'));

  it('covers every file of the three vector lists', () => {
    expect(reference.length).toBe(49);
    expect(full.length).toBe(49);
    expect(dihedral.length).toBe(49);
  });

  it.each(reference.map((r) => [r.file!, r] as const))('reference pipeline: %s', async (file, row) => {
    const result = pdq(await decode(file), { pipeline: 'reference' });
    expect({ hash: result.hash, quality: result.quality }).toEqual({ hash: row.hash_hex, quality: Number(row.quality) });
  });

  it.each(full.map((r) => [r.file!, r] as const))('full-resolution pipeline: %s', async (file, row) => {
    const image = await decode(file);
    const [w, h] = row.width_x_height_x_channels_as_decoded!.split('x').map(Number);
    expect([image.width, image.height]).toEqual([w, h]);
    const result = pdq(image, { pipeline: 'full' });
    expect({ hash: result.hash, quality: result.quality }).toEqual({ hash: row.hash_hex, quality: Number(row.quality) });
  });

  it.each(dihedral.map((r) => [r.file!, r] as const))('dihedral hashes: %s', async (file, row) => {
    const result = pdqDihedral(await decode(file), { pipeline: 'reference' });
    expect(result.quality).toBe(Number(row.quality));
    for (const name of DIHEDRAL_NAMES) expect([name, result.hashes[name]]).toEqual([name, row[name]]);
  });
});
