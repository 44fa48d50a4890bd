/**
 * Reads hi's output as it streams (headscale-facts §1.4): run id and logs directory, doctor
 * checks, go test results with their failure messages and locations, and hi's final verdict.
 */
export interface DoctorCheck {
  icon: string;
  status: 'pass' | 'warn' | 'fail' | 'unknown';
  name: string;
  message: string;
  suggestions: string[];
}

export interface TestFailure {
  file: string;
  line: number;
  message: string;
}

export interface TestResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped' | 'running';
  durationSeconds?: number;
  failures: TestFailure[];
  output: string[];
}

const TS = '(?:\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} )?';
const RUN_ID = new RegExp(`^${TS}Run ID: (\\d{8}-\\d{6}-[0-9a-z]{6})\\s*$`);
const LOGS_DIR = new RegExp(`^${TS}Logs directory: (.+?)\\s*$`);
const DOCTOR = new RegExp(`^${TS}(✅|⚠️|❌|❓) ([^:]+): (.*)$`);
const SUGGESTION = new RegExp(`^${TS}   💡 (.*)$`);
const RUN = /^=== RUN\s+(\S+)/;
const RESULT = /^\s*--- (PASS|FAIL|SKIP): (\S+) \((\d+(?:\.\d+)?)s\)/;
const LOCATION = /^\s+([\w.-]+_test\.go|[\w.-]+\.go):(\d+): ?(.*)$/;
const ERROR_TRACE = /^\s+Error Trace:\s+(?:\S*\/)?([\w.-]+\.go):(\d+)/;
const SUCCESS = new RegExp(`^${TS}Test completed successfully!`);
const FAILED = new RegExp(`^${TS}Error: (.*)$`);
const EXIT_CODE = /test failed: exit code (\d+)/;

export class HiOutputParser {
  runId: string | null = null;
  logsDir: string | null = null;
  doctor: DoctorCheck[] = [];
  tests = new Map<string, TestResult>();
  completed = false;
  error: string | null = null;
  goTestExitCode: number | null = null;
  private current: TestResult | null = null;
  private failure: TestFailure | null = null;

  push(raw: string): void {
    // Strip ANSI colour codes for parsing; the terminal shows them untouched.
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
    let m: RegExpExecArray | null;
    if ((m = RUN_ID.exec(line))) this.runId = m[1];
    else if ((m = LOGS_DIR.exec(line))) this.logsDir = m[1];
    else if ((m = DOCTOR.exec(line))) {
      const status = m[1] === '✅' ? 'pass' : m[1] === '⚠️' ? 'warn' : m[1] === '❌' ? 'fail' : 'unknown';
      this.doctor.push({ icon: m[1], status, name: m[2], message: m[3], suggestions: [] });
    } else if ((m = SUGGESTION.exec(line)) && this.doctor.length > 0) this.doctor[this.doctor.length - 1].suggestions.push(m[1]);
    else if ((m = RUN.exec(line))) {
      this.current = this.test(m[1]);
      this.current.status = 'running';
      this.failure = null;
    } else if ((m = RESULT.exec(line))) {
      const t = this.test(m[2]);
      t.status = m[1] === 'PASS' ? 'passed' : m[1] === 'FAIL' ? 'failed' : 'skipped';
      t.durationSeconds = Number(m[3]);
      this.failure = null;
    } else if (SUCCESS.test(line)) this.completed = true;
    else if ((m = FAILED.exec(line))) {
      this.error = m[1];
      const code = EXIT_CODE.exec(m[1]);
      if (code) this.goTestExitCode = Number(code[1]);
    } else if (this.current) {
      this.current.output.push(raw);
      if ((m = ERROR_TRACE.exec(line)) && this.failure) {
        // testify's Error Trace names the assertion's own line: prefer it for the location.
        this.failure.file = m[1];
        this.failure.line = Number(m[2]);
      } else if ((m = LOCATION.exec(line))) {
        this.failure = { file: m[1], line: Number(m[2]), message: m[3] };
        this.current.failures.push(this.failure);
      } else if (this.failure && /^\s{6,}\S/.test(line)) {
        this.failure.message += (this.failure.message ? '\n' : '') + line.trim();
      }
    }
  }

  private test(name: string): TestResult {
    let t = this.tests.get(name);
    if (!t) this.tests.set(name, (t = { name, status: 'running', failures: [], output: [] }));
    return t;
  }

  get doctorFailed(): DoctorCheck[] {
    return this.doctor.filter((c) => c.status === 'fail');
  }
}
