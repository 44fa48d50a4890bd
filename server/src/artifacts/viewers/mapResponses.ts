import * as fs from 'fs';
import * as path from 'path';
import type { MapResponsesView } from '../../../../shared/src/artifacts';
import { READ_LIMITS, readRegularText } from '../../safeRead';
import { diffMapResponses } from './mapResponseDiff';

const MAX_ENTRIES_PER_NODE = 5000;
/**
 * Peer counts are parsed for this many bytes and milliseconds per view (8 nodes × 1 000 × 211 KB
 * would block the server for seconds); later entries show no count rather than stall hovers.
 */
const PARSE_BUDGET_BYTES = 48 << 20;
const PARSE_BUDGET_MS = 750;

/**
 * The map responses headscale wrote for each node (`mapresponses/<nodeID>/<time>-<type>.json`) as a
 * timeline: time, type (full/self/change/policy) and the number of peers it carried.
 */
export function mapResponseTimeline(dir: string): Omit<MapResponsesView, 'title' | 'path'> {
  const nodes: MapResponsesView['nodes'] = [];
  const budget = { bytes: PARSE_BUDGET_BYTES, until: Date.now() + PARSE_BUDGET_MS };
  for (const node of safeReaddir(dir).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))) {
    const nodeDir = path.join(dir, node);
    const entries = safeReaddir(nodeDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .slice(0, MAX_ENTRIES_PER_NODE)
      .map((f) => {
        const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(?:\.(\d+))?-(\w+)\.json$/.exec(f);
        const file = path.join(nodeDir, f);
        return {
          time: m ? `${m[1]} ${m[2]}:${m[3]}:${m[4]}${m[5] ? '.' + m[5].slice(0, 3) : ''}` : f,
          type: m?.[6] ?? '?',
          peers: peerCount(file, budget),
          path: file,
        };
      });
    // Each response against that node's previous one (mapResponseDiff.ts).
    diffMapResponses(entries.map((e) => e.path)).forEach((d, i) => Object.assign(entries[i], d));
    if (entries.length) nodes.push({ node, entries });
  }
  return { kind: 'mapresponses', nodes };
}

function peerCount(file: string, budget: { bytes: number; until: number }): number | null {
  if (budget.bytes <= 0 || Date.now() > budget.until) return null;
  try {
    // Bigger captures, links to devices and FIFOs are listed without their peer count.
    const text = readRegularText(file, Math.min(READ_LIMITS.mapResponse, budget.bytes));
    budget.bytes -= text.length;
    const r = JSON.parse(text) as { Peers?: unknown[]; PeersChanged?: unknown[] };
    const list = r.Peers ?? r.PeersChanged;
    return Array.isArray(list) ? list.length : null;
  } catch {
    return null;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
