import * as fs from 'fs';
import * as path from 'path';
import initSqlJs from 'sql.js';
import type { DatabaseView } from '../../../../shared/src/artifacts';

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
 * headscale's SQLite snapshot: the nodes, users and routes tables, through sql.js (SQLite compiled
 * to wasm). The file is read into memory and opened there, so the snapshot on disk is never
 * modified, locked or journaled.
 */
export async function readDatabase(file: string): Promise<Omit<DatabaseView, 'title' | 'path'>> {
  const bytes = fs.readFileSync(file);
  if (bytes.length < SQLITE_HEADER.length || !bytes.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) {
    throw new Error('not a SQLite database (no "SQLite format 3" header)');
  }
  sqlJs ??= initSqlJs({ locateFile: wasmFile });
  const SQL = await sqlJs;
  const db = new SQL.Database(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  try {
    const present = new Set((db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((r) => String(r[0])));
    const tables: DatabaseView['tables'] = [];
    for (const name of TABLES) {
      if (!present.has(name)) continue;
      const total = Number(db.exec(`SELECT COUNT(*) FROM "${name}"`)[0]?.values[0][0] ?? 0);
      const result = db.exec(`SELECT * FROM "${name}" LIMIT ${MAX_ROWS}`)[0];
      const columns = result?.columns ?? (db.exec(`PRAGMA table_info("${name}")`)[0]?.values ?? []).map((r) => String(r[1]));
      const rows = (result?.values ?? []).map((r) => r.map((v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : (v as string | number | null))));
      tables.push({ name, columns, rows, total });
    }
    return { kind: 'database', tables, missing: TABLES.filter((t) => !present.has(t)) };
  } finally {
    db.close();
  }
}
