// The in-memory backend and the sample data are for tests: the app's sources never import them, so they
// stay out of the bundle (Vite bundles only what main.ts reaches).
import { describe, expect, it } from 'vitest';

const appSources = import.meta.glob<string>(['/src/**/*.svelte', '/src/**/*.ts', '!/src/**/*.test.ts', '!/src/test/**', '!/src/test-setup.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('the test doubles', () => {
  it('are imported by tests only', () => {
    expect(Object.keys(appSources).length).toBeGreaterThan(20);
    const offending = Object.entries(appSources)
      .filter(([, text]) => /from\s+'[^']*\/test\/[^']*'/.test(text))
      .map(([path]) => path);
    expect(offending).toEqual([]);
  });
});
