/**
 * Parser for NIST CAVP response files (`.rsp`), as written by the CAVS tool for the SP 800-90A
 * DRBG vectors (`drbgtestvectors.zip`). Layout of such a file:
 *
 *   # comment lines
 *   [SHA-256]                      <- a bracket line without "=" opens a parameter block
 *   [PredictionResistance = True]  <- bracket lines with "=" are the block's parameters
 *   COUNT = 0                      <- opens a record
 *   EntropyInput = 9969...         <- "Name = value" fields, in file order; a name can repeat
 *   AdditionalInput =              <- an empty value is written with nothing after "= "
 *
 * Lines end in CRLF (NIST's zip) or LF (mirrors); both are accepted. The parser is strict: any
 * line it does not recognise throws, so a format surprise cannot silently drop records.
 *
 * Below the parser: the DRBGVS call sequences (`checkDrbgVectors` runs a whole file's records) and
 * the small helpers the DRBG tests in rng/ share.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DrbgError, type DrbgMechanism } from '../../rng/drbg-common.ts';
import { DrbgInstance } from '../../rng/drbg-source.ts';
import { KnownAnswerEntropySource } from '../../rng/entropy.ts';
import { FIXTURES_DIR } from './paths.ts';

export interface CavpField {
  readonly name: string;
  readonly value: string;
}

export interface CavpRecord {
  /** The block's opening bracket line, e.g. "SHA-256", "AES-256 use df". */
  readonly algorithm: string;
  /** The block's bracketed parameters, e.g. "EntropyInputLen" -> "256". */
  readonly params: ReadonlyMap<string, string>;
  /** 0-based index of the parameter block in the file. */
  readonly blockIndex: number;
  readonly count: number;
  /** Fields in file order (names repeat: AdditionalInput, EntropyInputPR). */
  readonly fields: readonly CavpField[];
}

interface MutableBlock {
  algorithm: string;
  params: Map<string, string>;
  blockIndex: number;
}

/** Parses the text of a `.rsp` file into its records, in file order. */
export function parseRsp(text: string): CavpRecord[] {
  const records: CavpRecord[] = [];
  let block: MutableBlock | null = null;
  let blockCount = 0;
  let fields: CavpField[] | null = null;
  let count = -1;
  let blockAcceptsParams = false;

  const closeRecord = (): void => {
    if (fields !== null && block !== null) {
      records.push({
        algorithm: block.algorithm,
        params: block.params,
        blockIndex: block.blockIndex,
        count,
        fields,
      });
    }
    fields = null;
  };

  const lines = text.split(/\r?\n/);
  for (let lineNo = 1; lineNo <= lines.length; lineNo++) {
    const line = lines[lineNo - 1]!;
    if (line.trim() === '' || line.startsWith('#')) continue;

    const bracket = /^\[(.*)\]$/.exec(line);
    if (bracket !== null) {
      const inner = bracket[1]!;
      const eq = inner.indexOf('=');
      if (eq < 0) {
        closeRecord();
        block = { algorithm: inner.trim(), params: new Map(), blockIndex: blockCount++ };
        blockAcceptsParams = true;
      } else {
        if (block === null || !blockAcceptsParams) {
          throw new Error(`rsp line ${lineNo}: parameter outside a block header: ${line}`);
        }
        block.params.set(inner.slice(0, eq).trim(), inner.slice(eq + 1).trim());
      }
      continue;
    }

    const field = /^(\w+) = ?(.*)$/.exec(line);
    if (field === null) throw new Error(`rsp line ${lineNo}: unrecognised line: ${line}`);
    const name = field[1]!;
    const value = field[2]!.trim();
    if (name === 'COUNT') {
      if (block === null) throw new Error(`rsp line ${lineNo}: COUNT before any block`);
      closeRecord();
      blockAcceptsParams = false;
      count = Number.parseInt(value, 10);
      if (!Number.isInteger(count) || String(count) !== value) {
        throw new Error(`rsp line ${lineNo}: bad COUNT: ${value}`);
      }
      fields = [];
      continue;
    }
    if (fields === null) throw new Error(`rsp line ${lineNo}: field outside a record: ${line}`);
    (fields as CavpField[]).push({ name, value });
  }
  closeRecord();
  return records;
}

/** Reads and parses a `.rsp` file. */
export function readRsp(path: string): CavpRecord[] {
  return parseRsp(readFileSync(path, 'latin1'));
}

/** Every value of field `name`, in file order. */
export function fieldValues(record: CavpRecord, name: string): string[] {
  return record.fields.filter((f) => f.name === name).map((f) => f.value);
}

/** The single value of field `name`; throws if it is missing or repeated. */
export function fieldValue(record: CavpRecord, name: string): string {
  const values = fieldValues(record, name);
  if (values.length !== 1) {
    throw new Error(
      `${record.algorithm} block ${record.blockIndex} COUNT ${record.count}: expected one ${name}, found ${values.length}`,
    );
  }
  return values[0]!;
}

