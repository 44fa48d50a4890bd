import * as path from 'path';
import type { ArtifactView, ViewArtifactParams } from '../../../../shared/src/artifacts';
import { readDatabase } from './database';
import { mapResponseTimeline } from './mapResponses';
import { summarizeMetrics } from './metrics';
import { summarizeStatus } from './status';
import { READ_LIMITS, readRegularText } from '../../safeRead';

/** The data behind one viewer; a file that cannot be read or parsed becomes a clear error view. */
export async function viewArtifact({ path: file, kind }: ViewArtifactParams): Promise<ArtifactView> {
  const title = kind === 'mapresponses' ? `Map responses · ${path.basename(path.dirname(file))}` : path.basename(file);
  try {
    switch (kind) {
      case 'metrics':
        return { title, path: file, ...summarizeMetrics(readText(file)) };
      case 'status':
        return { title, path: file, ...summarizeStatus(readText(file)) };
      case 'mapresponses':
        return { title, path: file, ...mapResponseTimeline(file) };
      case 'database':
        return { title, path: file, ...(await readDatabase(file)) };
      default:
        return { title, path: file, kind: 'error', error: `no viewer for ${String(kind)}` };
    }
  } catch (e) {
    return { title, path: file, kind: 'error', error: e instanceof Error ? e.message : String(e) };
  }
}

/** Text artifacts: regular files only, and none bigger than a real dump (a FIFO or /dev/zero is refused). */
function readText(file: string): string {
  return readRegularText(file, READ_LIMITS.textArtifact);
}
