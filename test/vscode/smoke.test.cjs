// Runs inside the VS Code extension host (see .vscode-test.mjs): the same smoke checks as the
// code-server e2e suite, through the vscode API instead of the DOM.
const assert = require('assert');
const vscode = require('vscode');

function waitFor(predicate, event, timeoutMs) {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const timer = setTimeout(() => { sub.dispose(); reject(new Error('timed out')); }, timeoutMs);
    const sub = event(() => {
      if (predicate()) { clearTimeout(timer); sub.dispose(); resolve(); }
    });
  });
}

suite('hi workbench smoke', () => {
  test('diagnostics with rule codes, hover and a quick fix on the demo route test', async () => {
    const [uri] = await vscode.workspace.findFiles('integration/route_test.go');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'hi workbench');
    await waitFor(() => ours().length > 0, vscode.languages.onDidChangeDiagnostics, 30000);
    const codes = new Set(ours().map((d) => String(d.code && d.code.value !== undefined ? d.code.value : d.code)));
    for (const code of ['ewt-mutating-call', 'ewt-outer-t', 'ewt-shadowed-result']) assert.ok(codes.has(code), code);

    const outerT = ours().find((d) => String(d.code.value ?? d.code) === 'ewt-outer-t');
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, outerT.range.start);
    assert.ok(hovers.some((h) => h.contents.some((c) => String(c.value ?? c).includes('Assert on the CollectT'))));

    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, outerT.range);
    const fix = actions.find((a) => a.title.startsWith('Use c instead of'));
    assert.ok(fix, 'quick fix offered');
    await vscode.workspace.applyEdit(fix.edit);
    await waitFor(() => !ours().some((d) => d.range.isEqual(outerT.range) && String(d.code.value ?? d.code) === 'ewt-outer-t'), vscode.languages.onDidChangeDiagnostics, 30000);
  });
});
