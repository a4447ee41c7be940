/** A path segment: lower-case letters, digits, `-` and `_`, starting with a letter or digit. */
export const SEGMENT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

export function isValidSegment(segment: string): boolean {
  return SEGMENT_PATTERN.test(segment);
}

export function joinPath(...segments: string[]): string {
  return segments.filter((s) => s.length > 0).join('/');
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Checks an MQTT-style subscription pattern: `+` matches exactly one level, `#` (last level only)
 * matches any number of levels including none. Returns a reason string when invalid.
 */
export function patternError(pattern: string): string | undefined {
  if (pattern.length === 0) return 'pattern is empty';
  const levels = pattern.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level === '#' && i !== levels.length - 1) return `'#' must be the last level (found at level ${i + 1})`;
    if (level !== '#' && level !== '+' && (level.includes('#') || level.includes('+'))) {
      return `wildcards must fill a whole level (level ${i + 1} is '${level}')`;
    }
  }
  return undefined;
}

/**
 * True when `topic` matches the MQTT-style `pattern`.
 * @example topicMatches('acme/+/assembly/#', 'acme/berlin/assembly/line-1/press-1/temperature') // true
 */
export function topicMatches(pattern: string, topic: string): boolean {
  // As in MQTT, a wildcard in the first level does not match system topics starting with '$'
  // ($events/...), so a '#' subscriber such as the historian never receives events.
  if (topic.charCodeAt(0) === 36 /* $ */ && (pattern.charCodeAt(0) === 35 /* # */ || pattern.charCodeAt(0) === 43) /* + */) return false;
  if (pattern === '#') return true;
  let p = 0;
  let t = 0;
  while (true) {
    const pEnd = pattern.indexOf('/', p);
    const tEnd = topic.indexOf('/', t);
    const pLevel = pEnd < 0 ? pattern.slice(p) : pattern.slice(p, pEnd);
    if (pLevel === '#') return true;
    if (t > topic.length) return false;
    const tLevel = tEnd < 0 ? topic.slice(t) : topic.slice(t, tEnd);
    if (pLevel !== '+' && pLevel !== tLevel) return false;
    if (pEnd < 0 || tEnd < 0) {
      if (pEnd < 0 && tEnd < 0) return true;
      // `a/#` also matches `a` itself: the pattern's remaining level is a lone '#'.
      return tEnd < 0 && pattern.slice(pEnd + 1) === '#';
    }
    p = pEnd + 1;
    t = tEnd + 1;
  }
}
