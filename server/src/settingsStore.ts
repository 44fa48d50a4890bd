import type { Connection } from 'vscode-languageserver';
import { defaultAnalysisSettings, type AnalysisSettings, type RuleLevel } from '../../shared/src/settings';
import { defaultVocabulary, extendVocabulary, type Vocabulary } from './analysis/vocabulary';

export interface ResolvedSettings {
  settings: AnalysisSettings;
  vocabulary: Vocabulary;
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
        raw = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'headscale' });
      } catch {
        raw = undefined; // a client that fails the request gets the defaults
      }
    }
    const settings = normalize(raw);
    return {
      settings,
      vocabulary: extendVocabulary(defaultVocabulary, { readMethods: settings.readMethods, mutatingMethods: settings.mutatingMethods }),
      generation,
    };
  }
}

const LEVELS = new Set<RuleLevel>(['default', 'off', 'error', 'warning', 'information', 'hint']);

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Settings come from user JSON: keep what is well-formed and drop the rest. */
export function normalize(raw: unknown): AnalysisSettings {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rulesRaw = (obj.rules && typeof obj.rules === 'object' ? obj.rules : {}) as Record<string, unknown>;
  const rules: Record<string, RuleLevel> = {};
  for (const [id, level] of Object.entries(rulesRaw)) {
    if (typeof level === 'string' && LEVELS.has(level as RuleLevel)) rules[id] = level as RuleLevel;
  }
  const analysis = (obj.analysis && typeof obj.analysis === 'object' ? obj.analysis : {}) as Record<string, unknown>;
  return {
    ...defaultAnalysisSettings,
    rules,
    readMethods: stringList(analysis.readMethods),
    mutatingMethods: stringList(analysis.mutatingMethods),
  };
}
