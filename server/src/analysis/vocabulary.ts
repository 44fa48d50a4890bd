/**
 * What each Headscale integration-test method does, read from headscale's ControlServer,
 * TailscaleClient and Scenario interfaces (shared/headscale-facts.md §3.3). This is the single
 * place the classification lives; settings extend it through `extendVocabulary`.
 */
/**
 * The harness's listings that sort their result (hsic.ListNodes sorts by ID): which element comes
 * first depends on registration order (ewt-order-assumption).
 */
export const SORTED_LISTINGS: ReadonlySet<string> = new Set(['ListNodes', 'ListUsers']);

export interface Vocabulary {
  /** External reads: each one is a gRPC/CLI call or a `docker exec` into a container. */
  read: ReadonlySet<string>;
  /** State-changing calls: must run once, outside any EventuallyWithT. */
  mutating: ReadonlySet<string>;
  /** Exec once then cached: they do not count as an external call per tick. */
  cached: ReadonlySet<string>;
  /** Calls with their own polling loop: never wrap them. */
  blocking: ReadonlySet<string>;
  /** `Must*` accessors and the non-panicking variant to use inside a callback. */
  mustVariants: ReadonlyMap<string, string | null>;
  /** Known helpers that take *assert.CollectT (safe inside callbacks). */
  collectHelpers: ReadonlySet<string>;
  /** Functions that run a CLI argv against a container: name → index of the argv argument. */
  argvRunners: ReadonlyMap<string, number>;
}

const read = [
  // ControlServer (hsic)
  'ListNodes', 'NodesByUser', 'NodesByName', 'ListUsers', 'MapUsers', 'GetAllMapReponses', 'PrimaryRoutes',
  'DebugBatcher', 'DebugNodeStore', 'DebugFilter', 'DebugPolicy', 'ReadLog',
  // TailscaleClient (tsic): each a docker exec
  'Status', 'Netmap', 'Netcheck', 'DebugDERPRegion', 'Ping', 'Curl', 'CurlFailFast', 'Traceroute',
  'PacketFilter', 'ReadFile', 'GetNodePrivateKey', 'FailingPeersAsString',
  // Must* reads are reads too (and also flagged by ewt-must-in-callback)
  'MustStatus', 'MustID',
];

const mutating = [
  'CreateUser', 'DeleteUser', 'CreateAuthKey', 'CreateAuthKeyWithTags', 'CreateAuthKeyWithOptions', 'DeleteAuthKey',
  'DeleteNode', 'ApproveRoutes', 'ApproveRoute', 'SetNodeTags', 'SetPolicy', 'CreateOAuthClient', 'Restart',
  'WriteFile', 'ConnectToNetwork', 'Shutdown', 'Reload', 'SendInterrupt', 'RegisterNode',
  'Login', 'LoginWithURL', 'Logout', 'Up', 'Down', 'DisconnectFromNetwork', 'ReconnectToNetwork',
  'CreatePreAuthKey', 'CreatePreAuthKeyWithOptions', 'CreatePreAuthKeyWithTags', 'CreateTailscaleNode',
  'CreateTailscaleNodesInUser', 'RunTailscaleUp', 'RunTailscaleUpWithURL', 'CreateHeadscaleEnv',
  'CreateHeadscaleEnvWithLoginURL', 'CreateDERPServer', 'AddNetwork',
];

const cached = ['IPs', 'MustIPs', 'IPv4', 'MustIPv4', 'MustIPv6', 'FQDN', 'MustFQDN'];

const blocking = [
  'WaitForNeedsLogin', 'WaitForRunning', 'WaitForPeers', 'WaitForTailscaleSync', 'WaitForTailscaleSyncPerUser',
  'WaitForTailscaleSyncWithPeerCount', 'WaitForTailscaleLogout',
];

const mustVariants: [string, string | null][] = [
  ['MustStatus', 'Status'], ['MustIPs', 'IPs'], ['MustIPv4', 'IPv4'], ['MustFQDN', 'FQDN'],
  ['MustID', null], ['MustIPv6', null],
];

const collectHelpers = [
  'assertCurlDockerHostname', 'assertCurlFailWithCollect', 'assertCurlSuccessWithCollect',
  'assertLastSeenSetWithCollect', 'assertNetmapSelfHasTagsWithCollect', 'assertNodeHasNoTagsWithCollect',
  'assertNodeHasTagsWithCollect', 'assertNodeSelfHasTagsWithCollect', 'assertPingAllWithCollect',
  'assertTracerouteViaIPWithCollect', 'requireNodeRouteCountWithCollect', 'requirePeerSubnetRoutesWithCollect',
];

