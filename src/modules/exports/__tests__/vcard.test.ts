import { contactVCard, escapeText, foldLine, type VCardContact } from '../vcard';

const contact = (overrides: Partial<VCardContact> = {}): VCardContact => ({
  id: '8a3c6f1e-0b2d-4c5e-9f70-112233445566',
  firstName: 'Zoë',
  lastName: "O'Brien, Jr",
  email: 'zoe@acme.example',
  phone: '+44 20 7946 0000',
  title: 'Head of Platform; EMEA',
  linkedinUrl: 'https://www.linkedin.com/in/zoe',
  organisationName: 'Acme; Widgets, Ltd',
  notes: 'Line one\r\nLine two\\ end',
  tags: ['fintech', 'a,b'],
  timezone: 'Europe/London',
  updatedAt: new Date('2026-11-30T09:08:07.123Z'),
  ...overrides,
});

describe('vCard 4.0', () => {
  it('escapes backslash, comma, semicolon and line breaks in text values (RFC 6350 §3.4)', () => {
    expect(escapeText('a\\b,c;d\ne\r\nf\rg')).toBe('a\\\\b\\,c\\;d\\ne\\nf\\ng');
    expect(escapeText('bell\u0007 tab\there')).toBe('bell tabhere');
  });

  it('writes the standard properties an address book reads, in UTF-8 with CRLF line ends', () => {
    const card = contactVCard(contact());
    expect(card.split('\r\n')).toEqual([
      'BEGIN:VCARD',
      'VERSION:4.0',
      'UID:urn:uuid:8a3c6f1e-0b2d-4c5e-9f70-112233445566',
      "FN:Zoë O'Brien\\, Jr",
      "N:O'Brien\\, Jr;Zoë;;;",
      'EMAIL;TYPE=work:zoe@acme.example',
      'TEL;VALUE=text:+44 20 7946 0000',
      'ORG:Acme\\; Widgets\\, Ltd',
      'TITLE:Head of Platform\\; EMEA',
      'URL;TYPE=work:https://www.linkedin.com/in/zoe',
      'CATEGORIES:fintech,a\\,b',
      'TZ;VALUE=text:Europe/London',
      'NOTE:Line one\\nLine two\\\\ end',
      'REV:20261130T090807Z',
      'END:VCARD',
      '',
    ]);
  });

  it('leaves out what a contact does not have', () => {
    const card = contactVCard(
      contact({
        lastName: null,
        email: null,
        phone: null,
        title: null,
        linkedinUrl: null,
        organisationName: null,
        notes: null,
        tags: [],
        timezone: null,
      }),
    );
    expect(card).toBe(
      'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:8a3c6f1e-0b2d-4c5e-9f70-112233445566\r\nFN:Zoë\r\nN:;Zoë;;;\r\nREV:20261130T090807Z\r\nEND:VCARD\r\n',
    );
  });

  it('folds lines at 75 octets without splitting a UTF-8 character', () => {
    const note = `${'é'.repeat(60)}${'日本'.repeat(30)}😀😀😀${'x'.repeat(100)}`;
    const folded = foldLine(`NOTE:${note}`);
    const lines = folded.split('\r\n').slice(0, -1);
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    for (const line of lines.slice(1)) expect(line.startsWith(' ')).toBe(true);
    // No replacement characters: every piece is valid UTF-8 on its own.
    for (const line of lines) expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
    // Unfolding (RFC 6350 §3.2) gives the line back.
    expect(folded.replace(/\r\n /g, '').replace(/\r\n$/, '')).toBe(`NOTE:${note}`);
    expect(foldLine('SHORT:x')).toBe('SHORT:x\r\n');
  });

  it('keeps a URL a URL: no white space or controls, nothing backslash-escaped', () => {
    const card = contactVCard(contact({ linkedinUrl: 'https://www.linkedin.com/in/a,b\n c' }));
    expect(card).toContain('URL;TYPE=work:https://www.linkedin.com/in/a,bc\r\n');
  });
});
