import { createHash } from 'node:crypto';
import path from 'node:path';
import express, { Router } from 'express';

const BUILD_DIR = path.dirname(require.resolve('@apollographql/graphql-playground-react/package.json')) + '/build';

/**
 * GraphQL Playground for administrators, served from the npm package's own build: no CDN, no web
 * fonts, and a Content-Security-Policy that keeps the page from loading or calling anything that is
 * not this server, so it works offline and behind an egress firewall.
 */
export function playgroundRouter({ endpoint }: { endpoint: string }): Router {
  const router = Router();
  const init = initScript(endpoint);
  const html = page(init);
  const csp = contentSecurityPolicy(init);
  router.use(
    '/static',
    express.static(path.join(BUILD_DIR, 'static'), { immutable: true, maxAge: '7d', index: false }),
  );
  // Matches both /playground and /playground/: the page only uses absolute URLs.
  router.get('/', (_req, res) => {
    res
      .set({
        'Content-Security-Policy': csp,
        'Cache-Control': 'no-cache',
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
      })
      .type('html')
      .send(html);
  });
  return router;
}

function initScript(endpoint: string): string {
  const options = {
    endpoint,
    // Sharing would post the session, headers included, to graphqlbin.com.
    shareEnabled: false,
    canSaveConfig: false,
    settings: {
      // Bearer tokens go in the HTTP HEADERS pane; cookies are never sent.
      'request.credentials': 'omit',
      'editor.reuseHeaders': true,
      'editor.theme': 'dark',
      'general.betaUpdates': false,
      'schema.polling.enable': false,
      'tracing.hideTracingResponse': true,
      'queryPlan.hideQueryPlanResponse': true,
    },
  };
  // JSON is valid JS; escaping '<' keeps the endpoint from closing the script element.
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  return `
window.addEventListener('load', function () {
  GraphQLPlayground.init(document.getElementById('root'), ${json});
});
`;
}

function contentSecurityPolicy(init: string): string {
  const initHash = createHash('sha256').update(init).digest('base64');
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${initHash}'`,
    // styled-components and CodeMirror write inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function page(init: string): string {
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Rapport · GraphQL Playground</title>
<link rel="stylesheet" href="/playground/static/css/middleware.css" />
<link rel="icon" href="data:," />
<script src="/playground/static/js/middleware.js"></script>
</head>
<body style="margin:0;background:#172a3a">
<div id="root"></div>
<script>${init}</script>
</body>
</html>`;
}
