import type { Connection } from 'vscode-languageserver';
import { normalize, normalizeContract, normalizeDocker, normalizeMarkers, normalizeRun, type AnalysisSettings, type ContractSettings, type DockerSettings, type RunSettings } from '../../shared/src/settings';
import { withUserMarkers, type Marker } from './artifacts/markers';
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
 */
export class SettingsStore {
  private cache = new Map<string, Promise<ResolvedSettings>>();
  private generation = 0;
  supportsConfiguration = false;

  constructor(private readonly connection: Connection) {}

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
    return {
      settings,
      run: normalizeRun(raw),
      vocabulary: extendVocabulary(defaultVocabulary, { readMethods: settings.readMethods, mutatingMethods: settings.mutatingMethods }),
      markers: withUserMarkers(normalizeMarkers(raw)),
      docker: normalizeDocker(raw),
      contract: normalizeContract(raw),
      generation,
    };
  }
}

