// The runtime export names of the published package, sorted: a change to the public API
// must show up here as a deliberate edit (issue 8). Type-only exports are invisible at
// runtime; the published .d.ts is checked by attw and the pack-and-install test.
import { readFileSync } from 'node:fs';
import * as api from '@portcullis/oauth';
import { describe, expect, it } from 'vitest';

const EXPECTED = [
  'OAuthClientError',
  'createDiscordClient',
  'createGitHubClient',
  'createGoogleClient',
  'createMicrosoftClient',
  'createOAuth2Client',
  'createOpenIdClient',
  'isOAuthClientError',
];

describe('@portcullis/oauth public API', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(api).sort()).toEqual(EXPECTED);
  });
});

describe('@portcullis/oauth public types', () => {
  it('come from public modules, never from src/internal', () => {
    const index = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');
    const sources = [...index.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((source) => source?.includes('internal'))).toEqual([]);
  });
});
