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

/**
 * Asked between slices of long work (a background parse, a file's contract): undefined to go on,
 * or a promise to await first, so that requests queued meanwhile are answered. The caller decides
 * the budget; the analysis core only says where it can stop.
 */
export type Pause = () => Promise<void> | undefined;

export class GoParser {
  /** A second parser for sliced parses: a cancelled parse resumes on its parser's next call, so it must not share one with the typing path. */
  private sliced: Parser | null = null;
  private slicedQueue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly parser: Parser) {}

  static load(location: WasmLocation): Promise<GoParser> {
    loading ??= (async () => {
      // Both wasm modules are compiled on this thread, synchronously (compiledHere). web-tree-sitter
      // compiles them with the async WebAssembly API, whose work queues on V8's background threads:
      // on two cores, a check's worker thread waited there 60 ms for the main thread's jobs before
      // it could parse. web-tree-sitter types its options as the whole EmscriptenModule (from
      // @types/emscripten, which sql.js's types also pull in); only locateFile is needed.
      const go = await compiledHere(async () => {
        await Parser.init({ locateFile: (name: string) => path.join(location.wasmDir, name) } as Partial<EmscriptenModule> as EmscriptenModule);
        return Language.load(path.join(location.wasmDir, 'tree-sitter-go.wasm'));
      });
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

  /**
   * Parses text from scratch in slices: tree-sitter stops when `pause` asks for a break and resumes
   * where it left off after it. Sliced parses run one at a time, on their own parser.
   */
  parseSliced(text: string, pause: Pause): Promise<Tree> {
    const run = this.slicedQueue.then(async () => {
      if (!this.sliced) {
        this.sliced = new Parser();
        this.sliced.setLanguage(this.parser.language);
      }
      const parser = this.sliced;
      parser.reset();
      for (;;) {
        let waiting: Promise<void> | undefined;
        let failed: { error: unknown } | undefined;
        // An exception must not unwind through wasm frames: note it, cancel the parse, throw it here.
        const progressCallback = () => {
          if (!waiting && !failed) {
            try {
              waiting = pause();
            } catch (error) {
              failed = { error };
            }
          }
          return waiting !== undefined || failed !== undefined;
        };
        const tree = parser.parse(text, null, { progressCallback });
        if (tree) return tree;
        if (failed) {
          parser.reset();
          throw failed.error;
        }
        if (!waiting) throw new Error('tree-sitter returned no tree');
        await waiting;
      }
    });
    this.slicedQueue = run.catch(() => undefined);
    return run;
  }
}

/** The part of the WebAssembly JS API used here: the project's libs declare no WebAssembly values. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => object;
  instantiate: (bytes: Uint8Array, imports?: object) => Promise<{ module: object; instance: object }>;
}

/**
 * Runs `load` with WebAssembly.instantiate compiling on the calling thread: web-tree-sitter takes
 * no compiled module (Language.load wants bytes or a path) and instantiates what it reads itself.
 * Whatever else instantiates wasm meanwhile (sql.js in the server) compiles here too, to the same
 * module.
 */
async function compiledHere<T>(load: () => Promise<T>): Promise<T> {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const instantiate = wasm.instantiate;
  wasm.instantiate = async (bytes, imports) => {
    const module = new wasm.Module(bytes);
    return { module, instance: new wasm.Instance(module, imports) };
  };
  try {
    return await load();
  } finally {
    wasm.instantiate = instantiate;
  }
}
