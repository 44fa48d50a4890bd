/** A markdown table of checks (icon, name, result with 💡 hints), as the doctor report shows them. Pure. */
export interface CheckRow {
  icon: string;
  name: string;
  message: string;
  hints: readonly string[];
}

export function checksTable(rows: readonly CheckRow[]): string[] {
  return ['| | check | result |', '|---|---|---|', ...rows.map((r) => `| ${r.icon} | ${escapeCell(r.name)} | ${escapeCell(r.message)}${r.hints.map((h) => `<br>💡 ${escapeCell(h)}`).join('')} |`)];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;');
}
