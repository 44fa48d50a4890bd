import { DEBUG_FLOWS } from '../../shared/src/debugFlows';

/** The CLI's usage text, printed by `--help` and after an unknown command. */
export const USAGE = `usage: hi-workbench <command> [options]

commands:
  check <files|dirs…> [--format text|json|sarif] [--fail-on error|warning|hint] [--rules a,b] [--disable a,b]
                                                    EventuallyWithT and route-safety findings, then a summary line
  tests <files|dirs…> [--format text|json|matrix]   discovered tests: category, timeout, exact hi argv;
                                                    matrix: GitHub Actions entries (per-test timeout, postgres, splits)
  history <dirs…> [--format text|json]              per test: pass rate, duration median and p90, flaky ones
  runs <control_logs> [--format text|json] [--max-errors N]   runs, status, triage, error lines
  contract [--base REV] [--format text|json|sarif] [paths…]   test expectations changed since REV (default HEAD); exit 1 without a reason
  runs <control_logs> --flow <id> | --search <regexp> [--run <id>] [--max-per-file N]
                                                    a debug flow (${DEBUG_FLOWS.map((f) => f.id).join(', ')})
                                                    or any regexp over every log of each run
  env [module root] [--docker-host H] [--min-free-gb N] [--format text|json]   Docker environment checks
  docs [--write README.md] [--pages docs/rules]     print (or write) the generated rule docs and per-rule pages

exit status: 0 success (check: nothing at or above --fail-on, default warning: hints alone pass; env: no failed
check), 1 findings or a failed check, 2 usage or I/O error, or a file that could not be checked (not a
regular file, too large, unreadable)`;
