// The machine state codes the simulator publishes on each machine's `state` tag.

export const OFFLINE = 0;
export const RUNNING = 1;
export const IDLE = 2;
export const STARVED = 3;
export const BLOCKED = 4;
export const SETUP = 5;
export const BREAKDOWN = 6;
export const MINOR_STOP = 7;
export const PLANNED_BREAK = 8;
export const PLANNED_MAINTENANCE = 9;

/** State names by code, as the `states` map of the `state` tag carries them. */
export const STATE_NAMES: Readonly<Record<string, string>> = Object.freeze({
  '0': 'offline',
  '1': 'running',
  '2': 'idle',
  '3': 'starved',
  '4': 'blocked',
  '5': 'setup',
  '6': 'breakdown',
  '7': 'minor_stop',
  '8': 'planned_break',
  '9': 'planned_maintenance',
});

/** Code of a state name (`running` -> 1). */
export const STATE_CODES: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(Object.entries(STATE_NAMES).map(([code, name]) => [name, Number(code)])),
);

/** How much of the machine is energised in each state: 0 off, 1 standby, 2 producing. Indexed by code. */
export const POWER_LEVEL: readonly number[] = [0, 2, 1, 1, 1, 1, 0, 1, 1, 0];
