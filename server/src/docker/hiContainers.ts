import type { ContainerGroup, HiContainer } from '../../../shared/src/docker';
import { isRunning, runIsActive } from './runActivity';

/**
 * Which containers are hi's (headscale-facts §1.7) and how they group. A container is hi's when it
 * carries the `hi.run-id` label, or, without labels, when its name has one of the prefixes
 * `hi clean containers` itself matches (`headscale-test-suite`, `hs-`, `ts-`, `derp-`, `k3s-`).
 * `postgres-…` and `tsrs-…` count only with the label: those names are too generic to claim.
 * Everything else is never listed and never removed.
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

/** The name prefixes hi's own cleanup treats as its containers. */
const HI_NAME = /^(headscale-test-suite-|hs-|ts-|derp-|k3s-)/;

export function roleFromName(name: string): string | null {
  return NAME_ROLES.find(([p]) => p.test(name))?.[1] ?? null;
}

/** The hi view of a container, or null when it is not hi's. */
export function toHiContainer(c: RawContainer): HiContainer | null {
  const name = containerName(c);
  const labels = c.Labels ?? {};
  const runId = labels[RUN_LABEL] || null;
  if (!runId && !HI_NAME.test(name)) return null;
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
    const active = runId !== null && runIsActive(containers);
    groups.push({ runId, label: runId ? `run ${runId}` : 'Unlabelled hi containers', active, leftBehind: runId !== null && !active && containers.some(isRunning), containers });
  }
  return groups.sort((a, b) => (a.runId === null ? 1 : b.runId === null ? -1 : b.runId.localeCompare(a.runId)));
}

/** Networks hi's scenarios create: `hs-<6hex>-<name>`. */
export function isHiNetwork(name: string): boolean {
  return /^hs-[0-9a-f]{6}-[\w.-]+$/.test(name);
}

export const CACHE_VOLUMES = ['hs-integration-go-cache', 'hs-integration-go-build-cache'];

/** Image tags `hi clean images` targets: with `hs-`, `headscale-integration` or `tailscale`. */
export function isHiTag(tag: string): boolean {
  return /hs-|headscale-integration|tailscale/.test(tag);
}

export function isHiImage(tags: readonly string[]): boolean {
  return tags.some(isHiTag);
}
