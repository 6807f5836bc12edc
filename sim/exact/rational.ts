/**
 * Exact non-negative-denominator rationals over BigInt, always in lowest terms. Exact RTPs and
 * moments are ratios of integers (weighted hits over the cycle); decimals are derived from them by
 * exact long division, never through floating point.
 */

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError('rational with zero denominator');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n, d);
    return g > 1n ? new Rational(n / g, d / g) : new Rational(n, d);
  }

  static readonly ZERO = Rational.of(0n);
  static readonly ONE = Rational.of(1n);

  add(o: Rational): Rational {
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError('division by zero');
    return Rational.of(this.num * o.den, this.den * o.num);
  }
  mulInt(k: bigint | number): Rational {
    return Rational.of(this.num * BigInt(k), this.den);
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  compare(o: Rational): number {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  equals(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }

  /** Nearest double (exact enough for display; never used for further exact work). */
  toNumber(): number {
    // Scale to keep precision when num and den exceed 2^1023 or differ hugely.
    const digits = 30;
    const scaled = (this.num * 10n ** BigInt(digits)) / this.den;
    return Number(scaled) / 10 ** digits;
  }

  /** Decimal string rounded half-up to `places` digits after the point. */
  toDecimal(places: number): string {
    const negative = this.num < 0n;
    const n = negative ? -this.num : this.num;
    const scale = 10n ** BigInt(places);
    const q = (n * scale * 2n + this.den) / (this.den * 2n);
    const whole = q / scale;
    const frac = (q % scale).toString().padStart(places, '0');
    return `${negative && q !== 0n ? '-' : ''}${whole}${places > 0 ? `.${frac}` : ''}`;
  }

  toJSON(): { numerator: string; denominator: string } {
    return { numerator: this.num.toString(), denominator: this.den.toString() };
  }

  toString(): string {
    return `${this.num}/${this.den}`;
  }
}
