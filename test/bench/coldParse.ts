/**
 * The CLI lines' baseline (longTestsBench.ts's timeCliCheck): a cold process that only loads
 * tree-sitter and parses every .go file of a folder, in one thread. `check` cannot be faster than
 * this on one core, so the two side by side tell the analysis's share on any machine.
 * Usage: node out/test/bench/coldParse.js <dir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadParser } from '../support/parser';

async function main(dir: string): Promise<void> {
  const parser = await loadParser();
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.go'))) parser.parse(fs.readFileSync(path.join(dir, name), 'utf8')).delete();
}

main(process.argv[2]).catch((e) => {
  console.error(e);
  process.exit(1);
});
