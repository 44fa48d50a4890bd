import type { Edit, Node, Tree } from 'web-tree-sitter';

/**
 * Most keystrokes change the text of one token and nothing else: a letter of a method name, a word
 * of a message, a digit of a timeout. The parser's decisions depend on the kinds of the tokens, not
 * on their text, so such an edit leaves the tree's shape as it was; only the token's length and the
 * offsets after it move, which is exactly what `tree.edit` does. Re-parsing would cost several ms
 * on a 1 100-line test (tree-sitter-go re-parses every `f(x)` call around the edit: its
 * conversion/call ambiguity leaves those subtrees unreusable), so the caller keeps the edited tree.
 *
 * The edit is handed to `tree.edit` as the replacement of the whole token: an insertion at a token
 * boundary would otherwise be credited to the token on its left (tree-sitter's rule), which is not
 * where the lexer would put it (`assert.|NoError`).
 *
 * Only when the tree has no error (recovery depends on more than token kinds), the edit removes
 * and inserts no line break, and the new text is one token of the same kind: an identifier that
 * is not a keyword of the grammar, string content without quote, backslash or line break, a line
 * comment, a decimal integer.
 */

const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const WORD_CHAR = /[A-Za-z0-9_]/;

type TokenTest = (text: string, tree: Tree) => boolean;

const word: TokenTest = (text, tree) => WORD.test(text) && text !== '_' && tree.language.idForNodeType(text, false) === null;

const SAME_KIND: Record<string, TokenTest> = {
  identifier: word,
  field_identifier: word,
  type_identifier: word,
  package_identifier: word,
  label_name: word,
  int_literal: (text) => DECIMAL.test(text),
  interpreted_string_literal_content: (text) => text.length > 0 && !/["\\\n\r]/.test(text),
  raw_string_literal_content: (text) => text.length > 0 && !/[`\r\n]/.test(text),
  comment: (text) => text.startsWith('//') && !/[\n\r]/.test(text),
};

/** Kinds whose neighbours must not be word characters (the new text could join them). */
const WORDLIKE = new Set(['identifier', 'field_identifier', 'type_identifier', 'package_identifier', 'label_name', 'int_literal']);

/**
 * The whole-token `Edit` for replacing [start, end) of `text` with `inserted`, when that keeps the
 * tree's shape; null when the document must be re-parsed.
 */
export function sameShapeEdit(tree: Tree, text: string, start: number, end: number, inserted: string): Edit | null {
  if (/[\n\r]/.test(inserted) || /[\n\r]/.test(text.slice(start, end))) return null;
  const root = tree.rootNode;
  if (root.hasError) return null;
  // An insertion at a boundary may belong to the token on either side: the one the new text fits.
  const candidates = start === end && start > 0 ? [leafAt(root, start), leafAt(root, start - 1)] : [leafAt(root, start)];
  for (const token of candidates) {
    if (!token || token.startIndex > start || token.endIndex < end) continue;
    const test = SAME_KIND[token.type];
    if (!test) continue;
    const tokenText = text.slice(token.startIndex, token.endIndex);
    if (!test(tokenText, tree)) continue; // (an int_literal like 0x1F, a block comment)
    const next = tokenText.slice(0, start - token.startIndex) + inserted + tokenText.slice(end - token.startIndex);
    if (!test(next, tree)) continue;
    if (WORDLIKE.has(token.type) && (WORD_CHAR.test(text[token.startIndex - 1] ?? '') || WORD_CHAR.test(text[token.endIndex] ?? ''))) continue;
    if (token.type === 'comment' && !/^[\n\r]?$/.test(text[token.endIndex] ?? '')) continue;
    const row = token.startPosition.row;
    return {
      startIndex: token.startIndex,
      oldEndIndex: token.endIndex,
      newEndIndex: token.startIndex + next.length,
      startPosition: token.startPosition,
      oldEndPosition: token.endPosition,
      newEndPosition: { row, column: token.startPosition.column + next.length },
    };
  }
  return null;
}

/** The token holding the character at `index`, or null (whitespace, or past the end). */
function leafAt(root: Node, index: number): Node | null {
  if (index >= root.endIndex) return null;
  const node = root.descendantForIndex(index);
  return node && node.childCount === 0 && node.startIndex <= index && index < node.endIndex ? node : null;
}

/**
 * A tree reads node text through the text it was parsed from. A tree kept after same-shape edits
 * (a copy, so per-tree memos start afresh) must read the current text instead. web-tree-sitter
 * 0.25 (pinned) keeps that source as `textCallback`; tokenEdit.test checks node text against the
 * document, so an upgrade that renames it fails there.
 */
export function withText(tree: Tree, text: string): Tree {
  const copy = tree.copy();
  (copy as unknown as { textCallback: (index: number) => string }).textCallback = (index: number) => text.slice(index);
  return copy;
}
