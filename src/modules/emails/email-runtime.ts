import type { Job } from 'bullmq';
import { Mailer } from '../../core/mail/mailer';
import type { Infrastructure, Services } from '../../core/services';
import { DigestPlanner } from './digest-planner';
import { EMAIL_JOB, EmailQueue, type SendJobData } from './email-queue';
import { EmailSender } from './email.worker';
import { Reconciler } from './reconciler';
import { SuppressionService } from './suppression.service';

/** The worker side of the email pipeline: sender, reconciler and the job processor for the `emails` queue. */
export function createEmailRuntime(infra: Infrastructure, services: Services, workerId: string) {
  const { config, ds, logger } = infra;
  const mailer = Mailer.create(config.mail);
  const queue = new EmailQueue(services.emailQueue, logger.child({ module: 'outbox' }));
  const sender = new EmailSender(
    ds,
    mailer,
    services.composer,
    queue,
    new SuppressionService(ds),
    config,
    logger.child({ module: 'email-sender' }),
    workerId,
  );
  const reconciler = new Reconciler(ds, queue, logger.child({ module: 'reconciler' }));
  const digests = new DigestPlanner(ds, queue, logger.child({ module: 'digests' }), {
    messageIdDomain: config.email.messageIdDomain,
  });
  return {
    mailer,
    sender,
    reconciler,
    digests,
    process: (job: Job) =>
      job.name === EMAIL_JOB.sweep
        ? reconciler.sweep()
        : job.name === EMAIL_JOB.planDigests
          ? digests.plan()
          : sender.send((job.data as SendJobData).scheduledEmailId),
    close: () => mailer.close(),
  };
}
