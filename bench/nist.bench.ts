import { createCipheriv } from 'node:crypto';
import { bytesToBits, NIST_TESTS, runNistSequence } from '../certification/nist/index.ts';
import { formatRate, heading } from './harness.ts';

const BITS_PER_SEQUENCE = 1_000_000;

/** Deterministic test data: AES-256-CTR keystream under a fixed key and IV (sequence i = block i). */
function sequenceBits(index: number): Uint8Array {
  const key = Buffer.alloc(32, 0x5a);
  const iv = Buffer.alloc(16, 0);
  iv.writeUInt32BE(index, 0);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const bytes = cipher.update(Buffer.alloc(BITS_PER_SEQUENCE / 8));
  return bytesToBits(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), BITS_PER_SEQUENCE);
}

/**
 * The SP 800-22 battery over S sequences × 10^6 bits: wall time and Mbit/s per test, and per test
 * the ratio to the baseline measured in the same process (generating the bits: AES-CTR keystream
 * plus unpacking to one bit per byte). Reference point: NIST's C code needs ~150 s for 100
 * sequences single-threaded (~1.5 s per sequence).
 */
export async function run(options: { quick: boolean }): Promise<void> {
  const sequences = options.quick ? 3 : 100;
  heading(`NIST SP 800-22 battery: ${sequences} sequences × 10^6 bits (baseline: generating the bits)`);
  // Warm-up: one full battery so that the JIT has compiled every test (and the FFT plan exists).
  runNistSequence(sequenceBits(999));

  const startGen = performance.now();
  const inputs: Uint8Array[] = [];
  for (let s = 0; s < sequences; s++) inputs.push(sequenceBits(s));
  const generateMs = performance.now() - startGen;

  const perTestMs = new Map<string, number>();
  const startAll = performance.now();
  for (const bits of inputs) {
    for (const test of NIST_TESTS) {
      const t0 = performance.now();
      runNistSequence(bits, {}, [test.name]);
      perTestMs.set(test.name, (perTestMs.get(test.name) ?? 0) + performance.now() - t0);
    }
  }
  const totalMs = performance.now() - startAll;
  const totalBits = sequences * BITS_PER_SEQUENCE;
  const baselineRate = (totalBits / generateMs) * 1000;
  const rows: string[] = [];
  rows.push(
    `${'baseline: generate bits'.padEnd(26)} ${generateMs.toFixed(0).padStart(8)} ms  ${formatRate(baselineRate, 'bit').padStart(14)}  ratio 1.00`,
  );
  for (const test of NIST_TESTS) {
    const ms = perTestMs.get(test.name)!;
    const rate = (totalBits / ms) * 1000;
    rows.push(
      `${test.name.padEnd(26)} ${ms.toFixed(0).padStart(8)} ms  ${formatRate(rate, 'bit').padStart(14)}  ratio ${(ms / generateMs).toFixed(2)}`,
    );
  }
  const perSequenceMs = totalMs / sequences;
  rows.push(
    `${'battery total'.padEnd(26)} ${totalMs.toFixed(0).padStart(8)} ms  ${formatRate((totalBits / totalMs) * 1000, 'bit').padStart(14)}  ratio ${(totalMs / generateMs).toFixed(2)}`,
  );
  rows.push(
    `per sequence ${perSequenceMs.toFixed(0)} ms; projected 100 × 10^6 bits: ${((perSequenceMs * 100) / 1000).toFixed(1)} s (NIST C reference ~150 s)`,
  );
  process.stdout.write(`${rows.join('\n')}\n`);
}
