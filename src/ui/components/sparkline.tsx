// A small SVG line of recent values, scaled to fit its box.

interface Props {
  values: number[];
  width?: number;
  height?: number;
  colour?: string;
  /** Number of slots the line spans, so a young history grows from the right. */
  capacity?: number;
}

export function Sparkline({ values, width = 240, height = 48, colour = '#2f78d0', capacity = values.length }: Props) {
  if (values.length < 2) return <svg class="sparkline" width={width} height={height} />;
  const max = Math.max(...values, 1);
  const min = Math.min(...values, 0);
  const slots = Math.max(capacity, values.length) - 1;
  const x = (i: number) => width - ((values.length - 1 - i) / slots) * width;
  const y = (v: number) => height - 2 - ((v - min) / (max - min || 1)) * (height - 4);
  const line = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const area = `${x(0).toFixed(1)},${height} ${line} ${width},${height}`;
  return (
    <svg class="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" data-points={values.length}>
      <polygon points={area} fill={colour} opacity="0.12" />
      <polyline points={line} fill="none" stroke={colour} stroke-width="1.6" vector-effect="non-scaling-stroke" />
    </svg>
  );
}
