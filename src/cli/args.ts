/** A usage error: main.ts prints it with the usage text and exits 64. */
export function usage(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_LOOM' });
}

/** Checks a flag's value against a list; undefined stays undefined. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw usage(`${flag} '${value}' must be one of ${allowed.join(', ')}`);
  return value as T;
}
