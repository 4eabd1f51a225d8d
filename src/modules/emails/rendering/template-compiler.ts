import Handlebars from 'handlebars';
import { parseTemplate, TemplateError } from './template-safety';

// Own environment: the stock `lookup` and `log` helpers are removed, so not even a template that
// slipped past the checks above could reach them. Prototype access stays disabled (the default).
const hbsEnv = Handlebars.create();
hbsEnv.unregisterHelper('lookup');
hbsEnv.unregisterHelper('log');

/** text: variables as they are; html: everything escaped; strict: a missing variable throws. */
export type TemplateMode = 'text' | 'html' | 'strict';

const COMPILE_OPTIONS: Record<TemplateMode, CompileOptions> = {
  text: { noEscape: true },
  html: { noEscape: false },
  strict: { noEscape: true, strict: true },
};

const CACHE_LIMIT = 500;
const cache = new Map<string, HandlebarsTemplateDelegate>();

/** A compiled template, cached by mode and source (least recently used dropped past 500). */
export function compileTemplate(source: string, mode: TemplateMode): HandlebarsTemplateDelegate {
  const key = `${mode}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  parseTemplate(source);
  // Bodies are plain text: in the HTML part, the template's own words are escaped too, not only
  // its variables ("That was <great>." must not become markup).
  const input = mode === 'html' ? escapeLiteralText(hbsEnv.parse(source)) : source;
  const compiled = hbsEnv.compile(input, {
    ...COMPILE_OPTIONS[mode],
    knownHelpersOnly: true,
    knownHelpers: { lookup: false, log: false },
    preventIndent: true,
  });
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
  return compiled;
}

/** HTML-escapes every literal (ContentStatement) of a parsed template, in place. */
function escapeLiteralText<T extends hbs.AST.Node>(node: T): T {
  const walk = (n: hbs.AST.Node | null | undefined): void => {
    if (!n) return;
    if (n.type === 'ContentStatement') {
      const content = n as hbs.AST.ContentStatement;
      content.value = Handlebars.Utils.escapeExpression(content.value);
      return;
    }
    if (n.type === 'Program') (n as hbs.AST.Program).body.forEach(walk);
    if (n.type === 'BlockStatement') {
      walk((n as hbs.AST.BlockStatement).program);
      walk((n as hbs.AST.BlockStatement).inverse);
    }
  };
  walk(node);
  return node;
}

/** Runs a compiled template; Handlebars' runtime errors become TemplateErrors. */
export function runTemplate(source: string, mode: TemplateMode, view: object): string {
  const template = compileTemplate(source, mode);
  try {
    return template(view);
  } catch (err) {
    throw new TemplateError(err instanceof Error ? err.message.split('\n')[0] : String(err));
  }
}
