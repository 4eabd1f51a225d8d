import type { Queue } from 'bullmq';
import { auditLogPage } from '../modules/admin/admin-audit';
import type { AdminAuditEntry } from '../modules/admin/admin-audit.entity';
import { AdminEmailService } from '../modules/admin/admin-emails.service';
import { AdminUserService } from '../modules/admin/admin-users.service';
import { readQueueHealth, type QueueHealth } from '../modules/admin/queue-health';
import type { Page, PageArgs } from '../core/graphql/pagination';
import { AccessRevocations } from '../modules/auth/access-revocations';
import { AccountDeletionService } from '../modules/auth/account-deletion.service';
import { AccountNotices } from '../modules/emails/account-notices';
import { AccessTokens } from '../modules/auth/access-tokens';
import { AuthService } from '../modules/auth/auth.service';
import { EmailVerificationService } from '../modules/auth/email-verification.service';
import { PasswordResetService } from '../modules/auth/password-reset.service';
import { RegistrationService } from '../modules/auth/registration.service';
import { SessionService } from '../modules/auth/session.service';
import { LoginThrottle } from '../modules/auth/login-throttle';
import { PasswordHasher } from '../modules/auth/password-hasher';
import { ContactService } from '../modules/contacts/contact.service';
import { IntroductionPathService } from '../modules/introductions/introduction-paths.service';
import { ContactImportService } from '../modules/contacts/import/contact-import.service';
import { ContactMergeService } from '../modules/contacts/duplicates/contact-merge.service';
import { DuplicateContactsService } from '../modules/contacts/duplicates/duplicate-contacts.service';
import { OutreachService } from '../modules/contacts/outreach.service';
import { EmailComposer } from '../modules/emails/email-composer';
import { DataExportService } from '../modules/exports/data-export.service';
import { EmailTemplateService } from '../modules/emails/email-template.service';
import { EmailQueue } from '../modules/emails/email-queue';
import { EmailStatusFeed } from '../modules/emails/email-status-feed';
import { createLiveEvents, type LiveEvents } from '../core/live/live-events';
import { OutboxService } from '../modules/emails/outbox.service';
import { ScheduledEmailService } from '../modules/emails/scheduled-email.service';
import { SuppressionService } from '../modules/emails/suppression.service';
import { InsightEditingService } from '../modules/insights/insight-editing.service';
import { InsightService } from '../modules/insights/insight.service';
import { OrganisationComparisonService } from '../modules/insights/organisation-comparison.service';
import { DebriefService } from '../modules/meetings/debrief.service';
import { InteractionService } from '../modules/interactions/interaction.service';
import { SyncService } from '../modules/sync/sync.service';
import { CommitmentService } from '../modules/insights/commitment.service';
import { JobLeadService } from '../modules/insights/job-lead.service';
import { MeetingService } from '../modules/meetings/meeting.service';
import { OrganisationService } from '../modules/organisations/organisation.service';
import { PlanningService } from '../modules/planning/planning.service';
import { QuestionService } from '../modules/questions/question.service';
import { UserService } from '../modules/users/user.service';
import type { Infrastructure } from '../core/infrastructure';
import { createQueue, QUEUE } from '../core/queue/queues';

/**
 * Every service, built once per process; they hold no per-request state. The API, the worker,
 * the CLIs and the tests all build them here.
 */
export interface Services {
  /** BullMQ queue of email timers (shares the process's Redis connection; close it on shutdown). */
  emailQueue: Queue;
  /** Adds and removes the timers of outbox rows on `emailQueue`, and announces their status changes. */
  emailTimers: EmailQueue;
  /** Live updates through Redis pub/sub: published by every process, delivered by the API's sockets. */
  live: LiveEvents;
  /** Status changes of scheduled emails, batched into live updates. */
  emailStatusFeed: EmailStatusFeed;
  composer: EmailComposer;
  suppressions: SuppressionService;
  outbox: OutboxService;
  scheduledEmails: ScheduledEmailService;
  emailTemplates: EmailTemplateService;
  users: UserService;
  auth: AuthService;
  registration: RegistrationService;
  accountDeletion: AccountDeletionService;
  /** Messages about accounts that no longer exist. */
  accountNotices: AccountNotices;
  emailVerification: EmailVerificationService;
  passwordReset: PasswordResetService;
  sessions: SessionService;
  accessTokens: AccessTokens;
  /** Polled by API processes (started by the HTTP app), so revoked tokens stop working. */
  accessRevocations: AccessRevocations;
  organisations: OrganisationService;
  contacts: ContactService;
  contactImport: ContactImportService;
  duplicateContacts: DuplicateContactsService;
  contactMerge: ContactMergeService;
  outreach: OutreachService;
  introductionPaths: IntroductionPathService;
  questions: QuestionService;
  meetings: MeetingService;
  insights: InsightService;
  /** Insights added, corrected and removed after a debrief. */
  insightEditing: InsightEditingService;
  /** Agenda answers edited after a debrief. */
  debriefs: DebriefService;
  /** Insights side by side across organisations. */
  organisationComparison: OrganisationComparisonService;
  /** Contacts' timelines. */
  interactions: InteractionService;
  commitments: CommitmentService;
  jobLeads: JobLeadService;
  /** Offline sync: checkpoints and tombstones. */
  sync: SyncService;
  /** Export links and the calendar feed. */
  dataExports: DataExportService;
  /** Meeting slots, the funnel and weekly progress. */
  planning: PlanningService;
  /** Administration (role ADMIN): accounts, the outbox and suppressions across users. */
  adminUsers: AdminUserService;
  adminEmails: AdminEmailService;
  adminAuditLog: (page: PageArgs) => Promise<Page<AdminAuditEntry>>;
  /** The queues, workers and overdue outbox rows; opens a maintenance queue handle on first use. */
  queueHealth: () => Promise<QueueHealth>;
  /** Closes what the services opened in Redis (the queues; the live updates, once sent). */
  closeQueues: () => Promise<void>;
}

