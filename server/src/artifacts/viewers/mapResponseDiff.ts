import * as fs from 'fs';

/**
 * A node's map responses as changes, each against the state the previous ones built: peers added
 * and removed, routes (AllowedIPs) and primary routes changed, online flips, packet-filter
 * (policy) changes. This is what the guide means by reading map responses for "route
 * distribution and primary route selection": the timeline says *what changed*, not only how many
 * peers a response carried. tailcfg.MapResponse: `Peers` is a full list; `PeersChanged`,
 * `PeersRemoved`, `PeersChangedPatch` and `OnlineChange` are deltas; `PacketFilter(s)` the policy.
 */
const MAX_PARSE_BYTES = 8 << 20;

interface PeerState {
  name: string;
  online: boolean | null;
  primary: string[];
  allowed: string[];
}

interface Peer {
  ID?: number;
  Name?: string;
  Online?: boolean;
  PrimaryRoutes?: string[];
  AllowedIPs?: string[];
}

interface MapResponse {
  Node?: Peer;
  Peers?: Peer[];
  PeersChanged?: Peer[];
  PeersRemoved?: number[];
  PeersChangedPatch?: { NodeID?: number; Online?: boolean; PrimaryRoutes?: string[]; AllowedIPs?: string[] }[];
  OnlineChange?: Record<string, boolean>;
  PacketFilter?: unknown;
  PacketFilters?: unknown;
}

export interface ResponseChanges {
  changes: string[];
  /** Why this response could not be compared (too big, not JSON). */
  error?: string;
}

/** `files` in time order, one node's captures. */
export function diffMapResponses(files: readonly string[]): ResponseChanges[] {
  const peers = new Map<number, PeerState>();
  let filter: string | null = null;
  let self: PeerState | null = null;
  let first = true;
  return files.map((file) => {
    let r: MapResponse;
    try {
      if (fs.statSync(file).size > MAX_PARSE_BYTES) return { changes: [], error: 'too big to compare (over 8 MB)' };
      r = JSON.parse(fs.readFileSync(file, 'utf8')) as MapResponse;
      if (!r || typeof r !== 'object') throw new Error('not an object');
    } catch (e) {
      return { changes: [], error: `unparseable JSON: ${(e as Error).message}` };
    }
    const changes: string[] = [];
    const name = (id: number, p?: Peer) => p?.Name?.replace(/\.$/, '') ?? peers.get(id)?.name ?? `node ${id}`;
    const upsert = (p: Peer, full: boolean) => {
      if (typeof p.ID !== 'number') return;
      const before = peers.get(p.ID);
      const after: PeerState = { name: name(p.ID, p), online: p.Online ?? before?.online ?? null, primary: list(p.PrimaryRoutes ?? (full ? [] : before?.primary)), allowed: list(p.AllowedIPs ?? (full ? [] : before?.allowed)) };
      peers.set(p.ID, after);
      if (!before) {
        if (!first) changes.push(`+ peer ${after.name}${after.primary.length ? ` (primary ${after.primary.join(', ')})` : ''}`);
        return;
      }
      compare(before, after, changes);
    };
    if (Array.isArray(r.Peers)) {
      const seen = new Set<number>();
      for (const p of r.Peers) {
        upsert(p, true);
        if (typeof p.ID === 'number') seen.add(p.ID);
      }
      for (const [id, p] of [...peers]) if (!seen.has(id)) {
        peers.delete(id);
        changes.push(`− peer ${p.name}`);
      }
      if (first) changes.push(`${r.Peers.length} peers${primaries(peers)}`);
    }
    for (const p of Array.isArray(r.PeersChanged) ? r.PeersChanged : []) upsert(p, false);
    for (const id of Array.isArray(r.PeersRemoved) ? r.PeersRemoved : []) {
      const p = peers.get(id);
      peers.delete(id);
      changes.push(`− peer ${p?.name ?? `node ${id}`}`);
    }
    for (const patch of Array.isArray(r.PeersChangedPatch) ? r.PeersChangedPatch : []) {
      if (typeof patch.NodeID !== 'number') continue;
      upsert({ ID: patch.NodeID, ...(patch.Online !== undefined ? { Online: patch.Online } : {}), ...(patch.PrimaryRoutes ? { PrimaryRoutes: patch.PrimaryRoutes } : {}), ...(patch.AllowedIPs ? { AllowedIPs: patch.AllowedIPs } : {}) }, false);
    }
    for (const [id, online] of Object.entries(r.OnlineChange && typeof r.OnlineChange === 'object' ? r.OnlineChange : {})) upsert({ ID: Number(id), Online: online }, false);
    const f = r.PacketFilters ?? r.PacketFilter;
    if (f !== undefined) {
      const text = JSON.stringify(f);
      if (filter !== null && text !== filter) changes.push(`policy: packet filter changed (${rules(filter)} → ${rules(text)} rules)`);
      filter = text;
    }
    if (r.Node) {
      const now: PeerState = { name: 'self', online: null, primary: list(r.Node.PrimaryRoutes ?? self?.primary), allowed: list(r.Node.AllowedIPs ?? self?.allowed) };
      if (self) compare(self, now, changes);
      self = now;
    }
    if (!changes.length && !first) changes.push('no change');
    first = false;
    return { changes };
  });
}

function compare(before: PeerState, after: PeerState, changes: string[]): void {
  if (before.online !== null && after.online !== null && before.online !== after.online) changes.push(`${after.name} ${after.online ? 'online' : 'offline'}`);
  if (!same(before.primary, after.primary)) changes.push(`${after.name} primary routes: ${show(before.primary)} → ${show(after.primary)}`);
  const routes = (l: string[]) => l.filter((p) => !/\/(32|128)$/.test(p));
  if (!same(routes(before.allowed), routes(after.allowed))) changes.push(`${after.name} routes: ${show(routes(before.allowed))} → ${show(routes(after.allowed))}`);
}

function primaries(peers: Map<number, PeerState>): string {
  const p = [...peers.values()].filter((x) => x.primary.length).map((x) => `${x.name} primary ${x.primary.join(', ')}`);
  return p.length ? `; ${p.join('; ')}` : '';
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').sort() : [];
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function show(l: string[]): string {
  return l.length ? l.join(', ') : 'none';
}

function rules(json: string): number {
  try {
    const v = JSON.parse(json);
    if (Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.values(v).reduce<number>((n, x) => n + (Array.isArray(x) ? x.length : 0), 0);
  } catch {
    // unreachable: it was serialised by us
  }
  return 0;
}
