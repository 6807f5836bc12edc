import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChaCha20Source } from './chacha20.ts';
import {
  commitServerSeed,
  createServerSeedCommitment,
  generateServerSeed,
  ProvablyFairSource,
  provablyFairBlock,
  provablyFairBytes,
  verifyProvablyFair,
} from './provably-fair.ts';
import type { RandomSource } from './random-source.ts';
import { uniformInt } from './scaling.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const serverSeed = Uint8Array.from({ length: 32 }, (_, i) => i);
const round = { serverSeed, clientSeed: 'lucky-player', nonce: 7 };

describe('provably fair: commitment and outcome bytes', () => {
  it('matches a vector computed independently (Python hmac/hashlib) and with node:crypto', () => {
    // python3: hashlib.sha256(bytes(range(32))); hmac.new(bytes(range(32)), b"lucky-player:7:<cursor>", sha256)
    expect(commitServerSeed(serverSeed)).toBe(
      '630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd',
    );
    expect(hex(provablyFairBytes(round, 64))).toBe(
      '0c301e77f72db72a69411547360bd37bccbc728b441079a1bb7cd2521e0136ee' +
        'cfce3f684af01ee34dac9fd603df82d84607c320bbecdfd2bcb2007c6103457a',
    );
    // node:crypto directly, for other rounds and cursors.
    for (const [clientSeed, nonce, cursor] of [
      ['a:b:c', 0, 0],
      ['émoji 🎰', 123456789, 5],
    ] as const) {
      const expected = createHmac('sha256', serverSeed)
        .update(`${clientSeed}:${nonce}:${cursor}`)
        .digest('hex');
      expect(hex(provablyFairBlock(serverSeed, clientSeed, nonce, cursor))).toBe(expected);
    }
    expect(commitServerSeed(serverSeed)).toBe(createHash('sha256').update(serverSeed).digest('hex'));
  });

  it('the source streams cursor 0, 1, 2, ... and reads words big-endian', () => {
    const source = new ProvablyFairSource(round);
    const stream = Buffer.concat([0, 1, 2].map((c) => provablyFairBlock(serverSeed, 'lucky-player', 7, c)));
    for (let i = 0; i < 24; i++) expect(source.nextUint32()).toBe(stream.readUInt32BE(4 * i));
    expect(source.cursorsUsed).toBe(3);
    const mixed = new ProvablyFairSource(round);
    const first = new Uint8Array(5);
    mixed.fillBytes(first);
    expect(hex(first)).toBe(stream.subarray(0, 5).toString('hex'));
    // fillBytes left the buffer at offset 5; the next word starts there.
    expect(mixed.nextUint32()).toBe(stream.readUInt32BE(5));
  });

  it('copies the server seed: mutating the caller’s array afterwards changes nothing', () => {
    const seed = Uint8Array.from(serverSeed);
    const source = new ProvablyFairSource({ ...round, serverSeed: seed });
    seed.fill(0);
    expect(source.nextUint32()).toBe(0x0c301e77);
  });

  it('draws the server seed from the given source, 32 bytes', () => {
    const a = generateServerSeed(new ChaCha20Source({ seed: new Uint8Array(32).fill(1) }));
    const b = generateServerSeed(new ChaCha20Source({ seed: new Uint8Array(32).fill(1) }));
    expect(a).toHaveLength(32);
    expect(hex(a)).toBe(hex(b));
    const c = createServerSeedCommitment(new ChaCha20Source({ seed: new Uint8Array(32).fill(1) }));
    expect(hex(c.serverSeed)).toBe(hex(a));
    expect(c.commitmentHex).toBe(commitServerSeed(a));
  });

  it('rejects malformed inputs with clear errors', () => {
    expect(() => commitServerSeed(new Uint8Array(31))).toThrow(/32 bytes/);
    expect(() => provablyFairBlock(serverSeed, '', 0, 0)).toThrow(/clientSeed/);
    expect(() => provablyFairBlock(serverSeed, 'x'.repeat(257), 0, 0)).toThrow(/256/);
    expect(() => provablyFairBlock(serverSeed, 'x', -1, 0)).toThrow();
    expect(() => provablyFairBlock(serverSeed, 'x', 1.5, 0)).toThrow();
  });
});

describe('verifyProvablyFair', () => {
  const commitment = createServerSeedCommitment(new ChaCha20Source({ seed: new Uint8Array(32).fill(9) }));
  const claim = {
    serverSeedHex: hex(commitment.serverSeed),
    commitmentHex: commitment.commitmentHex,
    clientSeed: 'player-chosen',
    nonce: 42,
  };
  const spin = (source: RandomSource) => [0, 1, 2, 3, 4].map(() => uniformInt(source, 37));

  it('round-trips: the verifier reproduces the bytes and the game draws the server made', () => {
    const serverSide = new ProvablyFairSource({
      serverSeed: commitment.serverSeed,
      clientSeed: 'player-chosen',
      nonce: 42,
    });
    const served = spin(serverSide);
    const result = verifyProvablyFair(claim, { byteCount: 40, draw: spin });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.outcome).toEqual(served);
    expect(result.bytesHex).toBe(hex(provablyFairBytes({ ...claim, serverSeed: commitment.serverSeed }, 40)));
    expect(result.commitmentHex).toBe(claim.commitmentHex);
    // Uppercase hex is accepted.
    expect(verifyProvablyFair({ ...claim, serverSeedHex: claim.serverSeedHex.toUpperCase() }).ok).toBe(true);
  });

  it('rejects a tampered server seed (one bit flipped) as a commitment mismatch', () => {
    const tampered = Buffer.from(claim.serverSeedHex, 'hex');
    tampered[31] = tampered[31]! ^ 1;
    const result = verifyProvablyFair({ ...claim, serverSeedHex: tampered.toString('hex') }, { draw: spin });
    expect(result).toMatchObject({ ok: false, code: 'COMMITMENT_MISMATCH' });
  });

  it('rejects a tampered commitment', () => {
    const bad = `${claim.commitmentHex.slice(0, 63)}${claim.commitmentHex.endsWith('0') ? '1' : '0'}`;
    expect(verifyProvablyFair({ ...claim, commitmentHex: bad })).toMatchObject({
      ok: false,
      code: 'COMMITMENT_MISMATCH',
    });
  });

  it('a different nonce or client seed gives different outcome bytes', () => {
    const base = verifyProvablyFair(claim);
    const otherNonce = verifyProvablyFair({ ...claim, nonce: 43 });
    const otherClient = verifyProvablyFair({ ...claim, clientSeed: 'player-chosen!' });
    if (!base.ok || !otherNonce.ok || !otherClient.ok) expect.fail('verification should succeed');
    expect(otherNonce.bytesHex).not.toBe(base.bytesHex);
    expect(otherClient.bytesHex).not.toBe(base.bytesHex);
  });

  it('returns INVALID_INPUT (never throws) for malformed claims', () => {
    for (const bad of [
      { ...claim, serverSeedHex: 'zz' },
      { ...claim, commitmentHex: claim.commitmentHex.slice(2) },
      { ...claim, clientSeed: '' },
      { ...claim, nonce: -1 },
      { ...claim, nonce: 0.5 },
    ]) {
      const result = verifyProvablyFair(bad);
      expect(result).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    }
    expect(verifyProvablyFair(claim, { byteCount: -1 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });
});
