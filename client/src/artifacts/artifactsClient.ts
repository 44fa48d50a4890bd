import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DeleteRunsRequest,
  DescribeRunRequest,
  ErrorsWithContextRequest,
  FailureSummaryRequest,
  ListRunsRequest,
  LogErrorsRequest,
  LogProblemsNotification,
  PlanDeletionRequest,
  SearchRunRequest,
  TimelineRequest,
  ViewArtifactRequest,
  type ArtifactView,
  type DeleteRunsResult,
  type DeletionPlan,
  type ErrorLine,
  type ErrorsWithContextResult,
  type FailureSummary,
  type ListRunsResult,
  type PlanDeletionParams,
  type RunSearchResult,
  type TimelineResult,
  type RunView,
  type ViewArtifactParams,
} from '../../../shared/src/artifacts';

/** The artifact requests the extension sends; the language server does the reading and parsing. */
export class ArtifactsClient {
  constructor(private readonly client: LanguageClient) {}

  listRuns(controlLogs: string): Promise<ListRunsResult> {
    return this.client.sendRequest(ListRunsRequest, { controlLogs });
  }

  describeRun(controlLogs: string, id: string): Promise<RunView | null> {
    return this.client.sendRequest(DescribeRunRequest, { controlLogs, id });
  }

  failureSummary(controlLogs: string, id: string): Promise<FailureSummary | null> {
    return this.client.sendRequest(FailureSummaryRequest, { controlLogs, id });
  }

  searchRun(controlLogs: string, id: string, pattern: string, maxPerFile?: number): Promise<RunSearchResult | null> {
    return this.client.sendRequest(SearchRunRequest, { controlLogs, id, pattern, ...(maxPerFile ? { maxPerFile } : {}) });
  }

  timeline(controlLogs: string, id: string, path: string, line: number, seconds: number): Promise<TimelineResult | null> {
    return this.client.sendRequest(TimelineRequest, { controlLogs, id, path, line, seconds });
  }

  logErrors(path: string): Promise<ErrorLine[]> {
    return this.client.sendRequest(LogErrorsRequest, { path });
  }

  /** The complete set of logs whose lines are Problems (see LogProblems). */
  logProblems(paths: string[], warnings: boolean): Promise<void> {
    return this.client.sendNotification(LogProblemsNotification, { paths, warnings });
  }

  planDeletion(params: PlanDeletionParams): Promise<DeletionPlan> {
    return this.client.sendRequest(PlanDeletionRequest, params);
  }

  deleteRuns(controlLogs: string, ids: string[]): Promise<DeleteRunsResult> {
    return this.client.sendRequest(DeleteRunsRequest, { controlLogs, ids });
  }

  errorsWithContext(path: string, context: number): Promise<ErrorsWithContextResult> {
    return this.client.sendRequest(ErrorsWithContextRequest, { path, context });
  }

  viewArtifact(params: ViewArtifactParams): Promise<ArtifactView> {
    return this.client.sendRequest(ViewArtifactRequest, params);
  }
}
