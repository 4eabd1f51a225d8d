// Realistic export files, written the way each product writes them (line endings, quoting,
// preambles, encodings), so the parsers meet what users will upload.

export interface Connection {
  first: string;
  last: string;
  url: string;
  email?: string;
  company: string;
  position: string;
  connectedOn?: string;
}

const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const csvLine = (values: string[]) => values.map(quote).join(',');

/** LinkedIn's Connections.csv: notes before the header, CRLF line ends, most emails empty. */
export function linkedinCsv(rows: Connection[]): string {
  return [
    'Notes:',
    '"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"',
    '',
    'First Name,Last Name,URL,Email Address,Company,Position,Connected On',
    ...rows.map((r) =>
      csvLine([r.first, r.last, r.url, r.email ?? '', r.company, r.position, r.connectedOn ?? '12 Jan 2024']),
    ),
    '',
  ].join('\r\n');
}

/** Ada, Grace, Marie and a few more, as LinkedIn lists them. */
export const CONNECTIONS: Connection[] = [
  {
    first: 'Ada',
    last: 'Lovelace',
    url: 'https://www.linkedin.com/in/ada-lovelace',
    email: 'Ada@Engines.example',
    company: 'Analytical Engines',
    position: 'Programmer',
  },
  {
    first: 'Grace',
    last: 'Hopper',
    url: 'https://www.linkedin.com/in/grace-hopper-1906',
    company: 'US Navy',
    position: 'Rear Admiral, "Amazing Grace"',
    connectedOn: '09 Dec 2019',
  },
  {
    first: 'Marie',
    last: 'Curie',
    url: 'https://www.linkedin.com/in/mariecurie',
    company: 'Sorbonne',
    position: 'Professor',
    connectedOn: 'sometime in 1903',
  },
  {
    first: 'Pierre',
    last: 'Curie',
    url: 'https://www.linkedin.com/in/pierrecurie',
    company: 'sorbonne ',
    position: 'Professor',
  },
  {
    first: 'Zoë',
    last: 'Ünal-Çelik',
    url: 'https://www.linkedin.com/in/zoe-unal',
    company: 'Analytical  Engines',
    position: 'Mühendis',
  },
];

/** Outlook's "Export to a file" CSV (a subset of its ~90 columns, in its order). */
export function outlookCsv(): string {
  const header = [
    'First Name',
    'Middle Name',
    'Last Name',
    'Title',
    'Suffix',
    'Company',
    'Department',
    'Job Title',
    'Business Street',
    'Business Phone',
    'Mobile Phone',
    'E-mail Address',
    'E-mail Display Name',
    'Notes',
    'Web Page',
  ];
  const rows = [
    [
      'Katherine',
      '',
      'Johnson',
      'Dr.',
      '',
      'NASA',
      'Flight Research',
      'Mathematician',
      '1 Langley Blvd\nHampton, VA',
      '+1 757 864 1000',
      '',
      'katherine.johnson@nasa.example',
      'Katherine Johnson (katherine.johnson@nasa.example)',
      'Met at the "Hidden Figures" talk',
      'https://nasa.example',
    ],
    [
      'Dorothy',
      '',
      'Vaughan',
      '',
      '',
      'NASA',
      '',
      'Supervisor',
      '',
      '',
      '+1 757 555 0101',
      'DVaughan@NASA.example',
      '',
      '',
      '',
    ],
    ['', '', '', '', '', '', '', '', '', '', '', '', '', '', ''],
    ['Mary', '', 'Jackson', '', '', 'NASA', '', 'Engineer', '', '', '', 'not-an-email', '', '', ''],
  ];
  return [csvLine(header), ...rows.map(csvLine), ''].join('\r\n');
}

