// Cutting a multi-document YAML stream into its documents' texts without parsing it, so that a reader can parse
// (and cache) each document on its own: appending one document to a file of 1,500 then costs one document's
// parse. A line that starts with `---` followed by a space, a tab or the line's end is always a document
// marker in YAML 1.2, whatever came before; directives (`%`) and document end markers (`...`) change how the
// documents around them read, so a stream with either is left whole. Pure: no I/O.

export interface DocumentText {
  readonly text: string;
  /** 1-based line of the stream where `text` starts. */
  readonly firstLine: number;
}

const DASH = 45;
const DOT = 46;
const PERCENT = 37;

/** Whether the line at `start` begins with `marker` (three of one character) followed by a blank or its end. */
function startsWithMarker(text: string, start: number, marker: number): boolean {
  if (
    text.charCodeAt(start) !== marker ||
    text.charCodeAt(start + 1) !== marker ||
    text.charCodeAt(start + 2) !== marker
  ) {
    return false;
  }
  const next = text.charCodeAt(start + 3);
  return Number.isNaN(next) || next === 32 || next === 9 || next === 10 || next === 13;
}

/**
 * The stream's documents, each starting at its `---` line (the first one at the start of the text), in order;
 * the whole text as one piece when it holds directives or document end markers.
 */
export function splitDocuments(text: string): DocumentText[] {
  const pieces: DocumentText[] = [];
  let pieceStart = 0;
  let pieceLine = 1;
  let line = 1;
  for (let start = 0; start < text.length; line++) {
    const first = text.charCodeAt(start);
    if (first === PERCENT || startsWithMarker(text, start, DOT)) return [{ text, firstLine: 1 }];
    if (start > pieceStart && startsWithMarker(text, start, DASH)) {
      pieces.push({ text: text.slice(pieceStart, start), firstLine: pieceLine });
      pieceStart = start;
      pieceLine = line;
    }
    const end = text.indexOf("\n", start);
    if (end === -1) break;
    start = end + 1;
  }
  pieces.push({ text: text.slice(pieceStart), firstLine: pieceLine });
  return pieces;
}
