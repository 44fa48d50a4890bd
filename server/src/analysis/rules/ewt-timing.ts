import { completeEwtCalls } from '../callbacks';
import { DurationEvaluator, formatSeconds } from '../durations';
import type { Rule } from '../rule';

/** Above this a stuck condition eats most of a hi run's --timeout budget. */
const MAX_PLAUSIBLE_WAIT_S = 600;
/** Below this every tick is a docker exec / gRPC call hammering the containers. */
const MIN_PLAUSIBLE_TICK_S = 0.05;

export const rule: Rule = {
  id: 'ewt-timing',
  defaultSeverity: 'hint',
  scope: 'test',
  doc: `Keep EventuallyWithT timeouts and ticks plausible.
The guide's ranges: route operations 3–5 s, node state changes 5–10 s, policy recalculation 5–10 s,
complex scenarios 10–15 s (headscale's integrationutil constants scale these on CI). A tick at or
above the timeout runs the condition once; a timeout under a second never lets state propagate;
a tick under 50 ms turns every tick into a burst of docker exec calls; a wait of many minutes
hides a hang inside the hi run's own timeout. The short-timeout and fast-tick checks apply only
to code that drives the integration harness: in-process tests converge in milliseconds. Named
constants and ScaledTimeout are resolved where possible; the rule stays silent when it cannot
evaluate a value.`,
  example: {
    incorrect: `}, 100*time.Millisecond, time.Second, "route should be advertised")`,
    correct: `}, 10*time.Second, 100*time.Millisecond, "route should be advertised")`,
  },
  check(ctx) {
    const durations = new DurationEvaluator(ctx.file);
    for (const ewt of completeEwtCalls(ctx.file)) {
      const wait = durations.seconds(ewt.waitFor);
      const tick = durations.seconds(ewt.tick);
      if (wait !== null && tick !== null && tick >= wait && ewt.tick) {
        ctx.report({
          start: ewt.tick.startIndex,
          end: ewt.tick.endIndex,
          message: `Tick (${formatSeconds(tick)}) is not shorter than the timeout (${formatSeconds(wait)}): the condition is checked at most once. Were the two arguments swapped?`,
        });
        continue;
      }
      // In-process tests (hscontrol/servertest, db) converge in milliseconds and pay nothing per
      // tick: short timeouts and fast ticks are judged only where the harness runs containers.
      if (wait !== null && ewt.waitFor && wait < 1 && ctx.file.harness) {
        ctx.report({ start: ewt.waitFor.startIndex, end: ewt.waitFor.endIndex, message: `Timeout ${formatSeconds(wait)} is too short for state to propagate through headscale (guide: 3–15 s).` });
      } else if (wait !== null && ewt.waitFor && wait > MAX_PLAUSIBLE_WAIT_S) {
        ctx.report({ start: ewt.waitFor.startIndex, end: ewt.waitFor.endIndex, message: `Timeout ${formatSeconds(wait)} is far above the guide's 3–15 s; a stuck condition would burn most of the hi run's --timeout.` });
      }
      if (tick !== null && ewt.tick && tick < MIN_PLAUSIBLE_TICK_S && ctx.file.harness) {
        ctx.report({ start: ewt.tick.startIndex, end: ewt.tick.endIndex, message: `Tick ${formatSeconds(tick)} re-runs external calls (docker exec, gRPC) in a tight loop; 100–500 ms is the usual range.` });
      }
    }
  },
};
