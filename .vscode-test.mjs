// Desktop smoke test with @vscode/test-cli + @vscode/test-electron, for contributors with internet
// access: `npx vscode-test` downloads VS Code, installs nothing else, and runs test/vscode/*.test.cjs
// inside the extension host against the demo workspace. The CI of this project cannot download
// VS Code, so it runs the same checks through code-server instead (npm run test:e2e).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'test/vscode/*.test.cjs',
  version: '1.100.3',
  workspaceFolder: './demo',
  mocha: { ui: 'tdd', timeout: 60000 },
});
