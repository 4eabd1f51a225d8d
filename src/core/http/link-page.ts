import { createHash } from 'node:crypto';
import type { Response } from 'express';

// The pages behind links in emails (unsubscribe, verify an address, reset a password).
const STYLE = `
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: #f5f5f4; color: #1c1917; }
main { max-width: 28rem; margin: 12vh auto; padding: 2rem; background: #fff; border-radius: 12px; }
h1 { font-size: 1.25rem; margin: 0 0 1rem; }
button { font: inherit; padding: .6rem 1.2rem; border: 0; border-radius: 8px; background: #1c1917; color: #fff; cursor: pointer; }
`;

// Nothing on these pages loads or runs anything: one hashed inline style, forms only to this server.
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A small page of Rapport's own (no scripts, no external resources), as the link pages show. */
export function sendPage(res: Response, status: number, title: string, body: string) {
  res
    .status(status)
    .set({
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
      'X-Content-Type-Options': 'nosniff',
    })
    .type('html')
    .send(
      `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="robots" content="noindex" />
<title>${escapeHtml(title)} · Rapport</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`,
    );
}

/** The page for a link that is forged, expired or already used. */
export function sendInvalidLinkPage(res: Response) {
  sendPage(
    res,
    400,
    'Invalid link',
    '<h1>This link is not valid</h1><p>It may have expired or been used already. Ask for a new one in Rapport.</p>',
  );
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
