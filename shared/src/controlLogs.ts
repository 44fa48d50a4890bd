import * as path from 'path';

/**
 * Where hi writes runs: `--logs-dir` in the extra args if given (hi's own flag wins), else the
 * `headscale.controlLogs` setting; relative paths are relative to the module root.
 */
export function controlLogsDir(moduleRoot: string, setting: string, hiExtraArgs: readonly string[]): string {
  let dir = setting;
  hiExtraArgs.forEach((arg, i) => {
    if (arg.startsWith('--logs-dir=')) dir = arg.slice('--logs-dir='.length);
    else if (arg === '--logs-dir' && hiExtraArgs[i + 1]) dir = hiExtraArgs[i + 1];
  });
  return path.resolve(moduleRoot, dir);
}
