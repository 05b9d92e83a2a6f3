// The console's contracts that need no browser: its client types are what
// the server's routes say (generated from the OpenAPI document; regenerate
// with `npm run api:types`), and every text exists in both languages.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../../scripts/api-types.ts';
import { NAMESPACES } from '../src/console/i18n.ts';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('console contracts', () => {
  it('api-types.ts is generated from the routes as they are (run npm run api:types after changing a route)', async () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8') === (await generateApiTypes())).toBe(true);
  }, 180_000);

  it.each(Object.keys(NAMESPACES))('the %s texts have the same keys in French and English, none empty', (name) => {
    const texts = NAMESPACES[name as keyof typeof NAMESPACES];
    expect(keys(texts.fr).sort()).toEqual(keys(texts.en).sort());
    for (const language of [texts.en, texts.fr]) {
      for (const key of keys(language)) {
        const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], language);
        expect([key, typeof text === 'string' && text.trim().length > 0]).toEqual([key, true]);
      }
    }
  });
});
