/** Test support: the SP 800-22 worked examples of test/fixtures/nist-sp800-22/spec-examples.json. */
import { readFileSync } from 'node:fs';
import { asciiToBits } from './bits.ts';
import { eBits } from './known-sequences.ts';

export interface SpecExample {
  readonly id: string;
  readonly test: string;
  readonly input: { epsilon?: string; named?: string; first_bits?: number; description?: string };
  readonly n: number;
  readonly params: Record<string, unknown>;
  readonly expected: { statistics: Record<string, unknown>; p_value: unknown };
  readonly sts_2_1_2: { p_value?: unknown; statistics?: Record<string, unknown>; applicable?: boolean };
  readonly status: string;
}

export interface SpecFile {
  readonly conventions: { p_value_tolerance: number };
  readonly named_inputs: Record<string, { bits?: string }>;
  readonly examples: SpecExample[];
  readonly appendix_b: {
    rows: { test: string; document: Record<string, number>; sts_2_1_2: Record<string, number> }[];
  };
  readonly other_checks: {
    proportion_interval_4_2_1: { example: { alpha: number; m: number; interval: [number, number] } };
  };
}

/** Located from this file, so that production code here imports nothing from `test/`. */
const SPEC_EXAMPLES_URL = new URL('../../test/fixtures/nist-sp800-22/spec-examples.json', import.meta.url);

export function loadSpec(): SpecFile {
  return JSON.parse(readFileSync(SPEC_EXAMPLES_URL, 'utf8')) as SpecFile;
}

let eCache: Uint8Array | undefined;

/** The first 10^6 bits of e, computed once per test file. */
export function eMillion(): Uint8Array {
  eCache ??= eBits(1_000_000);
  return eCache;
}

/** The input bits of an example, or undefined when its input cannot be built here. */
export function exampleBits(spec: SpecFile, ex: SpecExample): Uint8Array | undefined {
  if (ex.input.epsilon !== undefined) return asciiToBits(ex.input.epsilon);
  if (ex.input.named === 'e') return eMillion().subarray(0, ex.input.first_bits ?? ex.n);
  if (ex.input.named !== undefined) {
    const named = spec.named_inputs[ex.input.named];
    if (named?.bits) return asciiToBits(named.bits);
  }
  return undefined;
}
