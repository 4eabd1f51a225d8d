import Handlebars from 'handlebars';

// A template is data, never code: the rules every template passes, checked on its parse tree
// before it is compiled (stored templates included), and the wording of its parse errors.

/** A template that breaks the rules or cannot be read; the worker treats it as unrecoverable. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line ? `line ${line}: ${message}` : message);
    this.name = 'TemplateError';
  }
}

/** The only blocks a template may use; no other helper, no partial, no decorator. */
export const ALLOWED_BLOCKS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with']);
/** `@index`, `@first`… inside {{#each}}. */
export const ALLOWED_DATA: ReadonlySet<string> = new Set(['index', 'first', 'last', 'key']);

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
// Reachable through any object's prototype; never a template variable.
const PROTOTYPE_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Why a path segment is refused, or null when it is a plain variable name. */
export function badName(part: string): string | null {
  if (PROTOTYPE_NAMES.has(part)) return `"${part}" is not a template variable`;
  if (!NAME.test(part)) return `"${part}" is not a valid variable name`;
  return null;
}

const line = (node: hbs.AST.Node) => node.loc?.start.line;

/**
 * Every rule the renderer enforces, checked on the parsed template: escaped {{variables}} only
 * (no {{{…}}} or {{& …}}), {{#if}} {{#unless}} {{#each}} {{#with}} with one variable each, no
 * other helper, sub-expression, hash, partial, decorator or raw block, and names that cannot
 * reach a prototype. Returns the problems, first ones first.
 */
export function safetyProblems(ast: hbs.AST.Program): TemplateError[] {
  const problems: TemplateError[] = [];
  const fail = (node: hbs.AST.Node, message: string) => problems.push(new TemplateError(message, line(node)));

  const checkPath = (node: hbs.AST.Node, expr: hbs.AST.Expression | hbs.AST.Literal): void => {
    if (expr.type !== 'PathExpression') {
      const what = expr.type === 'SubExpression' ? 'sub-expressions (…)' : 'literal values';
      fail(node, `only variables can appear inside {{ }}, not ${what}`);
      return;
    }
    const path = expr as hbs.AST.PathExpression;
    if (path.data) {
      if (path.parts.length !== 1 || !ALLOWED_DATA.has(path.parts[0])) {
        fail(node, `@${path.parts.join('.')} is not allowed; inside {{#each}} use @index, @first or @last`);
      }
      return;
    }
    for (const part of path.parts) {
      const bad = badName(part);
      if (bad) return void fail(node, bad);
    }
  };

  const visit = (node: hbs.AST.Node | undefined): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        (node as hbs.AST.Program).body.forEach(visit);
        return;
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        if (!m.escaped) fail(m, '{{{…}}} and {{& …}} would insert raw HTML; use {{…}}');
        if (m.params.length || m.hash?.pairs.length) {
          fail(m, `helpers are not allowed: {{${pathName(m.path)} …}}`);
          return;
        }
        checkPath(m, m.path);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = pathName(b.path);
        if (b.path.type !== 'PathExpression' || !ALLOWED_BLOCKS.has(name) || b.path.parts.length !== 1) {
          fail(b, `{{#${name}}} is not allowed; use {{#if}}, {{#unless}}, {{#each}} or {{#with}}`);
          return;
        }
        if (b.params.length !== 1 || b.hash?.pairs.length) {
          fail(b, `{{#${name}}} takes exactly one variable`);
          return;
        }
        checkPath(b, b.params[0]);
        if (b.program?.blockParams?.length && (name === 'if' || name === 'unless')) {
          fail(b, `{{#${name}}} takes no "as |…|"`);
        }
        for (const p of b.program?.blockParams ?? []) {
          const bad = badName(p);
          if (bad) fail(b, bad);
        }
        visit(b.program);
        visit(b.inverse);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        fail(node, 'partials ({{> …}}) are not allowed');
        return;
      case 'Decorator':
      case 'DecoratorBlock':
        fail(node, 'decorators ({{* …}}) are not allowed');
        return;
      default:
        fail(node, `{{…}} of type ${node.type} is not allowed`);
    }
  };
  visit(ast);
  return problems;
}

/** Whether any {{…}} or block of the template names `variable` (at any depth, through any scope). */
export function mentionsVariable(ast: hbs.AST.Program, variable: string): boolean {
  const names = (expr: hbs.AST.Expression) =>
    expr.type === 'PathExpression' && (expr as hbs.AST.PathExpression).parts.includes(variable);
  const visit = (node: hbs.AST.Node | null | undefined): boolean => {
    if (!node) return false;
    if (node.type === 'Program') return (node as hbs.AST.Program).body.some(visit);
    if (node.type === 'MustacheStatement') return names((node as hbs.AST.MustacheStatement).path);
    if (node.type !== 'BlockStatement') return false;
    const b = node as hbs.AST.BlockStatement;
    return b.params.some(names) || visit(b.program) || visit(b.inverse);
  };
  return visit(ast);
}

function pathName(expr: hbs.AST.PathExpression | hbs.AST.Literal | hbs.AST.Expression): string {
  if (expr.type === 'PathExpression') return (expr as hbs.AST.PathExpression).original;
  return String((expr as hbs.AST.StringLiteral).original ?? expr.type);
}

/** Parses a template and applies the safety rules; throws TemplateError on the first problem. */
export function parseTemplate(source: string): hbs.AST.Program {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (err) {
    throw new TemplateError(parseErrorMessage(err));
  }
  const [first] = safetyProblems(ast);
  if (first) throw first;
  return ast;
}

/** Handlebars' parse errors span several lines with an ASCII pointer; keep the sentence. */
export function parseErrorMessage(err: unknown): string {
  // The message quotes the template; a bounded prefix keeps the lazy patterns below cheap.
  const raw = (err instanceof Error ? err.message : String(err)).slice(0, 2_000);
  const where = /Parse error on line (\d+)/.exec(raw);
  const expecting = /Expecting (.+?), got '([^']+)'/.exec(raw);
  if (where) {
    return `cannot be read at line ${where[1]}${expecting ? `: unexpected ${describeToken(expecting[2])}` : ''}`;
  }
  const mismatch = /^(.+?) doesn't match (.+?) - (\d+):/.exec(raw);
  if (mismatch) return `line ${mismatch[3]}: {{/${mismatch[2]}}} does not close {{#${mismatch[1]}}}`;
  return `cannot be read: ${raw.split('\n')[0]}`;
}

function describeToken(token: string): string {
  if (token === 'EOF') return 'end of template (a block is not closed?)';
  return token.toLowerCase().replace(/_/g, ' ');
}
