// Other spellings of a request path, as an attacker would try them against a
// gate that looks at the URL's text: percent-encoded letters, encoded
// slashes, case changes, doubled slashes, dot segments, `;params`, `?` and
// `#` tricks. Each is sent raw (over a socket, never through a URL parser
// that would normalise it first).

export interface Spelling {
  readonly name: string;
  readonly path: string;
}

const hex = (c: string, lower = false) => {
  const code = `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return lower ? code : code.toUpperCase();
};

const encodeFirstLetter = (segment: string, lower = false) => segment.replace(/[A-Za-z]/, (c) => hex(c, lower));
const encodeLetters = (segment: string) => segment.replace(/[A-Za-z]/g, (c) => hex(c));
const encodeAll = (segment: string) => segment.replace(/[^]/g, (c) => hex(c));
const capitalise = (segment: string) => segment.replace(/[a-z]/, (c) => c.toUpperCase());

/**
 * Spellings of `path` (which starts with `/`). `params` are the indexes of
 * its segments that are parameter values (encoded in their own variant).
 */
export function spellings(path: string, params: ReadonlySet<number> = new Set()): Spelling[] {
  const segments = path.split('/').slice(1);
  const join = (parts: readonly string[]) => `/${parts.join('/')}`;
  const withSegment = (i: number, value: string) => join(segments.map((s, j) => (j === i ? value : s)));
  const out: Spelling[] = [{ name: 'canonical', path }];
  const add = (name: string, variant: string) => {
    if (variant !== path && !out.some((s) => s.path === variant)) out.push({ name, path: variant });
  };

  segments.forEach((segment, i) => {
    if (/[A-Za-z]/.test(segment)) {
      add(`%XX letter in segment ${i}`, withSegment(i, encodeFirstLetter(segment)));
      // Lower-case hex once, on the area's segment (it decodes the same everywhere; every segment would only cost time).
      if (i === 1) add(`%xx (lower hex) letter in segment ${i}`, withSegment(i, encodeFirstLetter(segment, true)));
      add(`capitalised segment ${i}`, withSegment(i, capitalise(segment)));
    }
    if (params.has(i)) add(`encoded parameter ${i}`, withSegment(i, encodeAll(segment)));
    add(`;param on segment ${i}`, withSegment(i, `${segment};x=1`));
    add(`doubled slash before segment ${i}`, join([...segments.slice(0, i), '', ...segments.slice(i)]));
    add(`/./ before segment ${i}`, join([...segments.slice(0, i), '.', ...segments.slice(i)]));
    add(`/x/../ before segment ${i}`, join([...segments.slice(0, i), 'x', '..', ...segments.slice(i)]));
    if (i + 1 < segments.length) {
      add(`%2F between segments ${i} and ${i + 1}`, join([...segments.slice(0, i), `${segment}%2F${segments[i + 1]!}`, ...segments.slice(i + 2)]));
      if (i === 1) add(`%2f between segments ${i} and ${i + 1}`, join([...segments.slice(0, i), `${segment}%2f${segments[i + 1]!}`, ...segments.slice(i + 2)]));
      add(`backslash between segments ${i} and ${i + 1}`, join([...segments.slice(0, i), `${segment}\\${segments[i + 1]!}`, ...segments.slice(i + 2)]));
    }
  });
  add('every letter encoded', join(segments.map(encodeLetters)));
  add('upper case', path.toUpperCase());
  add('trailing slash', `${path}/`);
  add('leading doubled slash', `/${path}`);
  add('/%2e/ segment', join([segments[0]!, '%2e', ...segments.slice(1)]));
  add('/x/%2e%2e/ segments', join([segments[0]!, 'x', '%2e%2e', ...segments.slice(1)]));
  add('empty query', `${path}?`);
  add('query that looks like a path', `${path}?/../../api/portal/config`);
  add('encoded question mark', `${path}%3F`);
  add('encoded question mark and more', `${path}%3Fx=/api/portal/config`);
  add('fragment', `${path}#x`);
  add('encoded NUL', `${path}%00`);
  add('encoded NUL inside', withSegment(0, `${segments[0]!}%00`));
  return out;
}
