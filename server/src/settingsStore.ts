import type { Connection } from 'vscode-languageserver';
import { normalize, normalizeContract, normalizeDocker, normalizeMarkers, normalizeRun, type AnalysisSettings, type ContractSettings, type DockerSettings, type MarkerSetting, type RunSettings } from '../../shared/src/settings';
import { combined, defaultMarkers, withUserMarkers, type Marker } from './artifacts/markers';
import { isRegexpPattern } from './tests/categories';
import { defaultVocabulary, extendVocabulary, type Vocabulary } from './analysis/vocabulary';

export interface ResolvedSettings {
  settings: AnalysisSettings;
  run: RunSettings;
  vocabulary: Vocabulary;
  /** Error markers for control_logs: built-in plus `headscale.artifacts.markers`. */
  markers: Marker[];
  docker: DockerSettings;
  /** `headscale.contract.*` (hs-test-contract's base revision). */
  contract: ContractSettings;
  /** Changes whenever the cache is cleared, so cached analyses keyed on it go stale. */
  generation: number;
}

/**
 * Reads `headscale.*` settings per resource through workspace/configuration, caches them, and
 * clears the cache on didChangeConfiguration. The only place the server reads settings.
 *
 * In an untrusted workspace (Restricted Mode, or a server started without trust) the settings that
 * are regular expressions are ignored: `headscale.artifacts.markers` and the `/regexp/` entries of
 * `headscale.categories`. A cloned repo's `.vscode/settings.json` could otherwise hang the server
 * with `(a+)+$` (JavaScript regexps backtrack). Category globs stay: they are matched in linear time.
 */
export class SettingsStore {
  private cache = new Map<string, Promise<ResolvedSettings>>();
  private generation = 0;
  private trusted = true;
  supportsConfiguration = false;

  constructor(private readonly connection: Connection) {}

  /** Trust changes what the settings may contain, so the cache (and analyses keyed on it) go stale. */
  setTrusted(trusted: boolean): void {
    if (trusted === this.trusted) return;
    this.trusted = trusted;
    this.clear();
  }

  clear(): void {
    this.cache.clear();
    this.generation++;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  forResource(uri: string): Promise<ResolvedSettings> {
    let entry = this.cache.get(uri);
    if (!entry) {
      entry = this.load(uri);
      this.cache.set(uri, entry);
    }
    return entry;
  }

  private async load(uri: string): Promise<ResolvedSettings> {
    const generation = this.generation;
    let raw: unknown = undefined;
    if (this.supportsConfiguration) {
      try {
        raw = await this.connection.workspace.getConfiguration({ scopeUri: uri || undefined, section: 'headscale' });
      } catch {
        raw = undefined; // a client that fails the request gets the defaults
      }
    }
    const settings = normalize(raw);
    const run = normalizeRun(raw);
    if (!this.trusted) {
      for (const c of Object.values(run.categories)) {
        c.names = c.names?.filter((p) => !isRegexpPattern(p));
        c.files = c.files?.filter((p) => !isRegexpPattern(p));
      }
    }
    return {
      settings,
      run,
      vocabulary: extendVocabulary(defaultVocabulary, { readMethods: settings.readMethods, mutatingMethods: settings.mutatingMethods }),
      markers: this.trusted ? combinableMarkers(normalizeMarkers(raw)) : [...defaultMarkers],
      docker: normalizeDocker(raw),
      contract: normalizeContract(raw),
      generation,
    };
  }
}


/**
 * User markers that still combine into the scan's one pre-filter regexp: two markers with the same
 * named group would make that regexp a SyntaxError and break the whole run listing, so a marker
 * that does is dropped (like an invalid pattern).
 */
function combinableMarkers(extra: readonly MarkerSetting[]): Marker[] {
  const accepted: MarkerSetting[] = [];
  for (const m of extra) {
    try {
      combined(withUserMarkers([...accepted, m]));
      accepted.push(m);
    } catch {
      // dropped: its named group repeats one of an earlier marker
    }
  }
  return withUserMarkers(accepted);
}
