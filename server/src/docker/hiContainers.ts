import type { ContainerGroup, HiContainer } from '../../../shared/src/docker';

/**
 * Which containers are hi's (headscale-facts §1.7) and how they group. A container is hi's when it
 * carries the `hi.run-id` label, or, without labels, when its WHOLE name has the shape the harness
 * gives it (`headscale-test-suite-<run id>`, `hs-<name>-<6 hex>`, `ts-[<run>-]<version>-<6 hex>`,
 * `derp-…-<6 hex>`, `k3s-<run>-<6 hex>`). A prefix is not enough: `hs-myproject`, `ts-node-dev`,
 * `derp-server` or `k3s-mycluster` are somebody else's. `postgres-…` and `tsrs-…` count only with
 * the label: those names are too generic to claim. Everything else is never listed and never removed.
 */
export const RUN_LABEL = 'hi.run-id';
export const ROLE_LABEL = 'hi.test-type';

/** The fields of Docker's container list that classification reads. */
export interface RawContainer {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string> | null;
  State?: string;
  Status?: string;
  Image?: string;
  Created?: number;
  SizeRw?: number;
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
  Mounts?: { Name?: string; Type?: string }[] | null;
  ImageID?: string;
}

const NAME_ROLES: [RegExp, string][] = [
  [/^headscale-test-suite-/, 'test-runner'],
  [/^hs-oidcmock-/, 'oidc'],
  [/^hs-webservice-/, 'web'],
  [/^hs-wasmclient-/, 'wasmclient'],
  [/^hs-/, 'headscale'],
  [/^ts-/, 'tailscale'],
  [/^tsrs-/, 'tailscale-rs'],
  [/^derp-/, 'derp'],
  [/^k3s-/, 'k3s'],
  [/^postgres-[0-9a-f]{6}$/, 'postgres'],
];

export function containerName(c: RawContainer): string {
  return (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
}

/** A DNS-safe name segment as the harness writes them (test names, versions with `.` → `-`). */
const SEG = '[a-z0-9]+';
const HEX6 = '[0-9a-f]{6}';
/** Whole names of the containers the harness creates without labels (hsic, tsic, dsic, k3sic, scenario). */
const HI_NAMES: readonly RegExp[] = [
  /^headscale-test-suite-\d{8}-\d{6}-[0-9a-z]{6}$/,
  new RegExp(`^hs-${SEG}(?:-${SEG})*-${HEX6}$`, 'i'),
  new RegExp(`^ts-(?:[0-9a-z]{6}-)?${SEG}(?:-${SEG})*-${HEX6}$`),
  new RegExp(`^derp-(?:[0-9a-z]{6}-)?${SEG}(?:-${SEG})*-${HEX6}$`),
  new RegExp(`^k3s-[0-9a-z]{6}-${HEX6}$`),
];

/** Whether an unlabelled container's whole name is one hi's harness gives. */
export function isHiContainerName(name: string): boolean {
  return HI_NAMES.some((p) => p.test(name));
}

export function roleFromName(name: string): string | null {
  return NAME_ROLES.find(([p]) => p.test(name))?.[1] ?? null;
}

/** The hi view of a container, or null when it is not hi's. */
export function toHiContainer(c: RawContainer): HiContainer | null {
  const name = containerName(c);
  const labels = c.Labels ?? {};
  const runId = labels[RUN_LABEL] || null;
  if (!runId && !isHiContainerName(name)) return null;
  const nameRole = roleFromName(name);
  return {
    id: c.Id,
    name,
    role: labels[ROLE_LABEL] || nameRole || 'unknown',
    runId,
    labelled: !!runId,
    state: c.State ?? 'unknown',
    status: c.Status ?? '',
    image: c.Image ?? '',
    createdAt: (c.Created ?? 0) * 1000,
    networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
    sizeBytes: typeof c.SizeRw === 'number' ? c.SizeRw : null,
  };
}

const ROLE_ORDER = ['test-runner', 'headscale', 'postgres', 'derp', 'tailscale', 'tailscale-rs', 'k3s', 'oidc', 'web', 'wasmclient'];

/** Runs newest first (run ids sort by time), unlabelled hi containers last; the runner first in a run. */
export function groupContainers(raw: readonly RawContainer[]): ContainerGroup[] {
  const byRun = new Map<string | null, HiContainer[]>();
  for (const c of raw) {
    const hi = toHiContainer(c);
    if (!hi) continue;
    const list = byRun.get(hi.runId) ?? [];
    list.push(hi);
    byRun.set(hi.runId, list);
  }
  const rank = (role: string) => (ROLE_ORDER.indexOf(role) + ROLE_ORDER.length + 1) % (ROLE_ORDER.length + 1);
  const groups: ContainerGroup[] = [];
  for (const [runId, containers] of byRun) {
    containers.sort((a, b) => rank(a.role) - rank(b.role) || a.name.localeCompare(b.name));
    groups.push({ runId, label: runId ? `run ${runId}` : 'Unlabelled hi containers', active: containers.some((c) => c.state === 'running'), containers });
  }
  return groups.sort((a, b) => (a.runId === null ? 1 : b.runId === null ? -1 : b.runId.localeCompare(a.runId)));
}

/** Networks hi's scenarios create: `hs-<6hex>-<name>`; attached to a hi container, they are hi's. */
export function isHiNetwork(name: string): boolean {
  return /^hs-[0-9a-f]{6}-[\w.-]+$/.test(name);
}

/**
 * A `hs-<6hex>-*` network no container uses carries no evidence of whose it is (networks have no
 * labels), so only the names the scenarios create are claimed then: `-default` and the
 * `usernet<N>` networks of multi-network specs. `hs-abcdef-foreign` stays.
 */
export function isUnattachedHiNetwork(name: string): boolean {
  return /^hs-[0-9a-f]{6}-(?:default|usernet\d+)$/.test(name);
}

export const CACHE_VOLUMES = ['hs-integration-go-cache', 'hs-integration-go-build-cache'];

/** `repo:tag` → repo (a registry port such as `host:5000/x` stays in the repository). */
export function repositoryOf(tag: string): string {
  const colon = tag.lastIndexOf(':');
  return colon > tag.lastIndexOf('/') ? tag.slice(0, colon) : tag;
}

/**
 * Images hi's harness builds: dockertest names a built image after its container, so the whole
 * repository is a hi container name (`hs-<test>-<hex>`, `ts-<run>-head-<hex>`, …) or
 * `headscale-integration`. Matched on the repository, never a substring (`myorg/graphs-exporter`
 * contains `hs-`), and never `tailscale/tailscale`: the released image is everybody's.
 */
export function isHiTag(tag: string): boolean {
  const repo = repositoryOf(tag);
  return repo === 'headscale-integration' || (!repo.includes('/') && isHiContainerName(repo));
}

export function isHiImage(tags: readonly string[]): boolean {
  return tags.some(isHiTag);
}
