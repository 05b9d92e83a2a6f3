// @disrupt/hashing: the fingerprints everything else trusts. Pure TypeScript
// (no Node, no DOM), so the victim's browser and the server run the same code.
export { type Result, ok, err } from './result.ts';
export {
  type PdqHash,
  type PdqWords,
  PDQ_HASH_BITS,
  PDQ_HEX_LENGTH,
  parsePdqHash,
  pdqHash,
  pdqHashToWords,
  pdqWordsToHash,
  popcount32,
  hammingDistance,
  hammingDistanceWords,
} from './pdq-hash.ts';
export {
  type Pixels,
  type PdqPipeline,
  type PdqResult,
  type PdqOptions,
  type DihedralName,
  type PdqDihedralResult,
  DIHEDRAL_NAMES,
  pdq,
  pdqDihedral,
} from './pdq.ts';
export {
  type VpdqFrame,
  DEFAULT_SECONDS_PER_HASH,
  vpdqFrameMod,
  vpdqHashFrame,
  formatVpdqLine,
  parseVpdqLine,
} from './vpdq.ts';
export { type Md5Hash, type IncrementalDigest, parseMd5, createMd5, createSha256, md5Hex, sha256Hex } from './digest.ts';
