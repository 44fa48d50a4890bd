import type { StatusView } from '../../../../shared/src/artifacts';

interface PeerStatus {
  HostName?: string;
  DNSName?: string;
  Online?: boolean;
  TailscaleIPs?: string[] | null;
  PrimaryRoutes?: string[] | null;
  Expired?: boolean;
  LastSeen?: string;
}

/** `tailscale status --json` (ipnstate.Status) as a peers table plus the client's own state. */
export function summarizeStatus(text: string): Omit<StatusView, 'title' | 'path'> {
  const status = JSON.parse(text) as { BackendState?: string; Health?: string[] | null; Self?: PeerStatus; Peer?: Record<string, PeerStatus> | null };
  if (typeof status !== 'object' || status === null || Array.isArray(status)) throw new Error('not a tailscale status object');
  const row = (p: PeerStatus): StatusView['peers'][number] => ({
    hostName: String(p.HostName ?? p.DNSName ?? '?'),
    online: typeof p.Online === 'boolean' ? p.Online : null,
    tailscaleIPs: Array.isArray(p.TailscaleIPs) ? p.TailscaleIPs.map(String) : [],
    primaryRoutes: Array.isArray(p.PrimaryRoutes) ? p.PrimaryRoutes.map(String) : [],
    expired: typeof p.Expired === 'boolean' ? p.Expired : null,
    // Go's zero time means "never".
    lastSeen: typeof p.LastSeen !== 'string' || p.LastSeen.startsWith('0001-01-01') ? '' : p.LastSeen,
  });
  // One malformed peer is noted and the others still render.
  const peers: StatusView['peers'] = [];
  const skipped: string[] = [];
  const peerMap = status.Peer && typeof status.Peer === 'object' ? status.Peer : {};
  for (const [key, p] of Object.entries(peerMap)) {
    try {
      if (!p || typeof p !== 'object' || Array.isArray(p)) throw new Error('not an object');
      peers.push(row(p));
    } catch (e) {
      skipped.push(`peer ${key.slice(0, 80)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return {
    kind: 'status',
    self: typeof status.Self === 'object' && status.Self ? String(status.Self.HostName ?? '?') : '?',
    backendState: String(status.BackendState ?? '?'),
    health: Array.isArray(status.Health) ? status.Health.map(String) : [],
    peers: peers.sort((a, b) => a.hostName.localeCompare(b.hostName)),
    ...(skipped.length ? { skipped } : {}),
  };
}
