// Public module of the RNG kernel: the only file other parts import from `rng/`.

export {
  CHACHA_BLOCK_BYTES,
  CHACHA_CONSTANTS,
  CHACHA_KEY_BYTES,
  CHACHA_NONCE_BYTES,
  CHACHA_SOURCE_BLOCKS_PER_REFILL,
  ChaCha20Source,
  type ChaCha20SourceOptions,
  chacha20Encrypt,
  chachaBlock,
  chachaBlockState,
  chachaInitialState,
  chachaKeyFromSeed,
  chachaKeystreamWords,
  chachaQuarterRound,
  chachaRounds,
  chachaSelfTest,
} from './chacha20.ts';
export { CtrDrbg, type CtrDrbgOptions } from './ctr-drbg.ts';
export {
  DRBG_MAX_BYTES_PER_REQUEST,
  DRBG_SECURITY_STRENGTH_BITS,
  DrbgError,
  type DrbgErrorCode,
  type DrbgMechanism,
  type DrbgMechanismDescription,
} from './drbg-common.ts';
export { type DrbgKnownAnswer, drbgSelfTest } from './drbg-selftest.ts';
export {
  createDrbgSource,
  DEFAULT_DRBG_RESEED_INTERVAL_REQUESTS,
  type DrbgDescription,
  DrbgInstance,
  type DrbgKind,
  type DrbgSource,
  type DrbgSourceOptions,
  REPLAY_ENTROPY_LABEL,
} from './drbg-source.ts';
export {
  AdaptiveProportionTest,
  adaptiveProportionCutoff,
  createOsEntropySource,
  EntropyHealthError,
  type EntropyHealthErrorCode,
  type EntropySource,
  HealthTestedEntropySource,
  type HealthTestFailure,
  RepetitionCountTest,
  rawOsEntropySource,
  repetitionCountCutoff,
} from './entropy.ts';
export { HmacDrbg } from './hmac-drbg.ts';
export {
  BYTES_PER_CURSOR,
  commitServerSeed,
  createServerSeedCommitment,
  generateServerSeed,
  MAX_CLIENT_SEED_LENGTH,
  type ProvablyFairClaim,
  type ProvablyFairRound,
  ProvablyFairSource,
  type ProvablyFairVerification,
  provablyFairBlock,
  provablyFairBytes,
  provablyFairClaimSchema,
  SERVER_SEED_BYTES,
  type ServerSeedCommitment,
  type VerifyOptions,
  verifyProvablyFair,
} from './provably-fair.ts';
export {
  BufferedByteSource,
  BufferedWordSource,
  DEFAULT_BUFFER_BYTES,
  DEFAULT_WORD_BUFFER_WORDS,
  type RandomSource,
  type SelfTestResult,
  WordSource,
} from './random-source.ts';
export {
  createGenerator,
  findGenerator,
  GENERATOR_NAMES,
  GENERATORS,
  type GeneratorInfo,
  type GeneratorName,
} from './registry.ts';
export {
  type AliasSampler,
  type CumulativeSampler,
  createAliasSampler,
  createCumulativeSampler,
  createWeightedSampler,
  lemireMapWord,
  MAX_REJECTION_ATTEMPTS,
  mulHiUint32,
  shuffleInPlace,
  uniformFloat53,
  uniformInt,
  uniformIntBetween,
  uniformIntLarge,
  type WeightedSampler,
} from './scaling.ts';
export {
  createStream,
  MAX_STREAM_INDEX,
  Philox4x32Source,
  philox4x32Block,
  SplitMix64,
  STREAM_KINDS,
  type StreamKind,
  seedToUint64,
  Xoshiro128StarStar,
  type Xoshiro128State,
} from './streams.ts';
