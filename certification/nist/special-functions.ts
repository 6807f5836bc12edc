/**
 * Special functions of SP 800-22 §5.5.3 (igamc, erfc, the standard normal CDF).
 *
 * Which library, and why: the reference (sts-2.1.2) uses its bundled Cephes `igamc`/`lgam` and the
 * C library's `erf`/`erfc` (REFERENCE-BEHAVIOUR.md item 14). We use `cephes` (NearForm's
 * WebAssembly build of Moshier's netlib Cephes, compiled synchronously on Node): the very
 * algorithms the reference runs, so P-values agree to rounding, including the UNDERFLOW cut-off
 * (item 18: when a·ln x − x − lgam(a) < −MAXLOG, igamc returns exactly 0) and the same `erf`
 * for Φ. Cephes erf/erfc are accurate to ~1e-16 relative, as glibc's.
 *
 * Rejected: @stdlib/math-base-special-gammainc 0.3.1 (a Boost port) returns Q(3906, 3956.05) =
 * 0.212987 where the true value (mpmath, scipy, Cephes) is 0.211072: a 2e-3 error in the
 * large-a region that the block-frequency test uses (a = N/2 = 3906 for n = 10^6, M = 128).
 * simple-statistics' `errorFunction` is a truncated series (~1e-7) and its normal CDF is a
 * 4-decimal table: not precise enough for 1e-6 after the cumulative-sums cancellations.
 */
import { createRequire } from 'node:module';

/*
 * The package's ES-module build compiles its WebAssembly asynchronously (callers must await
 * `compiled`); its CommonJS build compiles synchronously on Node. The battery's API is synchronous,
 * so the CommonJS build is loaded explicitly.
 */
interface CephesApi {
  igam(a: number, x: number): number;
  igamc(a: number, x: number): number;
  lgam(x: number): number;
  erf(x: number): number;
  erfc(x: number): number;
}
const cephes = createRequire(import.meta.url)('cephes') as CephesApi;

/** Cephes MAXLOG = ln(DBL_MAX). */
export const CEPHES_MAXLOG = 709.782712893384;

/** Complementary error function erfc(x) = 1 − erf(x) (SP 800-22 §5.5.3). */
export function erfc(x: number): number {
  // Cephes erfc reports UNDERFLOW (the package throws) once x² > MAXLOG and then returns 0 (2 for
  // x < 0); glibc's returns a subnormal there. Both print as 0.000000.
  if (x * x > CEPHES_MAXLOG) return x < 0 ? 2 : 0;
  return cephes.erfc(x);
}

/** Error function erf(x). */
export function erf(x: number): number {
  // Cephes erf(x) = 1 − erfc(x) for |x| > 1, so the same UNDERFLOW cut-off gives ±1.
  if (x * x > CEPHES_MAXLOG) return x < 0 ? -1 : 1;
  return cephes.erf(x);
}

/** ln Γ(a) for a > 0 (the reference's `cephes_lgam`). */
export function lgam(a: number): number {
  return cephes.lgam(a);
}

/**
 * a·ln x − x − ln Γ(a): Cephes' log prefactor. Below −MAXLOG the reference's igam/igamc report
 * UNDERFLOW and return 0 (item 18); the `cephes` package throws there instead, so the cut-off is
 * applied here first, exactly as the reference's `cephes.c` does.
 */
function underflows(a: number, x: number): boolean {
  return a * Math.log(x) - x - cephes.lgam(a) < -CEPHES_MAXLOG;
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a) (Cephes `igam`). */
export function igam(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0 || a <= 0) return 0;
  if (x > 1 && x > a) return 1 - igamc(a, x);
  if (underflows(a, x)) return 0;
  return cephes.igam(a, x);
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a), SP 800-22 §5.5.3 "igamc", with the
 * reference's edge cases: x ≤ 0 or a ≤ 0 → 1; underflow of the prefactor → exactly 0 (item 18).
 */
export function igamc(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0 || a <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x < 1 || x < a) return 1 - igam(a, x);
  if (underflows(a, x)) return 0;
  return cephes.igamc(a, x);
}

/**
 * Standard normal CDF Φ(x) as the reference's `cephes_normal` computes it: 0.5·(1 ± erf(|x|/√2))
 * (SP 800-22 §5.5.3; used by the cumulative-sums test, §2.13.4 step 4).
 */
export function normalCdf(x: number): number {
  const sqrt2 = Math.SQRT2;
  if (x > 0) return 0.5 * (1 + erf(x / sqrt2));
  return 0.5 * (1 - erf(-x / sqrt2));
}
