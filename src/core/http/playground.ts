import path from 'node:path';
import express, { Router } from 'express';

const BUILD_DIR = path.dirname(require.resolve('@apollographql/graphql-playground-react/package.json')) + '/build';

/** GraphQL Playground for administrators, served from the npm package's own build: no CDN. */
export function playgroundRouter({ endpoint }: { endpoint: string }): Router {
  const router = Router();
  router.use('/static', express.static(path.join(BUILD_DIR, 'static'), { immutable: true, maxAge: '7d', index: false }));
  router.get('/', (_req, res) => {
    res.type('html').send(page(endpoint));
  });
  return router;
}

function page(endpoint: string): string {
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8" />
<title>Rapport · GraphQL Playground</title>
<link rel="stylesheet" href="/playground/static/css/middleware.css" />
<link rel="shortcut icon" href="data:," />
<script src="/playground/static/js/middleware.js"></script>
</head>
<body style="margin:0;background:#172a3a">
<div id="root"></div>
<script>
  window.addEventListener('load', function () {
    GraphQLPlayground.init(document.getElementById('root'), {
      endpoint: ${JSON.stringify(endpoint)},
      settings: { 'request.credentials': 'omit', 'tracing.hideTracingResponse': true, 'schema.polling.enable': false }
    });
  });
</script>
</body>
</html>`;
}
