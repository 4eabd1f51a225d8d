import { chromium, type Browser, type Locator, type Page, type Response as PageResponse } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { registerUser } from '../helpers/factories';

// Debian's chromium, not a Playwright download: the suite must run without network access.
const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** Everything the page did on the network, and everything it complained about. */
interface PageLog {
  requests: string[];
  blocked: string[];
  problems: string[];
}

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), chromium.launch(CHROMIUM)]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('GraphQL Playground', () => {
  it('serves the page at /playground and /playground/ with a same-origin-only CSP', async () => {
    for (const path of ['/playground', '/playground/']) {
      const res = await fetch(`${app.url}${path}`, { redirect: 'manual' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await res.text()).toContain('GraphQLPlayground.init');
    }
  });

  it('runs an authenticated query from the UI, offline: every request goes to the API itself', async () => {
    const { user, token } = await registerUser(app.url);
    const { page, log } = await openPlayground(browser, app.url);
    // The Playground introspects on load to power Docs, Schema and autocompletion.
    const introspection = page.waitForResponse((response) => isIntrospection(response, app.url));
    await page.goto(`${app.url}/playground`);

    // The query editor renders once the bundle has booted.
    const queryEditor = page.locator('.graphiql-wrapper.active .CodeMirror').first();
    await queryEditor.waitFor();

    // Open the HTTP HEADERS drawer; its editor sits in the same drawer as the tab button.
    const headersTab = page.getByRole('button', { name: /^HTTP Headers/ });
    await headersTab.click();
    const headersEditor = headersTab.locator('xpath=../..').locator('.CodeMirror');
    await typeInto(page, headersEditor, JSON.stringify({ Authorization: `Bearer ${token}` }));
    await typeInto(page, queryEditor, '{ me { email } }');

    await page.getByTitle('Execute Query (Ctrl-Enter)').click();

    // The result pane is the read-only editor; wait for the response to land in it.
    const resultPane = page.locator('.CodeMirror', { has: page.locator('textarea[readonly]') });
    await resultPane.filter({ hasText: user.email }).waitFor();
    // CodeMirror renders runs of spaces with no-break spaces.
    const result = (await resultPane.innerText()).replace(/\u00a0/g, ' ');
    expect(JSON.parse(result)).toEqual({ data: { me: { email: user.email } } });

    expect(log.blocked).toEqual([]);
    expect(log.requests.filter((url) => new URL(url).origin !== app.url)).toEqual([]);
    // The page, its assets and the GraphQL calls were all actually served by us.
    expect(log.requests).toEqual(
      expect.arrayContaining([
        `${app.url}/playground`,
        `${app.url}/playground/static/css/middleware.css`,
        `${app.url}/playground/static/js/middleware.js`,
        `${app.url}/graphql`,
      ]),
    );

    // Without the schema, Docs, Schema and autocompletion stay empty: name the server's reason.
    const introspected = await introspection;
    expect({ status: introspected.status(), errors: (await introspected.json()).errors }).toEqual({
      status: 200,
      errors: undefined,
    });
    expect(log.problems).toEqual([]);
  });
});

/** A fresh browser context, not yet navigated, that cannot reach anything but `origin`. */
async function openPlayground(browser: Browser, origin: string): Promise<{ page: Page; log: PageLog }> {
  const log: PageLog = { requests: [], blocked: [], problems: [] };
  const context = await browser.newContext();
  // Fail fast inside jest's timeout rather than Playwright's 30 s default.
  context.setDefaultTimeout(10_000);
  // Abort other origins so the test can never pass thanks to a CDN being reachable.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    log.blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('request', (request) => log.requests.push(request.url()));
  // WebSockets bypass page.route; record them so a ws:// attempt fails the origin check.
  page.on('websocket', (ws) => log.requests.push(ws.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') log.problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => log.problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => log.problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) log.problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { page, log };
}

function isIntrospection(response: PageResponse, origin: string): boolean {
  const request = response.request();
  return (
    request.url() === `${origin}/graphql` &&
    request.method() === 'POST' &&
    request.postDataJSON()?.operationName === 'IntrospectionQuery'
  );
}

/** Replaces an editor's content the way a user would: focus, select all, type (as a paste would). */
async function typeInto(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  // insertText rather than keystrokes: CodeMirror's auto-closing brackets would double them.
  await page.keyboard.insertText(text);
  const value = await editor.evaluate((element) => (element as unknown as CodeMirrorElement).CodeMirror.getValue());
  expect(value).toBe(text);
}

/** CodeMirror 5 hangs its instance on the editor's wrapper element. */
interface CodeMirrorElement {
  CodeMirror: { getValue(): string };
}
