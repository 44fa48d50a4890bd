/**
 * Folding ranges for control_logs logs: goroutine dumps (`goroutine N [state]:` to the next blank
 * line), panics and fatal errors (to the end of their dump), and testify failure blocks
 * (`Error Trace:` through `Messages:`/`Test:` and their continuation lines). Lines are 0-based.
 */
export interface LogFold {
  start: number;
  end: number;
}

const GOROUTINE = /^goroutine \d+ \[/;
const PANIC = /^(panic: |fatal error: )/;
const ERROR_TRACE = /^\s+Error Trace:/;
/** A new log entry starts with a timestamp: RFC3339 or `YYYY/MM/DD HH:MM:SS`. */
const ENTRY = /^\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}/;

export function logFoldingRanges(lines: readonly string[]): LogFold[] {
  const folds: LogFold[] = [];
  const push = (start: number, end: number) => {
    while (end > start && !lines[end].trim()) end--;
    if (end > start) folds.push({ start, end });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (GOROUTINE.test(line)) {
      let j = i + 1;
      while (j < lines.length && lines[j].trim() && !GOROUTINE.test(lines[j]) && !ENTRY.test(lines[j])) j++;
      push(i, j - 1);
    } else if (PANIC.test(line)) {
      // The whole dump: every goroutine until the log resumes with a timestamped entry.
      let j = i + 1;
      while (j < lines.length && !ENTRY.test(lines[j])) j++;
      push(i, j - 1);
    } else if (ERROR_TRACE.test(line)) {
      const indent = line.length - line.trimStart().length;
      let j = i + 1;
      // Continuation lines are indented deeper, or are the block's other `Key:` fields.
      while (j < lines.length && lines[j].trim() && (lines[j].length - lines[j].trimStart().length > indent || /^\s+(Error|Test|Messages):/.test(lines[j]))) j++;
      push(i, j - 1);
    }
  }
  return folds;
}
