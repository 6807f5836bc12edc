/**
 * A small seeded generator for journeys, so a visit's choices (think times, bets, modes) replay
 * from (seed, visit number) in k6 and in the Node runner alike. SplitMix32-style mixing
 * (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) feeding
 * Mulberry32's output function; quality is ample for workload shaping, not for games.
 */
export function seededRandom(seed: number, stream: number): () => number {
  let state = mix32((seed >>> 0) ^ mix32(stream >>> 0));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function mix32(value: number): number {
  let z = (value + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
