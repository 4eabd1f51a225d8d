import { ArrayMaxSize, IsUrl, Length, registerDecorator, type ValidationOptions } from 'class-validator';
import { ValidationError } from './errors';
import { hasControlCharacters, NoControlCharacters, rule } from './validation';

/** Length limits shared by every module's inputs. */
export const LIMITS = {
  name: 200,
  shortText: 200,
  url: 2048,
  notes: 20_000,
  tags: 20,
  tag: 50,
} as const;

/** A single-line label: 1..max characters, not only spaces, no control characters. */
export const Label = (max: number = LIMITS.name) => {
  const length = Length(1, max);
  const controls = NoControlCharacters();
  const notBlank = rule('notBlank', (v) => typeof v === 'string' && v.trim().length > 0, 'must not be blank');
  return (target: object, key: string) => {
    length(target, key);
    controls(target, key);
    notBlank(target, key);
  };
};

/** Free text up to `max` characters (line breaks allowed). */
export const Notes = (max: number = LIMITS.notes) => Length(0, max);

/** An http(s) URL. */
export const WebUrl = (options?: ValidationOptions) =>
  IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'must be an http(s) URL', ...options },
  );

/** At most LIMITS.tags tags of 1..LIMITS.tag characters each. */
export const Tags = () => {
  const size = ArrayMaxSize(LIMITS.tags);
  return (target: object, propertyName: string) => {
    size(target, propertyName);
    registerDecorator({
      name: 'tags',
      target: target.constructor,
      propertyName,
      options: { message: `each tag must be 1 to ${LIMITS.tag} characters without control characters` },
      validator: {
        validate: (value: unknown) =>
          value === undefined ||
          value === null ||
          (Array.isArray(value) &&
            value.every(
              (t) =>
                typeof t === 'string' && t.trim().length >= 1 && t.length <= LIMITS.tag && !hasControlCharacters(t),
            )),
      },
    });
  };
};

/** Tags as stored: trimmed, lower-cased, de-duplicated, in the order given. */
export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()))];
}

/** Trims a text input; empty becomes null (so clearing a field is `""` or `null`). */
export function cleanText(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Refuses an explicit null for fields that cannot be cleared (leave them out to keep them). */
export function rejectNulls(input: object, required: string[], argument = 'input'): void {
  const fields = required
    .filter((key) => (input as Record<string, unknown>)[key] === null)
    .map((key) => ({ field: `${argument}.${key}`, message: 'cannot be null; leave it out to keep it' }));
  if (fields.length) throw new ValidationError(fields);
}

/** `%` and `_` are wildcards in LIKE; a search for them must match them literally. */
export function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Search words: lower-cased, split on whitespace, at most 8. */
export function searchWords(search: string | null | undefined): string[] {
  return (search ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
}

/** Every list filter's `updatedSince` (offline sync: docs/clients.md § Offline sync). */
export const UPDATED_SINCE_DESCRIPTION =
  'Only what changed at or after this instant: the syncCheckpoint taken before your last sync (docs/clients.md § Offline sync).';
