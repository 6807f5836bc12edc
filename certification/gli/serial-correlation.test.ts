import { describe, expect, it } from 'vitest';
import { serialCorrelationMoments } from './serial-correlation.ts';
import { aesWords } from './test-support.ts';

describe('serial correlation moments, Knuth TAOCP vol. 2 3rd ed. §3.3.2K eq. (25)', () => {
  it('mu_n = -1/(n-1), sigma_n = sqrt(n(n-3)/(n+1))/(n-1)', () => {
    expect(serialCorrelationMoments(10).mean).toBeCloseTo(-1 / 9, 15);
    expect(serialCorrelationMoments(10).sd).toBeCloseTo(Math.sqrt(70 / 11) / 9, 15);
  });
  it('matches the simulated law of C for uniform U at n = 30 (the 2nd-edition SD is 11% too large)', () => {
    const n = 30;
    const repetitions = 20_000;
    const word = aesWords(7);
    let sum = 0;
    let sumSquares = 0;
    const u = new Float64Array(n);
    for (let r = 0; r < repetitions; r++) {
      for (let j = 0; j < n; j++) u[j] = word() / 2 ** 32;
      let products = 0;
      let total = 0;
      let squares = 0;
      for (let j = 0; j < n; j++) {
        products += u[j]! * u[(j + 1) % n]!;
        total += u[j]!;
        squares += u[j]! * u[j]!;
      }
      const c = (n * products - total * total) / (n * squares - total * total);
      sum += c;
      sumSquares += c * c;
    }
    const mean = sum / repetitions;
    const sd = Math.sqrt(sumSquares / repetitions - mean * mean);
    const { mean: mu, sd: sigma } = serialCorrelationMoments(n);
    // Standard error of the simulated mean ~ sigma/sqrt(R) = 0.0012; of the SD ~ 0.5%.
    expect(Math.abs(mean - mu)).toBeLessThan(0.005);
    expect(Math.abs(sd / sigma - 1)).toBeLessThan(0.03); // eq. (25) is exact for normal U, close for uniform
    const secondEdition = n / ((n - 1) * Math.sqrt(n - 2));
    expect(secondEdition / sd - 1).toBeGreaterThan(0.05);
  });
});
