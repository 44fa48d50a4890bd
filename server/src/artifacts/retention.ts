import * as fs from 'fs';
import * as path from 'path';
import type { DeleteRunsResult, DeletionPlan, PlanDeletionParams } from '../../../shared/src/artifacts';
import { RUN_ID_PATTERN } from '../../../shared/src/protocol';
import { listRuns, walkFiles } from './runIndex';

/**
 * Retention for control_logs: which runs a rule selects, and deleting exactly those. Only folders
 * directly under control_logs whose names look like hi run ids are ever touched, and never through
 * a symlink.
 */
/**
 * Why nothing may be deleted under `controlLogs`, or null. A cloned repo can ship
 * `control_logs -> /home/me/elsewhere`: deleting its run-id folders would delete outside the
 * workspace, and the confirmation would show the link, not the target. So a linked root is refused.
 */
export function controlLogsProblem(controlLogs: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(controlLogs);
  } catch {
    return null; // nothing there: nothing to delete either
  }
  if (!st.isSymbolicLink()) return null;
  let target: string;
  try {
    target = fs.realpathSync(controlLogs);
  } catch {
    target = 'a missing target';
  }
  return `${controlLogs} is a symbolic link to ${target}: hi workbench deletes runs only inside a real control_logs folder (delete them there by hand if you mean to)`;
}

export function planDeletion(params: PlanDeletionParams, now = new Date()): DeletionPlan {
  const refused = controlLogsProblem(params.controlLogs);
  if (refused) return { runs: [], totalBytes: 0, refused };
  const runs = listRuns(params.controlLogs).filter((r) => isRunFolder(params.controlLogs, r.id));
  let chosen = runs;
  if (params.ids) chosen = chosen.filter((r) => params.ids!.includes(r.id));
  if (params.keepLast !== undefined) chosen = chosen.slice(Math.max(0, Math.floor(params.keepLast)));
  if (params.olderThanDays !== undefined) {
    const cutoff = now.getTime() - params.olderThanDays * 86_400_000;
    // Run ids carry local time, as hi writes them.
    chosen = chosen.filter((r) => new Date(r.startedAt).getTime() < cutoff);
  }
  const planned = chosen.map((r) => ({ id: r.id, path: r.path, sizeBytes: folderSize(r.path) }));
  return { runs: planned, totalBytes: planned.reduce((n, r) => n + r.sizeBytes, 0) };
}

export function deleteRuns(controlLogs: string, ids: readonly string[]): DeleteRunsResult {
  const result: DeleteRunsResult = { deleted: [], freedBytes: 0, failed: [] };
  const refused = controlLogsProblem(controlLogs);
  if (refused) return { ...result, failed: ids.map((id) => ({ id, message: refused })) };
  for (const id of ids) {
    if (!isRunFolder(controlLogs, id)) {
      result.failed.push({ id, message: 'not a run folder under control_logs' });
      continue;
    }
    const dir = path.join(controlLogs, id);
    const size = folderSize(dir);
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      result.deleted.push(id);
      result.freedBytes += size;
    } catch (e) {
      result.failed.push({ id, message: (e as Error).message });
    }
  }
  return result;
}

function isRunFolder(controlLogs: string, id: string): boolean {
  if (!RUN_ID_PATTERN.test(id) || id !== path.basename(id)) return false;
  try {
    return fs.lstatSync(path.join(controlLogs, id)).isDirectory();
  } catch {
    return false;
  }
}

function folderSize(dir: string): number {
  return walkFiles(dir).files.reduce((n, f) => n + f.size, 0);
}
