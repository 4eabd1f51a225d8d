import { TemplateError } from './template-safety';

// How big a rendered email may get, and the linear text clean-up the renderer applies. Every
// scan here sees user text (notes, names, messages), so none of it may backtrack.

/** A subject is one header line: RFC 5322 caps a line at 998 characters. */
export const RENDERED_SUBJECT_MAX = 998;
/**
 * The plain-text body: 256 KiB of characters, some fifty pages, far beyond any email a person
 * writes, while the HTML part (the same text, escaped) stays well under the 10–25 MB providers
 * accept. A template that repeats long notes past this is refused, not sent truncated.
 */
export const RENDERED_BODY_MAX = 262_144;

/** The rendered subject or body is over its cap; `field` says which. Unrecoverable, like any TemplateError. */
export class RenderLimitError extends TemplateError {
  constructor(
    readonly field: 'subject' | 'body',
    readonly max: number,
  ) {
    super(`must be at most ${max} characters once rendered`);
    this.name = 'RenderLimitError';
  }
}

/** `text` when it fits under `max`; RenderLimitError naming `field` otherwise. */
export function withinLimit(field: 'subject' | 'body', text: string, max: number): string {
  if (text.length > max) throw new RenderLimitError(field, max);
  return text;
}

const isBlank = (code: number) => code === 32 || code === 9; // space, tab

/**
 * Trailing spaces and tabs dropped from every line, CRLF and CR read as LF, at most one blank
 * line in a row, trimmed. One pass per step, each character looked at a bounded number of times
 * (a regex like /[ \t]+\n/ retries a long run of spaces from each of its characters).
 */
export function tidy(s: string): string {
  const lines = s.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let blanks = 0;
  for (const line of lines) {
    let end = line.length;
    while (end > 0 && isBlank(line.charCodeAt(end - 1))) end--;
    const kept = end === line.length ? line : line.slice(0, end);
    // Only an empty line counts as blank here, as /\n{3,}/ saw it (a line of spaces is empty by now).
    blanks = kept === '' ? blanks + 1 : 0;
    if (blanks <= 1) out.push(kept);
  }
  return out.join('\n').trim();
}
