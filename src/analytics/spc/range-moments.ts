/**
 * Moments of the range of n independent standard normal values, by numerical integration.
 * d2(n) = E[W] and d3(n) = sd(W), where W = max - min (Tippett 1925; tabulated by Harter 1960).
 * The constants table in `constants.ts` was generated with this and is checked against it by a test.
 */

const SQRT1_2 = Math.SQRT1_2;

/** erfc(x) for x >= 0, accurate to about 1e-15: power series of erf below 2.5, continued fraction above. */
function erfcPositive(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum (-1)^k x^(2k+1) / (k! (2k+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let k = 1; k < 200; k++) {
      term *= -x2 / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Standard normal cumulative distribution function. */
export function normalCdf(z: number): number {
  const x = z * SQRT1_2;
  return x >= 0 ? 1 - 0.5 * erfcPositive(x) : 0.5 * erfcPositive(-x);
}

/**
 * d2 and d3 for subgroups of n (n >= 2), to about 1e-7.
 * E[W] = ∫ 1 - Φ(x)^n - (1-Φ(x))^n dx;
 * E[W²] = 2 ∫₀^∞ ∫ 1 - Φ(x+w)^n - (1-Φ(x))^n + (Φ(x+w)-Φ(x))^n dx dw.
 * Trapezoid rule in x (smooth and decaying: very accurate), Simpson's rule in w.
 */
export function rangeMoments(n: number): { d2: number; d3: number } {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`subgroup size must be an integer >= 2, got ${n}`);
  const h = 0.02;
  const xMax = 10;
  const wSteps = 700; // w up to 14
  const count = Math.round((2 * xMax) / h) + wSteps + 1;
  const lower = new Float64Array(count); // Φ(x_k)
  const upper = new Float64Array(count); // 1 - Φ(x_k), computed without cancellation
  const lowerN = new Float64Array(count);
  const upperN = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const x = -xMax + k * h;
    lower[k] = normalCdf(x);
    upper[k] = normalCdf(-x);
    lowerN[k] = lower[k] ** n;
    upperN[k] = upper[k] ** n;
  }
  const xCount = Math.round((2 * xMax) / h) + 1;
  let mean = 0;
  for (let k = 0; k < xCount; k++) mean += 1 - lowerN[k] - upperN[k];
  mean *= h;

  let second = 0;
  for (let j = 0; j <= wSteps; j++) {
    let inner = 0;
    for (let k = 0; k < xCount; k++) {
      const y = k + j;
      const between = lower[y] - lower[k];
      inner += 1 - lowerN[y] - upperN[k] + (between > 0 ? between ** n : 0);
    }
    inner *= h;
    const weight = j === 0 || j === wSteps ? 1 : j % 2 === 1 ? 4 : 2;
    second += weight * inner;
  }
  second *= h / 3;
  second *= 2;
  return { d2: mean, d3: Math.sqrt(second - mean * mean) };
}
