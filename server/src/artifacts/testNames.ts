import * as fs from 'fs';
import * as path from 'path';

/**
 * A run's headscale container is `hs-<fragment>-<hex>`, where the fragment is whatever the test
 * passed to `hsic.WithTestName("…")` (lowercase, often shortened: `oidcauthping` for
 * TestOIDCAuthenticationPingAll). Without a run record or a `--- FAIL:` line, the test's real name
 * comes from the checkout the run belongs to: the `func Test…` around that WithTestName call, or
 * the test whose lowercased name is `test<fragment>`. Ambiguous or unknown fragments stay as they are.
 */
const FUNC = /^func (Test\w+)\(\s*\w+ \*testing\.T\s*\)/;
const WITH_NAME = /hsic\.WithTestName\("([^"]+)"\)/g;

interface Names {
  stamp: string;
  byFragment: Map<string, string | null>;
  byLower: Map<string, string>;
}
const cache = new Map<string, Names>();

/** The test behind `fragment`, for a run under `controlLogs` (hi writes it in the module root). */
export function properTestName(fragment: string, controlLogs: string): string {
  const names = load(path.join(path.dirname(controlLogs), 'integration'));
  if (!names) return fragment;
  const exact = names.byFragment.get(fragment);
  if (exact) return exact;
  return names.byLower.get(`test${fragment}`) ?? fragment;
}

function load(dir: string): Names | null {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('_test.go')).sort();
  } catch {
    return null;
  }
  const stats = files.map((f) => {
    try {
      const st = fs.statSync(path.join(dir, f));
      return `${f}:${st.size}:${st.mtimeMs}`;
    } catch {
      return f;
    }
  });
  const stamp = stats.join('|');
  const hit = cache.get(dir);
  if (hit && hit.stamp === stamp) return hit;
  const names: Names = { stamp, byFragment: new Map(), byLower: new Map() };
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, f), 'utf8'); // Go sources: small, unlike logs
    } catch {
      continue;
    }
    let current: string | null = null;
    for (const line of text.split('\n')) {
      const fn = FUNC.exec(line);
      if (fn) {
        current = fn[1];
        names.byLower.set(current.toLowerCase(), current);
        continue;
      }
      if (line.startsWith('func ')) current = null; // a helper: its fragment belongs to no one test
      for (const m of line.matchAll(WITH_NAME)) {
        const seen = names.byFragment.get(m[1]);
        // The same fragment in two tests (or in a helper) names no single test.
        names.byFragment.set(m[1], seen === undefined ? current : seen === current ? seen : null);
      }
    }
  }
  cache.set(dir, names);
  return names;
}
