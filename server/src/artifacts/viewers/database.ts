import * as fs from 'fs';
import * as path from 'path';
import initSqlJs from 'sql.js';
import type { DatabaseView } from '../../../../shared/src/artifacts';
import { READ_LIMITS, readRegularFile } from '../../safeRead';

const TABLES = ['nodes', 'users', 'routes'];
const MAX_ROWS = 500;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

let sqlJs: ReturnType<typeof initSqlJs> | undefined;

/** sql.js's wasm lives beside the bundle in dist/, or in node_modules when run from source. */
function wasmFile(file: string): string {
  const beside = path.join(__dirname, file);
  return fs.existsSync(beside) ? beside : require.resolve(`sql.js/dist/${file}`);
}

/**
 * Schema that makes a plain SELECT run arbitrary work: a virtual table (its module does the
 * reading) or a generated column (its expression runs per row: `randomblob(1e9)` in an 8 KB file
 * exhausts the heap). headscale's tables have neither, so such a table is refused, not queried.
 */
const UNSAFE_SCHEMA = /^\s*CREATE\s+VIRTUAL\s+TABLE|\bGENERATED\s+ALWAYS\b|\bAS\s*\(/i;

/**
 * headscale's SQLite snapshot: the nodes, users and routes tables, through sql.js (SQLite compiled
 * to wasm). The file is read into memory and opened there, so the snapshot on disk is never
 * modified, locked or journaled. Only a regular file up to READ_LIMITS.database is read (a 1.5 GB
 * `.db` is not copied into memory), and the viewer runs in a worker with a time and heap budget
 * (isolated.ts), so a hostile snapshot costs an error view, never the server.
 */
export async function readDatabase(file: string): Promise<Omit<DatabaseView, 'title' | 'path'>> {
  const bytes = readRegularFile(file, READ_LIMITS.database);
  if (bytes.length < SQLITE_HEADER.length || !bytes.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) {
    throw new Error('not a SQLite database (no "SQLite format 3" header)');
  }
  sqlJs ??= initSqlJs({ locateFile: wasmFile });
  const SQL = await sqlJs;
  const db = new SQL.Database(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  try {
    const schema = new Map((db.exec("SELECT name, sql FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((r) => [String(r[0]), String(r[1] ?? '')]));
    const present = new Set(schema.keys());
    const tables: DatabaseView['tables'] = [];
    const refused: string[] = [];
    for (const name of TABLES) {
      if (!present.has(name)) continue;
      if (UNSAFE_SCHEMA.test(schema.get(name)!)) {
        refused.push(`${name}: a virtual table or generated column (not a headscale schema), not read`);
        continue;
      }
      const total = Number(db.exec(`SELECT COUNT(*) FROM "${name}"`)[0]?.values[0][0] ?? 0);
      const result = db.exec(`SELECT * FROM "${name}" LIMIT ${MAX_ROWS}`)[0];
      const columns = result?.columns ?? (db.exec(`PRAGMA table_info("${name}")`)[0]?.values ?? []).map((r) => String(r[1]));
      const rows = (result?.values ?? []).map((r) => r.map((v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : (v as string | number | null))));
      tables.push({ name, columns, rows, total });
    }
    return { kind: 'database', tables, missing: TABLES.filter((t) => !present.has(t)), ...(refused.length ? { refused } : {}) };
  } finally {
    db.close();
  }
}
