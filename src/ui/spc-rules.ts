// Run rules as the SPC page shows them: a marker shape and colour per rule, and short names.

/** Shape per rule id: Nelson numbering, Western Electric mapped to the Nelson rule it resembles. */
const SHAPES: Record<string, Shape> = {
  'nelson-1': 'circle',
  'we-1': 'circle',
  'nelson-2': 'square',
  'we-4': 'square',
  'nelson-3': 'triangle-up',
  'nelson-4': 'diamond',
  'nelson-5': 'triangle-down',
  'we-2': 'triangle-down',
  'nelson-6': 'cross',
  'we-3': 'cross',
  'nelson-7': 'plus',
  'nelson-8': 'star',
};

export type Shape = 'circle' | 'square' | 'triangle-up' | 'triangle-down' | 'diamond' | 'cross' | 'plus' | 'star';

export const RULE_COLOURS: Record<Shape, string> = {
  circle: '#d23c3c',
  square: '#ee7a1f',
  'triangle-up': '#9c4dc4',
  'triangle-down': '#c2185b',
  diamond: '#2f78d0',
  cross: '#b07d12',
  plus: '#00897b',
  star: '#5d4037',
};

export function ruleShape(rule: string): Shape {
  return SHAPES[rule] ?? 'circle';
}

/** `nelson-5` → `Nelson 5`, `we-2` → `WE 2`. */
export function ruleLabel(rule: string): string {
  const [family, number] = rule.split('-');
  return `${family === 'we' ? 'WE' : family === 'nelson' ? 'Nelson' : family} ${number ?? ''}`.trim();
}
