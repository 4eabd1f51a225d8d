import { EmailKind } from '../../email-kind';
import { verifyUnsubscribeToken, unsubscribeToken } from '../../unsubscribe-token';
import { headerSafe, renderEmail, renderSubject } from '../email-renderer';
import { RENDERED_BODY_MAX, RenderLimitError, tidy } from '../render-limits';
import { sampleContext, validateTemplate } from '../template-validation';

const NOW = new Date('2026-01-14T09:00:00Z');

// The regex version tidy replaced: the same answers on short text, quadratic on long runs of spaces.
const regexTidy = (s: string) =>
  s
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

describe('tidy', () => {
  it('gives the answers the regex version gave', () => {
    const pieces = [' ', '\t', '\n', '\r\n', '\r', 'a', 'b ', '\u00a0', '\n\n\n'];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(random() * 12);
      const s = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      expect(JSON.stringify(tidy(s))).toBe(JSON.stringify(regexTidy(s)));
    }
  });

  // On the regex version, each of these takes minutes (every space of a run retried to its end);
  // here they are one pass.
  it('cleans up 200,000 spaces that end in a word, a line break or nothing', () => {
    const spaces = ' '.repeat(200_000);
    expect(tidy(`a${spaces}b\nc`)).toBe(`a${spaces}b\nc`);
    expect(tidy(`a${spaces}\nc`)).toBe('a\nc');
    expect(tidy(`a\n${spaces}\n\n${spaces}\n\nc${spaces}`)).toBe('a\n\nc');
    expect(tidy(`${'\t \r\n'.repeat(100_000)}x`)).toBe('x');
  });

  it('leaves headers one line, with single spaces, however long the runs', () => {
    expect(headerSafe(`a${' '.repeat(200_000)}b${'\r\n'.repeat(100_000)}c`)).toBe('a b c');
  });
});

describe('rendering limits', () => {
  const ctx = (notes: string) => {
    const base = sampleContext(EmailKind.THANK_YOU);
    return { ...base, meeting: { ...base.meeting!, notes } };
  };

  it('renders a template that repeats long runs of spaces', () => {
    const notes = `x${' '.repeat(5_000)}y`;
    const email = renderEmail(ctx(notes), { subject: 'Hi', body: '{{meeting.notes}}\n'.repeat(50) }, { now: NOW });
    expect(email.text.startsWith(Array(50).fill(notes).join('\n'))).toBe(true);
  });

  it('refuses a body or a subject over its cap, naming which', () => {
    const notes = 'n'.repeat(20_000);
    const copies = Math.ceil(RENDERED_BODY_MAX / notes.length) + 1;
    const body = () => renderEmail(ctx(notes), { subject: 'Hi', body: '{{meeting.notes}} '.repeat(copies) });
    expect(body).toThrow(RenderLimitError);
    expect(body).toThrow(`must be at most ${RENDERED_BODY_MAX} characters once rendered`);
    try {
      body();
    } catch (err) {
      expect(err).toMatchObject({ field: 'body' });
    }
    const subject = () => renderEmail(ctx(notes), { subject: '{{meeting.notes}}', body: 'Thanks' });
    expect(subject).toThrow(expect.objectContaining({ field: 'subject' }));
    expect(() => renderSubject(ctx(notes), { subject: '{{meeting.notes}}' })).toThrow(RenderLimitError);
  });
});

describe('the unsubscribe link', () => {
  const secret = 'test-secret';
  const context = () => {
    const token = unsubscribeToken('grace@example.test', secret);
    return { ...sampleContext(EmailKind.THANK_YOU), unsubscribeUrl: `https://rapport.example/unsubscribe/${token}` };
  };
  const tokens = (s: string) =>
    [...s.matchAll(/\/unsubscribe\/([A-Za-z0-9_.-]+)/g)].map((m) => verifyUnsubscribeToken(m[1], secret));

  it('is refused in a subject template, and allowed in a body', () => {
    const kind = EmailKind.THANK_YOU;
    expect(validateTemplate({ subject: 'Bye {{unsubscribeUrl}}', body: 'Thanks' }, kind)).toEqual([
      { field: 'input.subject', message: expect.stringContaining('{{unsubscribeUrl}}') },
    ]);
    expect(validateTemplate({ subject: '{{#with this}}{{unsubscribeUrl}}{{/with}}', body: 'x' }, kind)).toHaveLength(1);
    expect(validateTemplate({ subject: 'Thanks', body: 'Stop: {{unsubscribeUrl}}' }, kind)).toEqual([]);
  });

  it('renders only into the body; a subject stored before the rule shows a stand-in', () => {
    const email = renderEmail(context(), { subject: 'Bye {{unsubscribeUrl}}', body: 'Stop: {{unsubscribeUrl}}' });
    expect(email.subject).toBe('Bye https://rapport.example/unsubscribe/preview');
    expect(tokens(email.text)).toEqual(['grace@example.test', 'grace@example.test']);
    expect(renderSubject(context(), { subject: 'Bye {{unsubscribeUrl}}' })).toBe(email.subject);
  });
});
