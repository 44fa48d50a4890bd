import * as fs from 'fs';
import * as path from 'path';
import type { MapResponsesView } from '../../../../shared/src/artifacts';
import { diffMapResponses } from './mapResponseDiff';

/** Bigger captures are listed without their peer count rather than parsed. */
const MAX_PARSE_BYTES = 8 << 20;
const MAX_ENTRIES_PER_NODE = 5000;

/**
 * The map responses headscale wrote for each node (`mapresponses/<nodeID>/<time>-<type>.json`) as a
 * timeline: time, type (full/self/change/policy) and the number of peers it carried.
 */
export function mapResponseTimeline(dir: string): Omit<MapResponsesView, 'title' | 'path'> {
  const nodes: MapResponsesView['nodes'] = [];
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
          peers: peerCount(file),
          path: file,
        };
      });
    // Each response against that node's previous one (mapResponseDiff.ts).
    diffMapResponses(entries.map((e) => e.path)).forEach((d, i) => Object.assign(entries[i], d));
    if (entries.length) nodes.push({ node, entries });
  }
  return { kind: 'mapresponses', nodes };
}

function peerCount(file: string): number | null {
  try {
    if (fs.statSync(file).size > MAX_PARSE_BYTES) return null;
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { Peers?: unknown[]; PeersChanged?: unknown[] };
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
