/** manifest.json signing with a given Ed25519 key, key pinning, and refusals of wrong keys. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildManifest, loadOrGenerateKey, MANIFEST_FILE, verifyPack } from './manifest.ts';

const work = mkdtempSync(join(tmpdir(), 'croupier-manifest-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function pem(type: 'ed25519' | 'rsa') {
  const pair =
    type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('manifest signing', () => {
  it('signs with --key, verifies with its public half pinned, and refuses another key', () => {
    const dir = join(work, 'pack');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.txt'), 'alpha');
    writeFileSync(join(dir, 'sub/b.bin'), Buffer.from([0, 1, 2]));
    const mine = pem('ed25519');
    const keyFile = join(work, 'key.pem');
    writeFileSync(keyFile, mine.privatePem);
    const key = loadOrGenerateKey(keyFile);
    expect(key.ephemeral).toBe(false);
    const manifest = buildManifest(dir, key, '2026-01-01T00:00:00.000Z');
    expect(manifest.files.map((f) => f.path)).toEqual(['a.txt', 'sub/b.bin']);
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    expect(verifyPack(dir, mine.publicPem)).toMatchObject({ ok: true, files: 2, ephemeral: false });
    expect(verifyPack(dir, pem('ed25519').publicPem)).toMatchObject({
      ok: false,
      file: MANIFEST_FILE,
      reason: expect.stringContaining('different key'),
    });
    // A manifest re-signed by someone else (their key in it) still verifies on its own, but not pinned.
    const forged = buildManifest(dir, loadOrGenerateKey(undefined), '2026-01-01T00:00:00.000Z');
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(forged));
    expect(verifyPack(dir).ok).toBe(true);
    expect(verifyPack(dir, mine.publicPem).ok).toBe(false);
  });

  it('refuses a key file that is not an Ed25519 private key, naming the flag', () => {
    const rsa = join(work, 'rsa.pem');
    writeFileSync(rsa, pem('rsa').privatePem);
    expect(() => loadOrGenerateKey(rsa)).toThrow(/--key .*rsa\.pem: an rsa key, Ed25519 needed/);
    const junk = join(work, 'junk.pem');
    writeFileSync(junk, 'not a key');
    expect(() => loadOrGenerateKey(junk)).toThrow(/--key .*junk\.pem: not a PEM private key/);
  });
});
