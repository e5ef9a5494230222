/**
 * Special functions behind one small module, so models never import @stdlib directly.
 * All are accurate to about 1e-15 relative against mpmath (see test/math/special.test.ts and its fixture generator).
 */
import betalnImpl from "@stdlib/math-base-special-betaln";
import digammaImpl from "@stdlib/math-base-special-digamma";
import expm1Impl from "@stdlib/math-base-special-expm1";
import gammalnImpl from "@stdlib/math-base-special-gammaln";
import hyp2f1Impl from "@stdlib/math-base-special-hyp2f1";
import log1pImpl from "@stdlib/math-base-special-log1p";

/**
 * Natural log of the gamma function, ln Γ(x).
 * @param x a positive number
 * @returns ln Γ(x)
 * @example gammaln(5) // => ln 24 = 3.1780538303479458
 */
export const gammaln: (x: number) => number = gammalnImpl;

/**
 * Natural log of the beta function, ln B(a, b).
 * @param a positive
 * @param b positive
 * @returns ln B(a, b)
 * @example betaln(2, 3) // => ln(1/12) = -2.4849066497880004
 */
export const betaln: (a: number, b: number) => number = betalnImpl;

/**
 * Digamma function ψ(x) = d/dx ln Γ(x).
 * @param x a positive number
 * @returns ψ(x)
 * @example digamma(1) // => -0.5772156649015329 (minus the Euler–Mascheroni constant)
 */
export const digamma: (x: number) => number = digammaImpl;

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for |z| < 1 (and z = 1 where it converges).
 * @param a first numerator parameter
 * @param b second numerator parameter
 * @param c denominator parameter
 * @param z argument
 * @returns 2F1(a, b; c; z)
 * @example hyp2f1(1, 1, 2, 0.5) // => -ln(0.5)/0.5 = 1.3862943611198906
 */
export const hyp2f1: (a: number, b: number, c: number, z: number) => number = hyp2f1Impl;

/**
 * ln(1 + x), accurate for small x.
 * @example log1p(1e-20) // => 1e-20
 */
export const log1p: (x: number) => number = log1pImpl;

/**
 * exp(x) - 1, accurate for small x.
 * @example expm1(1e-20) // => 1e-20
 */
export const expm1: (x: number) => number = expm1Impl;
