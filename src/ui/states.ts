// One colour per machine state, used by tiles, badges, the state timeline and its legend.

export interface StateStyle {
  /** Stable key, also the CSS modifier: `state-running`. */
  key: string;
  colour: string;
  /** Text colour that reads on the fill. */
  ink: string;
}

const STYLES: Record<string, StateStyle> = {
  running: { key: 'running', colour: '#2f9e55', ink: '#fff' },
  idle: { key: 'idle', colour: '#e2a616', ink: '#1d1a10' },
  starved: { key: 'starved', colour: '#f2cc5a', ink: '#1d1a10' },
  blocked: { key: 'blocked', colour: '#b07d12', ink: '#fff' },
  setup: { key: 'setup', colour: '#2f78d0', ink: '#fff' },
  breakdown: { key: 'breakdown', colour: '#d23c3c', ink: '#fff' },
  minor_stop: { key: 'minor_stop', colour: '#ee7a1f', ink: '#fff' },
  planned: { key: 'planned', colour: '#929ba5', ink: '#fff' },
  offline: { key: 'offline', colour: '#3d454e', ink: '#e8ebee' },
  unknown: { key: 'unknown', colour: '#b9c0c7', ink: '#1d2329' },
};

/** Maps a state name (`Running`, `minor stop`, `planned_break` ...) to its style. */
export function stateStyle(name: string | undefined | null): StateStyle {
  if (!name) return STYLES.unknown;
  const n = name.toLowerCase().replace(/[\s_-]+/g, ' ');
  if (/\brun|produc|execut/.test(n)) return STYLES.running;
  if (/starv|no material/.test(n)) return STYLES.starved;
  if (/block|output full/.test(n)) return STYLES.blocked;
  if (/set ?up|change ?over/.test(n)) return STYLES.setup;
  if (/\bplanned/.test(n)) return STYLES.planned;
  if (/minor|micro|short stop/.test(n)) return STYLES.minor_stop;
  if (/break ?down|fault|failure|error|alarm|unplanned/.test(n)) return STYLES.breakdown;
  if (/break|pause|lunch|maintenance|clean/.test(n)) return STYLES.planned;
  if (/off ?line|disconnected|no data|power ?off/.test(n)) return STYLES.offline;
  if (/idle|stop|wait/.test(n)) return STYLES.idle;
  return STYLES.unknown;
}

/** `minor_stop` → `Minor stop` */
export function stateLabel(name: string): string {
  const text = name.replace(/[_-]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
