// Public module of the RNG kernel: the only file other parts import from `rng/`.
export {
  BufferedByteSource,
  DEFAULT_BUFFER_BYTES,
  type RandomSource,
  type SelfTestResult,
  WordSource,
} from './random-source.ts';
