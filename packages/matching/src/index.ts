// @disrupt/matching: signal types and exact match indexes. Pure TypeScript.
export {
  type PdqIndex,
  type PdqMatch,
  type PdqMultiMatch,
  type PdqDihedralMatch,
  type PdqEntries,
  type DihedralQuery,
  DEFAULT_PDQ_RADIUS,
  MAX_PDQ_RADIUS,
  LinearPdqIndex,
  searchDihedral,
} from './pdq-index.ts';
export { MihPdqIndex } from './mih-index.ts';
export { ExactIndex } from './exact-index.ts';
export { type VpdqMatch, type VpdqMatchOptions, VPDQ_DEFAULTS, VpdqIndex, uniqueFrames } from './vpdq-matcher.ts';
export { type SnapshotError, SNAPSHOT_VERSION, saveSnapshot, loadSnapshot } from './snapshot.ts';
export {
  type SignalType,
  type SignalIndex,
  type SignalMatch,
  type AnySignalType,
  SignalTypeRegistry,
  defaultSignalTypes,
  md5Signal,
  pdqSignal,
  vpdqSignal,
} from './signal-type.ts';