/** Decodes a hex field value (empty string -> empty array); throws on malformed hex. */
export function hexBytes(hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`malformed hex value: ${hex.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** A block parameter as an integer (e.g. "EntropyInputLen"); throws if missing or not an integer. */
export function intParam(record: CavpRecord, name: string): number {
  const raw = record.params.get(name);
  const value = raw === undefined ? Number.NaN : Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${record.algorithm}: parameter ${name} is ${raw}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// DRBGVS records (SP 800-90A DRBG vectors) and their call sequences
// ---------------------------------------------------------------------------------------------

/** The three folders of `drbgtestvectors.zip` and the call sequence each one uses. */
export const DRBG_VECTOR_FOLDERS = [
  'drbgvectors_no_reseed',
  'drbgvectors_pr_false',
  'drbgvectors_pr_true',
] as const;
export type DrbgVectorFolder = (typeof DRBG_VECTOR_FOLDERS)[number];

/** The DRBGVS response files used here, one per mechanism. */
export type DrbgVectorFile = 'HMAC_DRBG.rsp' | 'CTR_DRBG.rsp';

/** Path of a DRBGVS response file in the test fixtures (`test/fixtures/nist-cavp-drbg/`). */
export function drbgVectorPath(folder: DrbgVectorFolder, file: DrbgVectorFile): string {
  return join(FIXTURES_DIR, 'nist-cavp-drbg', folder, file);
}

/** The inputs of one DRBGVS record, decoded and length-checked against the block header. */
export interface DrbgRecordInputs {
  readonly entropyInput: Uint8Array;
  readonly nonce: Uint8Array;
  readonly personalization: Uint8Array;
  /** pr_false only. */
  readonly entropyInputReseed: Uint8Array | null;
  /** pr_false only. */
  readonly additionalInputReseed: Uint8Array | null;
  readonly additionalInput: readonly [Uint8Array, Uint8Array];
  /** pr_true only. */
  readonly entropyInputPR: readonly [Uint8Array, Uint8Array] | null;
  readonly returnedBits: Uint8Array;
}

function checkedHex(record: CavpRecord, name: string, value: string, lenParam: string): Uint8Array {
  const bytes = hexBytes(value);
  const expectedBits = intParam(record, lenParam);
  if (bytes.length * 8 !== expectedBits) {
    throw new Error(
      `${record.algorithm} block ${record.blockIndex} COUNT ${record.count}: ${name} has ${bytes.length * 8} bits, header ${lenParam} = ${expectedBits}`,
    );
  }
  return bytes;
}

function pair(values: Uint8Array[], what: string): readonly [Uint8Array, Uint8Array] {
  if (values.length !== 2) throw new Error(`expected two ${what} values, found ${values.length}`);
  return [values[0]!, values[1]!];
}

/** Decodes a record of `folder`, checking every field's length against its header parameter. */
export function drbgRecordInputs(record: CavpRecord, folder: DrbgVectorFolder): DrbgRecordInputs {
  const expectedFields: Record<DrbgVectorFolder, string> = {
    drbgvectors_no_reseed:
      'EntropyInput,Nonce,PersonalizationString,AdditionalInput,AdditionalInput,ReturnedBits',
    drbgvectors_pr_false:
      'EntropyInput,Nonce,PersonalizationString,EntropyInputReseed,AdditionalInputReseed,AdditionalInput,AdditionalInput,ReturnedBits',
    drbgvectors_pr_true:
      'EntropyInput,Nonce,PersonalizationString,AdditionalInput,EntropyInputPR,AdditionalInput,EntropyInputPR,ReturnedBits',
  };
  const names = record.fields.map((f) => f.name).join(',');
  if (names !== expectedFields[folder]) {
    throw new Error(`${record.algorithm} COUNT ${record.count}: unexpected fields ${names}`);
  }
  const hex = (name: string, lenParam: string): Uint8Array =>
    checkedHex(record, name, fieldValue(record, name), lenParam);
  const hexAll = (name: string, lenParam: string): Uint8Array[] =>
    fieldValues(record, name).map((v) => checkedHex(record, name, v, lenParam));
  const pr = record.params.get('PredictionResistance');
  if (pr !== (folder === 'drbgvectors_pr_true' ? 'True' : 'False')) {
    throw new Error(`${record.algorithm}: PredictionResistance = ${pr} in ${folder}`);
  }
  return {
    entropyInput: hex('EntropyInput', 'EntropyInputLen'),
    nonce: hex('Nonce', 'NonceLen'),
    personalization: hex('PersonalizationString', 'PersonalizationStringLen'),
    entropyInputReseed:
      folder === 'drbgvectors_pr_false' ? hex('EntropyInputReseed', 'EntropyInputLen') : null,
    additionalInputReseed:
      folder === 'drbgvectors_pr_false' ? hex('AdditionalInputReseed', 'AdditionalInputLen') : null,
    additionalInput: pair(hexAll('AdditionalInput', 'AdditionalInputLen'), 'AdditionalInput'),
    entropyInputPR:
      folder === 'drbgvectors_pr_true'
        ? pair(hexAll('EntropyInputPR', 'EntropyInputLen'), 'EntropyInputPR')
        : null,
    returnedBits: hex('ReturnedBits', 'ReturnedBitsLen'),
  };
}

/**
 * Runs a record's DRBGVS call sequence on a fresh mechanism, calling the §10 algorithms directly,
 * and returns the output of the second Generate. For pr_true this spells out §9.3.1 by hand:
 * Reseed(EntropyInputPR[i], AdditionalInput[i]) then Generate with a Null additional input.
 */
export function runRecordOnMechanism(
  mechanism: DrbgMechanism,
  inputs: DrbgRecordInputs,
  folder: DrbgVectorFolder,
): Uint8Array {
  const output = new Uint8Array(inputs.returnedBits.length);
  mechanism.instantiate(inputs.entropyInput, inputs.nonce, inputs.personalization);
  if (folder === 'drbgvectors_pr_false')
    mechanism.reseed(inputs.entropyInputReseed!, inputs.additionalInputReseed!);
  for (let call = 0; call < 2; call++) {
    if (folder === 'drbgvectors_pr_true') {
      mechanism.reseed(inputs.entropyInputPR![call]!, inputs.additionalInput[call]);
      mechanism.generate(output);
    } else {
      mechanism.generate(output, inputs.additionalInput[call]);
    }
  }
  mechanism.uninstantiate();
  return output;
}

/**
 * Runs a record through the §9 envelope (`DrbgInstance`): the record's entropy inputs and nonce
 * are served, in order, by a known-answer entropy source, and pr_true sets prediction resistance.
 * Returns the output of the second Generate; throws if the envelope did not draw every input.
 */
export function runRecordOnInstance(
  mechanism: DrbgMechanism,
  inputs: DrbgRecordInputs,
  folder: DrbgVectorFolder,
): Uint8Array {
  const queue = [inputs.entropyInput];
  if (inputs.nonce.length > 0) queue.push(inputs.nonce);
  if (inputs.entropyInputReseed !== null) queue.push(inputs.entropyInputReseed);
  if (inputs.entropyInputPR !== null) queue.push(...inputs.entropyInputPR);
  const entropy = new KnownAnswerEntropySource(queue);
  const instance = new DrbgInstance(mechanism, entropy, {
    predictionResistance: folder === 'drbgvectors_pr_true',
  });
  const output = new Uint8Array(inputs.returnedBits.length);
  instance.instantiate(inputs.personalization);
  if (folder === 'drbgvectors_pr_false') instance.reseed(inputs.additionalInputReseed!);
  instance.generate(output, inputs.additionalInput[0]);
  instance.generate(output, inputs.additionalInput[1]);
  instance.uninstantiate();
  if (entropy.remaining !== 0) throw new Error(`${entropy.remaining} queued entropy inputs were not drawn`);
  return output;
}

/** What `checkDrbgVectors` found: the records whose output differed, and how many were run. */
export interface DrbgVectorCheck {
  /** "<algorithm> block <i> COUNT <n> (direct|envelope)" for each mismatch; empty when all match. */
  readonly mismatches: readonly string[];
  readonly checked: number;
}

/**
 * Runs every record of `folder` on a fresh mechanism from `newMechanism`, both via the §10
 * algorithms (`runRecordOnMechanism`) and via the §9 envelope (`runRecordOnInstance`), and compares
 * each output with the record's ReturnedBits. `checkInputs` sees each record's decoded inputs first
 * (for per-record assertions such as lengths).
 */
export function checkDrbgVectors(
  records: readonly CavpRecord[],
  folder: DrbgVectorFolder,
  newMechanism: (record: CavpRecord) => DrbgMechanism,
  checkInputs: (inputs: DrbgRecordInputs, record: CavpRecord) => void = () => {},
): DrbgVectorCheck {
  const mismatches: string[] = [];
  let checked = 0;
  for (const record of records) {
    const inputs = drbgRecordInputs(record, folder);
    checkInputs(inputs, record);
    const expected = hex(inputs.returnedBits);
    const direct = hex(runRecordOnMechanism(newMechanism(record), inputs, folder));
    const enveloped = hex(runRecordOnInstance(newMechanism(record), inputs, folder));
    const where = `${record.algorithm} block ${record.blockIndex} COUNT ${record.count}`;
    if (direct !== expected) mismatches.push(`${where} (direct)`);
    if (enveloped !== expected) mismatches.push(`${where} (envelope)`);
    checked++;
  }
  return { mismatches, checked };
}

// ---------------------------------------------------------------------------------------------
// Small helpers shared by the DRBG tests (rng/*drbg*.test.ts)
// ---------------------------------------------------------------------------------------------

/** Lower-case hex of `bytes`, for readable comparisons. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** `length` bytes of `value`. */
export function filled(length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value);
}

/** The private working-state buffers: zeroization is checked where no public API can see it. */
export function internals(drbg: object): { key: Uint8Array; v: Uint8Array; scratch: Uint8Array } {
  return drbg as unknown as { key: Uint8Array; v: Uint8Array; scratch: Uint8Array };
}

/** Asserts that `fn` throws a `DrbgError` with `code`. */
export function expectDrbgError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DrbgError);
    expect((error as DrbgError).code).toBe(code);
    return;
  }
  throw new Error(`expected DrbgError ${code}, nothing was thrown`);
}
