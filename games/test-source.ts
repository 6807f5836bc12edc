/**
 * A tiny deterministic RandomSource for the game tests (SplitMix32-style mixing of a counter, after
 * G. Steele, D. Lea, C. Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014). Not
 * for production: tests need a seedable source independent of the RNG kernel's stream registry.
 */
import { type RandomSource, WordSource } from '../rng/index.ts';

class CounterMixSource extends WordSource {
  readonly id = 'test-splitmix32';
  private state: number;
  constructor(seed: number) {
    super();
    this.state = seed >>> 0;
  }
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
}

export function seededSource(seed: number): RandomSource {
  return new CounterMixSource(seed);
}

/** A source that replays a fixed list of words (then throws): for scripted rounds. */
export function scriptedSource(words: readonly number[]): RandomSource {
  let i = 0;
  return new (class extends WordSource {
    readonly id = 'test-scripted';
    nextUint32(): number {
      if (i >= words.length) throw new Error('scripted source exhausted');
      return words[i++]! >>> 0;
    }
  })();
}
