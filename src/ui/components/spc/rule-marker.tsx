// One marker shape per run rule, so a chart shows which rule each flagged point broke.
// Nelson 1-8 and Western Electric 1-4 (which are Nelson 1, 5, 6 and a run of 8) share shapes by pattern.
import { ruleShape, RULE_COLOURS, type Shape } from '../../spc-rules.js';

function path(shape: Shape, r: number): string {
  switch (shape) {
    case 'square':
      return `M ${-r} ${-r} H ${r} V ${r} H ${-r} Z`;
    case 'triangle-up':
      return `M 0 ${-r * 1.2} L ${r * 1.1} ${r * 0.8} L ${-r * 1.1} ${r * 0.8} Z`;
    case 'triangle-down':
      return `M 0 ${r * 1.2} L ${r * 1.1} ${-r * 0.8} L ${-r * 1.1} ${-r * 0.8} Z`;
    case 'diamond':
      return `M 0 ${-r * 1.3} L ${r * 1.1} 0 L 0 ${r * 1.3} L ${-r * 1.1} 0 Z`;
    case 'cross':
      return `M ${-r} ${-r} L ${r} ${r} M ${r} ${-r} L ${-r} ${r}`;
    case 'plus':
      return `M 0 ${-r * 1.2} V ${r * 1.2} M ${-r * 1.2} 0 H ${r * 1.2}`;
    case 'star': {
      const points: string[] = [];
      for (let i = 0; i < 10; i++) {
        const a = (Math.PI / 5) * i - Math.PI / 2;
        const rr = i % 2 === 0 ? r * 1.3 : r * 0.55;
        points.push(`${(rr * Math.cos(a)).toFixed(2)} ${(rr * Math.sin(a)).toFixed(2)}`);
      }
      return `M ${points.join(' L ')} Z`;
    }
    case 'circle':
      return `M ${-r} 0 A ${r} ${r} 0 1 0 ${r} 0 A ${r} ${r} 0 1 0 ${-r} 0`;
  }
}

/** The marker of `rule` centred at (x, y); open shapes are stroked, closed ones outlined and lightly filled. */
export function RuleMarker({ rule, x, y, r = 6 }: { rule: string; x: number; y: number; r?: number }) {
  const shape = ruleShape(rule);
  const colour = RULE_COLOURS[shape];
  const open = shape === 'cross' || shape === 'plus';
  return (
    <path
      d={path(shape, r)}
      transform={`translate(${x.toFixed(1)} ${y.toFixed(1)})`}
      fill={open ? 'none' : `${colour}33`}
      stroke={colour}
      stroke-width={open ? 2.4 : 1.8}
      class="rule-marker"
      data-rule={rule}
    />
  );
}

/** The marker alone, for legends and the violation list. */
export function RuleIcon({ rule }: { rule: string }) {
  return (
    <svg width="16" height="16" viewBox="-8 -8 16 16" class="rule-icon" aria-hidden="true">
      <RuleMarker rule={rule} x={0} y={0} r={5} />
    </svg>
  );
}
