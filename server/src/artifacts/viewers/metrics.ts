import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { MetricValue, MetricsView } from '../../../../shared/src/artifacts';

type Family = MetricsView['families'][number];
interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

const HEADSCALE_FIRST = /^headscale_/;
const MAX_SERIES = 200;
/** Invalid lines dropped before giving up on the file. */
const MAX_SKIPPED_LINES = 20;

/** A finite number, or the sample's text: NaN and ±Inf do not survive JSON (they become null). */
function sample(text: string | undefined): MetricValue | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : String(text);
}

/**
 * The parser throws on the first invalid line; drop that line (every copy of it) and parse again,
 * so one bad line costs a note, not the view.
 */
function parseTolerant(text: string): { parsed: ParsedFamily[]; skipped: string[] } {
  const skipped: string[] = [];
  for (;;) {
    try {
      return { parsed: parsePrometheusTextFormat(text) as ParsedFamily[], skipped };
    } catch (e) {
      const bad = /^Encountered invalid line: ([^]*)$/.exec(e instanceof Error ? e.message : '')?.[1];
      if (bad === undefined || skipped.length >= MAX_SKIPPED_LINES) throw e;
      skipped.push(`invalid line skipped: ${bad.slice(0, 200)}`);
      const lines = text.split('\n');
      const kept = lines.filter((l) => l !== bad);
      if (kept.length === lines.length) throw e;
      text = kept.join('\n');
    }
  }
}

/**
 * A summary of a Prometheus text dump (`hs-*_metrics.txt`): counters and gauges with their values,
 * histograms and summaries as count, sum and mean per label set; headscale's families first.
 *
 * parse-prometheus-text-format does the lexing. Its histogram folding keeps only one unlabelled
 * series (headscale's histograms are labelled), so histogram/summary TYPE lines are handed to it as
 * `untyped`, and the `_count`/`_sum` families it then returns are folded back here by label set.
 */
export function summarizeMetrics(text: string): Omit<MetricsView, 'title' | 'path'> {
  const grouped = new Map<string, string>();
  const untypedText = text.replace(/^# TYPE (\S+) (histogram|summary)\s*$/gm, (_, name: string, type: string) => {
    grouped.set(name, type);
    return `# TYPE ${name} untyped`;
  });
  const { parsed, skipped } = parseTolerant(untypedText);
  const byName = new Map(parsed.map((f) => [f.name, f]));
  const families: Family[] = [];
  for (const f of parsed) {
    const histogramType = grouped.get(f.name);
    if (histogramType) {
      families.push(foldHistogram(f, histogramType, byName));
      continue;
    }
    const base = f.name.replace(/_(bucket|count|sum)$/, '');
    if (base !== f.name && grouped.has(base)) continue; // folded into its histogram
    families.push({
      name: f.name,
      type: f.type.toLowerCase(),
      help: f.help,
      series: f.metrics.slice(0, MAX_SERIES).map((m) => ({ labels: labelText(m.labels), value: sample(m.value) })),
    });
  }
  families.sort((a, b) => Number(HEADSCALE_FIRST.test(b.name)) - Number(HEADSCALE_FIRST.test(a.name)) || a.name.localeCompare(b.name));
  return { kind: 'metrics', families, ...(skipped.length ? { skipped } : {}) };
}

function foldHistogram(f: ParsedFamily, type: string, byName: Map<string, ParsedFamily>): Family {
  const series = new Map<string, { labels: string; count?: MetricValue; sum?: MetricValue; mean?: MetricValue }>();
  const at = (labels?: Record<string, string>) => {
    const key = labelText(labels);
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels: key }));
    return s;
  };
  for (const m of byName.get(`${f.name}_count`)?.metrics ?? []) at(m.labels).count = sample(m.value);
  for (const m of byName.get(`${f.name}_sum`)?.metrics ?? []) at(m.labels).sum = sample(m.value);
  for (const s of series.values()) if (typeof s.count === 'number' && s.count && typeof s.sum === 'number') s.mean = s.sum / s.count;
  return { name: f.name, type, help: f.help, series: [...series.values()].slice(0, MAX_SERIES) };
}

function labelText(labels?: Record<string, string>): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
}
