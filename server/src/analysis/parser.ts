import { Language, Parser, Tree } from 'web-tree-sitter';
import * as path from 'path';

/**
 * Loads tree-sitter-go once per process. The caller says where the two wasm files are, so the
 * core stays free of bundling decisions (dist/ in the extension, node_modules/ in tests).
 */
export interface WasmLocation {
  /** Folder holding tree-sitter.wasm and tree-sitter-go.wasm. */
  wasmDir: string;
}

let loading: Promise<GoParser> | undefined;

export class GoParser {
  private constructor(private readonly parser: Parser) {}

  static load(location: WasmLocation): Promise<GoParser> {
    loading ??= (async () => {
      // web-tree-sitter types its options as the whole EmscriptenModule (from @types/emscripten,
      // which sql.js's types also pull in); only locateFile is needed.
      await Parser.init({ locateFile: (name: string) => path.join(location.wasmDir, name) } as Partial<EmscriptenModule> as EmscriptenModule);
      const go = await Language.load(path.join(location.wasmDir, 'tree-sitter-go.wasm'));
      const parser = new Parser();
      parser.setLanguage(go);
      return new GoParser(parser);
    })();
    return loading;
  }

  /** Parses text; with oldTree (already `edit`ed) tree-sitter reuses unchanged subtrees. */
  parse(text: string, oldTree?: Tree | null): Tree {
    const tree = this.parser.parse(text, oldTree ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }
}