export const defaultVocabulary: Vocabulary = {
  read: new Set(read),
  mutating: new Set(mutating),
  cached: new Set(cached),
  blocking: new Set(blocking),
  mustVariants: new Map(mustVariants),
  collectHelpers: new Set(collectHelpers),
  argvRunners: new Map([['Execute', 0], ['executeAndUnmarshal', 1]]),
};

export interface VocabularyExtension {
  readMethods?: readonly string[];
  mutatingMethods?: readonly string[];
}

/** A user-listed method moves to the named class (and out of any other). */
export function extendVocabulary(base: Vocabulary, ext: VocabularyExtension): Vocabulary {
  const extraRead = new Set(ext.readMethods ?? []);
  const extraMut = new Set(ext.mutatingMethods ?? []);
  if (extraRead.size === 0 && extraMut.size === 0) return base;
  const without = (s: ReadonlySet<string>, drop: Set<string>) => [...s].filter((m) => !drop.has(m));
  return {
    ...base,
    read: new Set([...without(base.read, extraMut), ...extraRead]),
    mutating: new Set([...without(base.mutating, extraRead), ...extraMut]),
    cached: new Set(without(base.cached, new Set([...extraRead, ...extraMut]))),
  };
}

/** How a CLI argv run inside a container behaves. */
export type ArgvKind = 'read' | 'mutating' | 'unknown';

const headscaleMutatingWords = new Set([
  'register', 'approve', 'reject', 'expire', 'delete', 'rename', 'tag', 'tags', 'approve-routes', 'backfillips',
  'create', 'destroy', 'set', 'move', 'create-node', 'expire-key',
]);
const headscaleReadWords = new Set(['list', 'ls', 'list-routes', 'get', 'check', 'json', 'show', 'version', 'health']);
const tailscaleMutating = new Set(['set', 'up', 'down', 'logout', 'login', 'file', 'drive', 'switch', 'serve', 'funnel', 'cert']);
const tailscaleRead = new Set(['status', 'ip', 'ping', 'netcheck', 'debug', 'version', 'whois', 'dns', 'exit-node', 'metrics']);
/** Subcommands that only read, under a verb that otherwise changes state (`tailscale drive list`). */
const tailscaleReadSubcommands: Record<string, ReadonlySet<string>> = {
  drive: new Set(['list']),
  serve: new Set(['status']),
  funnel: new Set(['status']),
  file: new Set(['get']),
  switch: new Set(['--list']),
};

export interface ArgvCommand {
  kind: ArgvKind;
  /** The words that name the command, flags and their values left out: `headscale preauthkeys create`. */
  command: string;
}

/**
 * Classifies `[]string{"headscale", "nodes", "list"}`-style argv by its verb and subcommand:
 * the first known headscale verb decides (`preauthkeys --user 1 create` creates); for tailscale
 * the verb and, where the verb has read-only subcommands, the word after it. Unknown words are
 * "unknown": still an external call, but never reported as a mutation.
 */
export function classifyArgvCommand(words: readonly (string | null)[]): ArgvCommand {
  const known = words.filter((w): w is string => w !== null);
  if (known.length === 0) return { kind: 'unknown', command: '…' };
  const program = known[0].split('/').pop() ?? known[0];
  const rest = known.slice(1);
  const bare = rest.filter((w) => !w.startsWith('-'));
  if (program === 'headscale') {
    const verbAt = bare.findIndex((w) => headscaleMutatingWords.has(w) || headscaleReadWords.has(w));
    if (verbAt < 0) return { kind: 'unknown', command: [program, ...bare.slice(0, 2)].join(' ') };
    const verb = bare[verbAt];
    const command = [program, ...(verbAt > 0 ? [bare[0]] : []), verb].join(' ');
    return { kind: headscaleMutatingWords.has(verb) ? 'mutating' : 'read', command };
  }
  if (program === 'tailscale') {
    const verb = bare[0];
    if (!verb) return { kind: 'unknown', command: program };
    const sub = tailscaleReadSubcommands[verb];
    const next = rest[rest.indexOf(verb) + 1];
    if (sub && next !== undefined && sub.has(next)) return { kind: 'read', command: `${program} ${verb} ${next}` };
    if (tailscaleMutating.has(verb)) return { kind: 'mutating', command: `${program} ${verb}` };
    if (tailscaleRead.has(verb)) return { kind: 'read', command: `${program} ${verb}` };
    return { kind: 'unknown', command: `${program} ${verb}` };
  }
  // curl, cat, ip, ls …: reading commands run with docker exec.
  return { kind: 'read', command: [program, ...bare.slice(0, 1)].join(' ') };
}
