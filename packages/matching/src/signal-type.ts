// Signal types as plugins, after python-threatexchange's SignalType: each has
// a stable literal name (what the bank, the partner feed and the StopNCII
// dialect call it — never derived from a class name), parses and validates
// its values, compares two of them, and builds an index of many.

import { type Md5Hash, type PdqHash, type Result, type VpdqFrame, err, formatVpdqLine, hammingDistance, ok, parseMd5, parsePdqHash, parseVpdqLine } from '@disrupt/hashing';
import { ExactIndex } from './exact-index.ts';
import { MihPdqIndex } from './mih-index.ts';
import { DEFAULT_PDQ_RADIUS } from './pdq-index.ts';
import { VpdqIndex, type VpdqMatchOptions } from './vpdq-matcher.ts';

export interface SignalMatch {
  readonly id: number;
  /** Hamming distance for PDQ; 0 for exact signals; 100 − best percentage for vPDQ. */
  readonly distance: number;
}

export interface SignalIndex<V> {
  readonly size: number;
  add(value: V, id: number): void;
  remove(value: V, id: number): void;
  search(value: V): SignalMatch[];
}

export interface SignalType<Name extends string, V> {
  readonly name: Name;
  /** Text → value, or why not (never throws). */
  parse(text: string): Result<V, string>;
  /** Canonical text of a value (what parse accepts and the bank stores). */
  format(value: V): string;
  matches(a: V, b: V): boolean;
  createIndex(): SignalIndex<V>;
}

/** A SignalIndex over an index that adds and removes by (value, id). */
function signalIndex<V>(index: { readonly size: number; add(value: V, id: number): void; remove(value: V, id: number): unknown }, search: (value: V) => SignalMatch[]): SignalIndex<V> {
  return {
    get size() {
      return index.size;
    },
    add: (value, id) => {
      index.add(value, id);
    },
    remove: (value, id) => {
      index.remove(value, id);
    },
    search,
  };
}

export function pdqSignal(radius: number = DEFAULT_PDQ_RADIUS): SignalType<'pdq', PdqHash> {
  return {
    name: 'pdq',
    parse: (text) => parsePdqHash(text.trim()),
    format: (value) => value,
    matches: (a, b) => hammingDistance(a, b) <= radius,
    createIndex() {
      const index = new MihPdqIndex();
      return signalIndex(index, (value) => index.search(value, radius));
    },
  };
}

export const md5Signal: SignalType<'md5', Md5Hash> = {
  name: 'md5',
  parse: (text) => parseMd5(text.trim()),
  format: (value) => value,
  matches: (a, b) => a === b,
  createIndex() {
    const index = new ExactIndex();
    return signalIndex(index, (value) => index.search(value).map((id) => ({ id, distance: 0 })));
  },
};

/** vPDQ values are one frame a line: `frame,quality,pdq,timestamp`. */
export function vpdqSignal(options: VpdqMatchOptions = {}): SignalType<'vpdq', readonly VpdqFrame[]> {
  const parse = (text: string): Result<readonly VpdqFrame[], string> => {
    const frames: VpdqFrame[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const frame = parseVpdqLine(line);
      if (!frame.ok) return err('malformed_vpdq');
      frames.push(frame.value);
    }
    return frames.length > 0 ? ok(frames) : err('malformed_vpdq');
  };
  return {
    name: 'vpdq',
    parse,
    format: (frames) => frames.map(formatVpdqLine).join('\n'),
    matches(a, b) {
      const index = new VpdqIndex(options);
      index.add(0, b);
      return index.search(a).length > 0;
    },
    createIndex() {
      const index = new VpdqIndex(options);
      return {
        get size() {
          return index.size;
        },
        add: (value, id) => {
          index.add(id, value);
        },
        remove: (_value, id) => {
          index.remove(id);
        },
        search: (value) => index.search(value).map((m) => ({ id: m.videoId, distance: 100 - Math.max(m.queryMatchPercent, m.compareMatchPercent) })),
      };
    },
  };
}

// The registry holds signal types of any value type; callers narrow by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySignalType = SignalType<string, any>;

/** Signal types by their stable names; a second type under a taken name is refused. */
export class SignalTypeRegistry {
  private readonly types = new Map<string, AnySignalType>();

  constructor(types: readonly AnySignalType[] = []) {
    for (const type of types) this.register(type);
  }

  register(type: AnySignalType): void {
    if (!/^[a-z][a-z0-9_]*$/.test(type.name)) throw new Error(`signal type name must be a lowercase literal: ${type.name}`);
    if (this.types.has(type.name)) throw new Error(`duplicate signal type name: ${type.name}`);
    this.types.set(type.name, type);
  }

  get(name: string): AnySignalType | undefined {
    return this.types.get(name);
  }

  names(): string[] {
    return [...this.types.keys()];
  }
}

export function defaultSignalTypes(): SignalTypeRegistry {
  return new SignalTypeRegistry([pdqSignal(), md5Signal, vpdqSignal()]);
}
