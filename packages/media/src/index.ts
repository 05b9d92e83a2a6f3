// @disrupt/media: Node adapters that turn files into pixels and fingerprints.
// The hashing itself is @disrupt/hashing's pure code; this package only decodes.
export { type MediaErrorCode, type MediaFailure, type MediaResult, mediaFailure } from './media-error.ts';
export { type ImageFormat, type Sniffed, SNIFF_BYTES, mediaType, sniff } from './sniff.ts';
export { type ImageLimits, type DecodedImage, DEFAULT_IMAGE_LIMITS, decodeImage } from './image.ts';
export { type VideoLimits, type VideoInfo, type VideoHash, type VpdqOptions, DEFAULT_VIDEO_LIMITS, probeVideo, ffmpegFrameArgs, hashVideo, videoStill } from './video.ts';
export { type MediaInput, type OpenFile, withUnlinkedFile } from './unlinked-file.ts';
export { type PhotoHash, type VideoFileHash, type FileHash, type HashFileOptions, hashFile, hashImageBytes } from './hash-file.ts';
export { type HashPool, type HashPoolOptions, HashPoolError, createHashPool } from './hash-pool.ts';
