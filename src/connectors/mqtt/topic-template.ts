// Topic patterns with named captures (`factory/{line}/{machine}/telemetry`) and the path templates
// that use them (`acme/berlin/{line}/{machine}`).

const CAPTURE = /^\{([A-Za-z_][A-Za-z0-9_-]*)\}$/;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_-]*)\}/g;

type Level = { kind: 'literal'; text: string } | { kind: 'capture'; name: string } | { kind: 'one' } | { kind: 'rest' };

/** A compiled topic pattern: its MQTT subscription and a matcher returning the captured levels. */
export interface TopicPattern {
  readonly source: string;
  /** The pattern as an MQTT subscription (captures become `+`). */
  readonly subscription: string;
  readonly captures: readonly string[];
  /** The captured levels by name, or undefined when the topic does not match. */
  match(topic: string): Record<string, string> | undefined;
}

/** Compiles a topic pattern; throws with the reason when it is not valid. */
export function compileTopicPattern(pattern: string): TopicPattern {
  const levels: Level[] = pattern.split('/').map((text, i, all): Level => {
    const capture = CAPTURE.exec(text);
    if (capture) return { kind: 'capture', name: capture[1] };
    if (text === '+') return { kind: 'one' };
    if (text === '#') {
      if (i !== all.length - 1) throw new Error(`topic pattern '${pattern}': '#' must be the last level`);
      return { kind: 'rest' };
    }
    if (/[+#{}]/.test(text)) throw new Error(`topic pattern '${pattern}': level '${text}' mixes text with a wildcard or capture; a capture fills a whole level, e.g. {machine}`);
    return { kind: 'literal', text };
  });
  const captures = levels.flatMap((l) => (l.kind === 'capture' ? [l.name] : []));
  const duplicate = captures.find((name, i) => captures.indexOf(name) !== i);
  if (duplicate) throw new Error(`topic pattern '${pattern}': capture {${duplicate}} appears twice`);
  const subscription = levels.map((l) => (l.kind === 'literal' ? l.text : l.kind === 'rest' ? '#' : '+')).join('/');
  const last = levels.at(-1)!;
  const fixedCount = last.kind === 'rest' ? levels.length - 1 : levels.length;
  return {
    source: pattern,
    subscription,
    captures,
    match(topic: string) {
      const parts = topic.split('/');
      if (last.kind === 'rest' ? parts.length < fixedCount : parts.length !== fixedCount) return undefined;
      const out: Record<string, string> = {};
      for (let i = 0; i < fixedCount; i++) {
        const level = levels[i];
        const part = parts[i];
        if (level.kind === 'literal') {
          if (part !== level.text) return undefined;
        } else if (level.kind === 'capture') {
          out[level.name] = part;
        }
      }
      return out;
    },
  };
}

/** Names a template uses, e.g. `['line', 'machine']` for `acme/{line}/{machine}`. */
export function templateNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** Fills `{name}` placeholders from `values`; each value passes through `transform` first. */
export function fillTemplate(template: string, values: Record<string, string>, transform: (value: string) => string = (v) => v): string {
  return template.replace(PLACEHOLDER, (_, name: string) => transform(values[name] ?? ''));
}

/**
 * Turns a topic level or payload field name into a UNS path segment: lower case, runs of other
 * characters become '-', no leading or trailing '-' or '_'. Empty when nothing usable is left.
 * @example toSegment('Line 1') // 'line-1'
 */
export function toSegment(text: string): string {
  if (/^[a-z0-9][a-z0-9_-]*$/.test(text)) return text;
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}