/** Google Contacts' "Google CSV" export. */
export function googleCsv(): string {
  const header = [
    'Name',
    'Given Name',
    'Additional Name',
    'Family Name',
    'Nickname',
    'Birthday',
    'Notes',
    'Group Membership',
    'E-mail 1 - Type',
    'E-mail 1 - Value',
    'Phone 1 - Type',
    'Phone 1 - Value',
    'Organization 1 - Name',
    'Organization 1 - Title',
    'Website 1 - Type',
    'Website 1 - Value',
  ];
  const rows = [
    [
      'Tim Berners-Lee',
      'Tim',
      '',
      'Berners-Lee',
      '',
      '',
      '',
      '* myContacts',
      '* Work',
      'timbl@w3.example',
      'Mobile',
      '+44 20 7946 0000',
      'W3C',
      'Director',
      'Profile',
      'https://uk.linkedin.com/in/timbl/?trk=people',
    ],
    [
      'Katherine Johnson',
      'Katherine',
      '',
      'Johnson',
      '',
      '',
      '',
      '* myContacts',
      '* Work',
      'KATHERINE.JOHNSON@nasa.example',
      '',
      '',
      'NASA',
      '',
      '',
      '',
    ],
  ];
  return [csvLine(header), ...rows.map(csvLine), ''].join('\n');
}

/** Two cards as iOS Contacts shares them: vCard 3.0, folded lines, item groups, TYPE=pref. */
export function iosVcard(): string {
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    'PRODID:-//Apple Inc.//iPhone OS 17.4//EN',
    'N:Hamilton;Margaret;;;',
    'FN:Margaret Hamilton',
    'ORG:MIT Instrumentation Laboratory;Software Engineering Division',
    'TITLE:Director of Software Engineering',
    'EMAIL;type=INTERNET;type=HOME:margaret@home.example',
    'EMAIL;type=INTERNET;type=WORK;type=pref:mhamilton@mit.example',
    'TEL;type=CELL;type=VOICE;type=pref:+1 (617) 555-0199',
    'item1.URL;type=pref:https://www.linkedin.com/in/margaret-hamilton',
    'item1.X-ABLabel:LinkedIn',
    'NOTE:Wrote the Apollo guidance software. Ask about error detection and recov',
    ' ery\\, and how the team tested it.',
    'END:VCARD',
    'BEGIN:VCARD',
    'VERSION:3.0',
    'N:Ünal-Çelik;Zoë;;;',
    'FN:Zoë Ünal-Çelik',
    'ORG:Analytical Engines;',
    'END:VCARD',
    '',
  ].join('\r\n');
}

/** Cards as Android's Contacts app exports them: vCard 2.1, quoted-printable UTF-8, bare types. */
export function androidVcard(): string {
  return [
    'BEGIN:VCARD',
    'VERSION:2.1',
    'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Lema=C3=AEtre;Georges;;;',
    'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Georges Lema=C3=AEtre',
    'TEL;CELL:+32 2 555 01 23',
    'EMAIL;HOME:georges@lemaitre.example',
    'ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Universit=C3=A9 catholique de Louvain',
    'NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Proposed the expanding universe; ask about the =',
    'primeval atom.',
    'END:VCARD',
    'BEGIN:VCARD',
    'VERSION:2.1',
    'N:;;;;',
    'FN:',
    'TEL;CELL:+32 2 555 99 99',
    'END:VCARD',
    'BEGIN:VCARD',
    'VERSION:2.1',
    'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Meitner;Lise;;;',
    'EMAIL;WORK:lise@kwi.example',
    'END:VCARD',
    '',
  ].join('\r\n');
}

/** `count` generated LinkedIn connections at `companies` employers (for size tests and the bench). */
export function manyConnections(count: number, companies = 500): Connection[] {
  return Array.from({ length: count }, (_, i) => ({
    first: `First${i}`,
    last: `Last${i} Ü`,
    url: `https://www.linkedin.com/in/person-${i}-${(i * 7919).toString(36)}`,
    email: i % 5 === 0 ? `person${i}@mail.example` : undefined,
    company: `Company ${i % companies} International Holdings plc`,
    position:
      'Senior Software Engineer, Platform Infrastructure, Developer Experience and Site Reliability Engineering',
  }));
}
