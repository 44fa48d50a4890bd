/**
 * Writes realistic, varied Headscale-style integration tests for benchmarks and robustness tests:
 * each test sets up a scenario, mutates state once, then waits with EventuallyWithT blocks that
 * mix correct patterns with every rule's mistake.
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const READS = [
  ['nodes', 'headscale.ListNodes()'],
  ['users', 'headscale.ListUsers()'],
  ['status', 'client.Status()'],
  ['routes', 'headscale.PrimaryRoutes()'],
  ['out', 'client.Curl(url)'],
];

function ewtBlock(r: () => number, i: number): string {
  const [name, call] = READS[Math.floor(r() * READS.length)];
  const variant = Math.floor(r() * 8);
  const body: string[] = [`\t\t${name}, err := ${call}`, `\t\tassert.NoError(c, err)`];
  if (variant === 0) body.push(`\t\tassert.NotEmpty(t, ${name})`);
  else if (variant === 1) body.push(`\t\tassert.Len(c, nodes, 2)`, `\t\trequireNodeRouteCountWithCollect(c, nodes[0], 1, 1, 1)`);
  else if (variant === 2) body.push(`\t\tstatus2, err := client2.Status()`, `\t\tassert.NoError(c, err)`, `\t\tassert.NotNil(c, status2)`);
  else if (variant === 3) body.push(`\t\t_, _, err = client.Execute([]string{"tailscale", "set", "--advertise-routes=10.${i % 250}.0.0/24"})`);
  else body.push(`\t\tassert.NotEmpty(c, ${name}, "step ${i} should observe ${name}")`);
  const msg = variant === 4 ? '' : `, "step ${i}: ${name} should reach the expected state"`;
  const timing = variant === 5 ? '100*time.Millisecond, time.Second' : `${5 + (i % 10)}*time.Second, ${100 + (i % 4) * 100}*time.Millisecond`;
  return `\tassert.EventuallyWithT(t, func(c *assert.CollectT) {\n${body.join('\n')}\n\t}, ${timing}${msg})\n`;
}

/** One test function of roughly `lines` lines with about lines/35 EventuallyWithT blocks. */
export function generateTest(name: string, r: () => number, lines: number): string {
  const parts: string[] = [
    `func ${name}(t *testing.T) {`,
    '\tIntegrationSkip(t)',
    '',
    '\tspec := ScenarioSpec{NodesPerUser: 2, Users: []string{"user1", "user2"}}',
    '\tscenario, err := NewScenario(spec)',
    '\trequire.NoError(t, err)',
    '\tdefer scenario.ShutdownAssertNoPanics(t)',
    '',
    '\terr = scenario.CreateHeadscaleEnv([]tsic.Option{}, hsic.WithTestName("bench"))',
    '\trequire.NoError(t, err)',
    '\theadscale, err := scenario.Headscale()',
    '\trequire.NoError(t, err)',
    '\tclients, err := scenario.ListTailscaleClients()',
    '\trequire.NoError(t, err)',
    '\tclient, client2 := clients[0], clients[1]',
    '\turl := fmt.Sprintf("http://%s/etc/hostname", client2.MustFQDN())',
    '',
  ];
  let i = 0;
  let count = parts.length;
  while (count < lines - 2) {
    const kind = r();
    let chunk: string;
    if (kind < 0.1) chunk = ewtBlock(r, i);
    else if (kind < 0.45) chunk = `\t// Routes must propagate through the map poll cycle before clients see them.\n\tcommand := []string{"tailscale", "set", "--advertise-routes=10.${i % 250}.0.0/24"}\n\t_, _, err = client.Execute(command)\n\trequire.NoErrorf(t, err, "failed to advertise route: %s", err)\n`;
    else if (kind < 0.96) chunk = `\tfor _, c2 := range clients {\n\t\tif c2.Hostname() == "router-${i}" {\n\t\t\tt.Logf("found router %s", c2.Hostname())\n\t\t}\n\t}\n`;
    else chunk = `\tt.Run("sub-${i}", func(t *testing.T) {\n${ewtBlock(r, i + 1).replace(/^/gm, '\t')}\t})\n`;
    parts.push(chunk.replace(/\n$/, ''));
    count += chunk.split('\n').length - 1;
    i++;
  }
  parts.push('}', '');
  return parts.join('\n');
}

export function generateFile(seed: number, targetLines: number, testsPerFile: number): string {
  const r = rng(seed);
  const header = `package integration

import (
\t"fmt"
\t"testing"
\t"time"

\t"github.com/juanfont/headscale/integration/hsic"
\t"github.com/juanfont/headscale/integration/tsic"
\t"github.com/stretchr/testify/assert"
\t"github.com/stretchr/testify/require"
)

`;
  const per = Math.floor((targetLines - 14) / testsPerFile);
  const body = Array.from({ length: testsPerFile }, (_, k) => generateTest(`TestGenerated${seed}N${k}`, r, per)).join('\n');
  return header + body;
}

export { rng };