export function createServices({ config, ds, redis, logger }: Infrastructure): Services {
  const emailQueue = createQueue(QUEUE.emails, config, redis);
  const emailTemplates = new EmailTemplateService(ds, { appUrl: config.http.publicUrl });
  const composer = new EmailComposer(config);
  const outboxLogger = logger.child({ module: 'outbox' });
  const live = createLiveEvents(config, redis, logger.child({ module: 'live' }));
  const emailStatusFeed = new EmailStatusFeed(ds, live, outboxLogger);
  const emailTimers = new EmailQueue(emailQueue, outboxLogger, emailStatusFeed);
  const outbox = new OutboxService(config, composer, emailTimers, outboxLogger);
  const users = new UserService(ds, outbox);
  const questions = new QuestionService(ds);
  const accessRevocations = new AccessRevocations(
    ds,
    { pollMs: config.auth.revocationPollMs, accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds },
    logger.child({ module: 'auth' }),
  );
  const accessTokens = new AccessTokens(config.auth, accessRevocations);
  const contacts = new ContactService(ds, outbox);
  const insights = new InsightService(ds);
  const emailVerification = new EmailVerificationService(
    ds,
    outbox,
    redis,
    config.redis.prefix,
    logger.child({ module: 'auth' }),
  );
  const hasher = new PasswordHasher(config.auth.argon2, config.auth.hashing);
  const throttle = new LoginThrottle(redis, config.redis.prefix, config.auth.throttle);
  const auth = new AuthService(
    ds,
    users,
    hasher,
    accessTokens,
    throttle,
    config.auth,
    logger.child({ module: 'auth' }),
    emailVerification,
  );
  const registration = new RegistrationService(
    ds,
    users,
    questions,
    hasher,
    throttle,
    emailVerification,
    outbox,
    redis,
    config.redis.prefix,
    logger.child({ module: 'auth' }),
  );
  const accountNotices = new AccountNotices(ds, emailQueue, config, outboxLogger);
  const scheduledEmails = new ScheduledEmailService(ds, outbox);
  let maintenanceQueue: Queue | null = null;
  return {
    emailQueue,
    live,
    emailStatusFeed,
    accountNotices,
    emailTimers,
    composer,
    suppressions: new SuppressionService(ds),
    outbox,
    scheduledEmails,
    emailTemplates,
    users,
    auth,
    registration,
    accountDeletion: new AccountDeletionService(
      ds,
      users,
      auth,
      emailTimers,
      accountNotices,
      logger.child({ module: 'auth' }),
    ),
    emailVerification,
    passwordReset: new PasswordResetService(
      ds,
      outbox,
      hasher,
      redis,
      config.redis.prefix,
      logger.child({ module: 'auth' }),
    ),
    sessions: new SessionService(ds),
    accessTokens,
    accessRevocations,
    organisations: new OrganisationService(ds),
    contacts,
    contactImport: new ContactImportService(ds, outbox, config.imports, live),
    duplicateContacts: new DuplicateContactsService(ds),
    contactMerge: new ContactMergeService(ds, outbox),
    introductionPaths: new IntroductionPathService(ds),
    outreach: new OutreachService(ds, outbox, config.outreach),
    questions,
    meetings: new MeetingService(ds, questions, contacts, insights, outbox, live),
    insights,
    insightEditing: new InsightEditingService(ds),
    debriefs: new DebriefService(ds),
    organisationComparison: new OrganisationComparisonService(ds),
    interactions: new InteractionService(ds),
    commitments: new CommitmentService(ds, outbox),
    jobLeads: new JobLeadService(ds, outbox),
    sync: new SyncService(ds, config.sync),
    dataExports: new DataExportService(ds, config),
    planning: new PlanningService(ds),
    adminUsers: new AdminUserService(ds, outbox),
    adminEmails: new AdminEmailService(ds, scheduledEmails),
    adminAuditLog: (page) => auditLogPage(ds, page),
    queueHealth: () => {
      maintenanceQueue ??= createQueue(QUEUE.maintenance, config, redis);
      return readQueueHealth(ds, [emailQueue, maintenanceQueue], emailQueue);
    },
    closeQueues: async () => {
      await emailStatusFeed.close();
      await Promise.all([emailQueue.close(), maintenanceQueue?.close(), live.close()]);
    },
  };
}
