import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ContainerLogClosedNotification,
  ContainerLogRequest,
  EnvChecksRequest,
  ExecuteCleanupRequest,
  ListContainersRequest,
  PlanCleanupRequest,
  RetryDockerRequest,
  type CleanupOptions,
  type CleanupPlan,
  type CleanupResult,
  type ContainerLogResult,
  type EnvCheck,
  type ListContainersResult,
} from '../../../shared/src/docker';

/** The Docker requests the extension sends; the language server talks to Docker. */
export class DockerClient {
  constructor(private readonly client: LanguageClient) {}

  listContainers(): Promise<ListContainersResult> {
    return this.client.sendRequest(ListContainersRequest);
  }

  retry(): Promise<void> {
    return this.client.sendRequest(RetryDockerRequest);
  }

  planCleanup(options: CleanupOptions): Promise<CleanupPlan> {
    return this.client.sendRequest(PlanCleanupRequest, options);
  }

  executeCleanup(plan: CleanupPlan, allowRunning: boolean): Promise<CleanupResult> {
    return this.client.sendRequest(ExecuteCleanupRequest, { plan, allowRunning });
  }

  containerLog(id: string): Promise<ContainerLogResult> {
    return this.client.sendRequest(ContainerLogRequest, { id });
  }

  closeContainerLog(id: string): void {
    void this.client.sendNotification(ContainerLogClosedNotification, { id });
  }

  envChecks(moduleRoot: string, minFreeGB: number): Promise<EnvCheck[]> {
    return this.client.sendRequest(EnvChecksRequest, { moduleRoot, minFreeGB });
  }
}
