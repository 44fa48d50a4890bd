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
    lastSeen: !p.LastSeen || p.LastSeen.startsWith('0001-01-01') ? '' : String(p.LastSeen),
  });
  return {
    kind: 'status',
    self: String(status.Self?.HostName ?? '?'),
    backendState: String(status.BackendState ?? '?'),
    health: Array.isArray(status.Health) ? status.Health.map(String) : [],
    peers: Object.values(status.Peer ?? {}).map(row).sort((a, b) => a.hostName.localeCompare(b.hostName)),
  };
}
