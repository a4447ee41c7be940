// A small SVG line of recent values over a fixed number of slots; a young history grows from the right.

interface Props {
  values: number[];
  width?: number;
  height?: number;
  colour?: string;
  /** Number of slots the line spans (the newest value is always at the right edge). */
  capacity?: number;
}

export function Sparkline({ values, width = 240, height = 48, colour = '#2f78d0', capacity = values.length }: Props) {
  const max = Math.max(...values, 1);
  const slots = Math.max(capacity, values.length, 2) - 1;
  const x = (i: number) => width - ((values.length - 1 - i) / slots) * width;
  const y = (v: number) => height - 3 - (v / max) * (height - 8);
  const line = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <svg class="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" data-points={values.length}>
      <line x1="0" x2={width} y1={height - 3} y2={height - 3} stroke="#d5dae0" stroke-dasharray="3 3" vector-effect="non-scaling-stroke" />
      {values.length > 1 && (
        <>
          <polygon points={`${x(0).toFixed(1)},${height - 3} ${line} ${width},${height - 3}`} fill={colour} opacity="0.12" />
          <polyline points={line} fill="none" stroke={colour} stroke-width="1.6" stroke-linejoin="round" vector-effect="non-scaling-stroke" />
        </>
      )}
    </svg>
  );
}
