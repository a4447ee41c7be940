// Axis scales for the SVG charts.

/** Round tick values between min and max, 1, 2 or 5 times a power of ten apart, as close to `count` as they come. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const raw = (max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return [min];
  const power = 10 ** Math.floor(Math.log10(raw));
  const span = max - min;
  const step = [1, 2, 5, 10].map((m) => m * power).sort((a, b) => Math.abs(span / a - count) - Math.abs(span / b - count))[0];
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
