import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { Reconciler } from '../../src/modules/emails/reconciler';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, PASSWORD, registerUser } from '../helpers/factories';
import { startProcess, within } from '../helpers/processes';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';

// The README's admin walk, in the real Playground page: promote with the CLI, sign in, paste the
// token under HTTP HEADERS, run queueHealth, find a FAILED email and retry it, suspend a user.

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

let app: TestApp;
let browser: Browser;
let sink: SmtpSink;
let worker: EmailWorker;
beforeAll(async () => {
  [app, browser, sink] = await Promise.all([startTestApp(), chromium.launch(CHROMIUM), startSmtpSink()]);
  worker = await startEmailWorker(app, sink.url);
  await Reconciler.schedule(app.http.services.emailQueue, app.config);
});
afterAll(async () => {
  await worker?.close();
  await sink?.close();
  await browser?.close();
  await app?.close();
});

const statusOf = async (id: string) =>
  (await app.infra.ds.query('SELECT status FROM scheduled_emails WHERE id = $1', [id]))[0].status as string;

it('walks an administrator through the Playground: promote, sign in, queueHealth, retry a failed email, suspend a user', async () => {
  // Someone whose outreach bounced off a content filter (554): a FAILED email to find.
  await sink.setMode('by-recipient');
  const spammer = await registerUser(app.url);
  const [failed] = await insertDueOutreach(app.infra.ds, spammer.user.id, {
    count: 1,
    tag: 'policy-',
    domain: 'example.test',
  });
  await app.http.services.emailTimers.requeue([{ id: failed.id, sendAt: new Date(), attempts: 0 }]);
  await eventually(async () => (await statusOf(failed.id)) === 'FAILED');
  await sink.setMode('accept');

  // 1. Promote with the CLI.
  const { input } = await registerUser(app.url);
  const cli = startProcess('cli/promote-admin', {}, [input.email]);
  expect((await within(cli.exited, 15_000, 'promote-admin')).code).toBe(0);

  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  await context.route('**/*', (route) =>
    new URL(route.request().url()).origin === app.url ? route.continue() : route.abort('blockedbyclient'),
  );
  const page = await context.newPage();
  await page.goto(`${app.url}/playground`);
  const playground = new Playground(page);
  await playground.ready();

  // 2. Sign in from the Playground itself, and read the token off the result pane.
  const login = await playground.run(
    `mutation { login(input: { email: "${input.email}", password: "${PASSWORD}" }) { accessToken user { role } } }`,
    'accessToken',
  );
  expect(login.data.login.user.role).toBe('ADMIN');

  // 3. Paste it under HTTP HEADERS.
  await playground.setHeaders({ Authorization: `Bearer ${login.data.login.accessToken}` });

  // 4. queueHealth: one worker, the reconciler scheduled, nothing late.
  const health = await playground.run(
    '{ queueHealth { status problems workersSeen reconcilerScheduled overduePending queues { name failed } } }',
    'queueHealth',
  );
  expect(health.data.queueHealth).toMatchObject({
    status: 'HEALTHY',
    problems: [],
    workersSeen: 1,
    reconcilerScheduled: true,
    overduePending: 0,
  });

  // 5. Find the FAILED email and retry it.
  const list = await playground.run(
    '{ adminScheduledEmails(filter: { statuses: [FAILED] }) { edges { node { id userEmail toEmail lastError } } } }',
    'adminScheduledEmails',
  );
  expect(list.data.adminScheduledEmails.edges).toEqual([
    {
      node: {
        id: failed.id,
        userEmail: spammer.input.email,
        toEmail: expect.stringMatching(/^policy-/),
        lastError: expect.stringContaining('554'),
      },
    },
  ]);
  const retried = await playground.run(
    `mutation { adminRetryScheduledEmail(id: "${failed.id}") { id status } }`,
    'adminRetryScheduledEmail',
  );
  expect(retried.data.adminRetryScheduledEmail.id).toBe(failed.id);
  await eventually(async () => (await statusOf(failed.id)) === 'SENT');

  // 6. Suspend the account that sent it.
  const suspended = await playground.run(
    `mutation { adminSuspendUser(id: "${spammer.user.id}", input: { reason: "spam" }) { email suspendedAt } }`,
    'adminSuspendUser',
  );
  expect(suspended.data.adminSuspendUser).toEqual({ email: spammer.input.email, suspendedAt: expect.any(String) });

  const audit = await playground.run(
    '{ adminAuditLog(first: 5) { edges { node { action targetEmail } } } }',
    'adminAuditLog',
  );
  expect(audit.data.adminAuditLog.edges.map((e: { node: { action: string } }) => e.node.action)).toEqual([
    'adminSuspendUser',
    'adminRetryScheduledEmail',
  ]);
  await context.close();
});

/** The Playground page, driven as a person would: editors, the HTTP HEADERS drawer, the Run button. */
class Playground {
  private readonly queryEditor: Locator;
  private readonly resultPane: Locator;

  constructor(private readonly page: Page) {
    this.queryEditor = page.locator('.graphiql-wrapper.active .CodeMirror').first();
    this.resultPane = page.locator('.CodeMirror', { has: page.locator('textarea[readonly]') });
  }

  ready(): Promise<void> {
    return this.queryEditor.waitFor();
  }

  async setHeaders(headers: Record<string, string>): Promise<void> {
    const tab = this.page.getByRole('button', { name: /^HTTP Headers/ });
    await tab.click();
    await this.typeInto(tab.locator('xpath=../..').locator('.CodeMirror'), JSON.stringify(headers));
  }

  /** Runs `query` and returns the JSON the result pane shows, once it names `field`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async run(query: string, field: string): Promise<any> {
    await this.typeInto(this.queryEditor, query);
    await this.page.getByTitle('Execute Query (Ctrl-Enter)').click();
    await this.resultPane.filter({ hasText: `"${field}"` }).waitFor();
    // CodeMirror renders runs of spaces with no-break spaces.
    const shown = JSON.parse((await this.resultPane.innerText()).replace(/\u00a0/g, ' '));
    expect(shown.errors).toBeUndefined();
    return shown;
  }

  private async typeInto(editor: Locator, text: string): Promise<void> {
    await editor.click();
    await this.page.keyboard.press('ControlOrMeta+A');
    // insertText rather than keystrokes: CodeMirror's auto-closing brackets would double them.
    await this.page.keyboard.insertText(text);
    const value = await editor.evaluate((element) =>
      (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
    );
    expect(value).toBe(text);
  }
}
