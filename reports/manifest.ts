/**
 * `manifest.json`: the SHA-256 of every artifact of the pack, signed with Ed25519 (node:crypto).
 * The signature covers the canonical JSON (RFC 8785, games/canonical.ts) of everything in the
 * manifest except the signature itself, so a changed byte in any artifact, a renamed or dropped
 * file, or an edited manifest all fail `verifyPack`.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../games/index.ts';
import { sha256OfText } from './sections/software.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'croupier.evidence-manifest' as const;
export const MANIFEST_VERSION = 1 as const;
/** Bound on the files a pack may hold (TIGER_STYLE). */
const MAX_PACK_FILES = 100_000;

export const ManifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    version: z.literal(MANIFEST_VERSION),
    createdAtUtc: z.string(),
    files: z.array(
      z
        .object({
          path: z.string(),
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          bytes: z.number().int().min(0),
        })
        .strict(),
    ),
    publicKey: z
      .object({ algorithm: z.literal('Ed25519'), spkiPem: z.string(), ephemeral: z.boolean() })
      .strict(),
    signature: z
      .string()
      .describe('Ed25519 signature (base64) of the canonical JSON of the manifest without this field'),
  })
  .strict();
export type Manifest = z.infer<typeof ManifestSchema>;

/** Every regular file under `dir`, as sorted paths relative to it with '/' separators. */
export function listPackFiles(dir: string): string[] {
  const out: string[] = [];
  const walkDir = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walkDir(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'));
      if (out.length > MAX_PACK_FILES) throw new RangeError(`more than ${MAX_PACK_FILES} files in ${dir}`);
    }
  };
  walkDir(dir);
  return out.filter((p) => p !== MANIFEST_FILE && !p.endsWith('.tmp')).sort();
}

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly ephemeral: boolean;
}

/** The Ed25519 key from a PEM file (PKCS#8), or a fresh one (its private half is never written). */
export function loadOrGenerateKey(keyFile: string | undefined): SigningKey {
  if (keyFile === undefined)
    return { privateKey: generateKeyPairSync('ed25519').privateKey, ephemeral: true };
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(keyFile));
  } catch (error) {
    throw new Error(`--key ${keyFile}: not a PEM private key (${(error as Error).message.split('\n')[0]})`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`--key ${keyFile}: an ${key.asymmetricKeyType} key, Ed25519 needed`);
  return { privateKey: key, ephemeral: false };
}

function signedPayload(m: Omit<Manifest, 'signature'>): Buffer {
  return Buffer.from(canonicalJson(m), 'utf8');
}

export function buildManifest(dir: string, key: SigningKey, createdAtUtc: string): Manifest {
  const files = listPackFiles(dir).map((path) => {
    const bytes = readFileSync(join(dir, path));
    return { path, sha256: sha256OfText(bytes), bytes: bytes.length };
  });
  const spkiPem = createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const unsigned = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    createdAtUtc,
    files,
    publicKey: { algorithm: 'Ed25519' as const, spkiPem, ephemeral: key.ephemeral },
  };
  const signature = sign(null, signedPayload(unsigned), key.privateKey).toString('base64');
  return { ...unsigned, signature };
}

export type PackVerification =
  | { readonly ok: true; readonly files: number; readonly publicKeyPem: string; readonly ephemeral: boolean }
  | { readonly ok: false; readonly file: string; readonly reason: string };

/** Checks the signature, then every file's hash in order; the first difference is named. */
export function verifyPack(dir: string, expectedPublicKeyPem?: string): PackVerification {
  let manifest: Manifest;
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')));
    if (!parsed.success)
      return {
        ok: false,
        file: MANIFEST_FILE,
        reason: `not a valid manifest (${parsed.error.issues[0]?.message})`,
      };
    manifest = parsed.data;
  } catch (error) {
    return {
      ok: false,
      file: MANIFEST_FILE,
      reason: `cannot read the manifest: ${(error as Error).message}`,
    };
  }
  const { signature, ...unsigned } = manifest;
  const publicKey = createPublicKey(manifest.publicKey.spkiPem);
  if (!verify(null, signedPayload(unsigned), publicKey, Buffer.from(signature, 'base64')))
    return { ok: false, file: MANIFEST_FILE, reason: 'the Ed25519 signature does not match the manifest' };
  if (expectedPublicKeyPem !== undefined) {
    const expected = createPublicKey(expectedPublicKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    if (expected !== manifest.publicKey.spkiPem)
      return { ok: false, file: MANIFEST_FILE, reason: 'signed with a different key than the one given' };
  }
  const present = new Set(listPackFiles(dir));
  for (const f of manifest.files) {
    if (!present.has(f.path))
      return { ok: false, file: f.path, reason: 'listed in the manifest but missing' };
    const sha = sha256OfText(readFileSync(join(dir, f.path)));
    if (sha !== f.sha256)
      return { ok: false, file: f.path, reason: `SHA-256 ${sha} differs from the manifest's ${f.sha256}` };
    present.delete(f.path);
  }
  const extra = [...present][0];
  if (extra !== undefined)
    return { ok: false, file: extra, reason: 'not in the manifest (added after signing)' };
  return {
    ok: true,
    files: manifest.files.length,
    publicKeyPem: manifest.publicKey.spkiPem,
    ephemeral: manifest.publicKey.ephemeral,
  };
}

export function fileSize(path: string): number {
  return statSync(path).size;
}
