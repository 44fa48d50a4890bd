// The worker thread behind isolated.ts: one artifact parsed, its view posted back, then exit.
import { parentPort, workerData } from 'worker_threads';
import type { ViewArtifactParams } from '../../../../shared/src/artifacts';
import { viewArtifact } from '.';

void viewArtifact(workerData as ViewArtifactParams).then((view) => parentPort?.postMessage(view));
