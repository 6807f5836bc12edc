/**
 * Canonical JSON and the math hash.
 *
 * Canonical JSON follows RFC 8785 (JSON Canonicalization Scheme): no insignificant whitespace,
 * object members sorted by the UTF-16 code units of their names, strings and numbers serialized as
 * ECMAScript's JSON.stringify does (RFC 8785 §3.2.2 adopts exactly that serialization), arrays in
 * order. Written by hand because it is a few lines and what the hash means must not depend on a
 * third party's choices; values outside JSON (undefined, functions, non-finite numbers, BigInt)
 * are rejected rather than silently dropped.
 *
 * The math hash is SHA-256 (hex) of the canonical JSON of the *math form* of a validated definition:
 * defaults applied (so writing a default explicitly does not change the hash) and display-only text
 * removed (`name`, `description` of the game, and `name` of symbols and groups), so that what a lab
 * certified is identified by what determines outcomes and pays, not by wording.
 */
import { createHash } from 'node:crypto';
import type { GameDefinition } from './definition.ts';

/** Maximum nesting depth accepted (bounded recursion on hostile input). */
const MAX_DEPTH = 64;

function compareUtf16(a: string, b: string): number {
  // JS string comparison is by UTF-16 code units, which is what RFC 8785 §3.2.3 requires.
  return a < b ? -1 : a > b ? 1 : 0;
}

function write(value: unknown, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) throw new TypeError('canonical JSON: nesting too deep');
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: non-finite number ${value}`);
      // ECMAScript Number-to-String, as RFC 8785 §3.2.2.3 specifies (-0 serializes as 0).
      out.push(JSON.stringify(value));
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, i) => {
          if (i > 0) out.push(',');
          write(item, depth + 1, out);
        });
        out.push(']');
        return;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort(compareUtf16);
      out.push('{');
      keys.forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        write(record[k], depth + 1, out);
      });
      out.push('}');
      return;
    }
    default:
      throw new TypeError(`canonical JSON: cannot serialize a ${typeof value}`);
  }
}

/**
 * RFC 8785 canonical JSON of a JSON value. Object members whose value is `undefined` are omitted
 * (as JSON.stringify does: they are absent optional fields, not values).
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, 0, out);
  return out.join('');
}

/** The definition without display-only text: what the math hash covers. */
export function mathForm(def: GameDefinition): unknown {
  // Claims and documentation are not math: a declared RTP, the provenance and the $schema hint
  // leave the hash (and the served version) unchanged.
  const { name: _name, description: _description, $schema: _schema, provenance: _provenance, ...rest } = def;
  const modes = rest.modes.map(({ declaredRtp: _declared, ...mode }) => mode);
  if (rest.type === 'reels') {
    return {
      ...rest,
      modes,
      symbols: rest.symbols.map(({ name: _n, ...s }) => s),
      groups: rest.groups?.map(({ name: _n, ...g }) => g),
    };
  }
  return { ...rest, modes };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** SHA-256 (hex) of the canonical JSON of the math form of a validated definition. */
export function mathHash(def: GameDefinition): string {
  return sha256Hex(canonicalJson(mathForm(def)));
}
