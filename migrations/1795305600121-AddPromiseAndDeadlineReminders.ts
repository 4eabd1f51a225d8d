import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropEmailKinds } from './support/email-kind';

const KINDS = ['COMMITMENT_DUE', 'JOB_LEAD_DEADLINE'];

/**
 * Reminders to the user on the day a promise is due (COMMITMENT_DUE) or a lead's deadline falls
 * (JOB_LEAD_DEADLINE), and the partial indexes their planner starts from.
 */
export class AddPromiseAndDeadlineReminders1795305600121 implements MigrationInterface {
  name = 'AddPromiseAndDeadlineReminders1795305600121';

  public async up(q: QueryRunner): Promise<void> {
    for (const kind of KINDS) await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS '${kind}'`);
    // The reminder planner starts from what can be due (due-reminders.ts), not from every user.
    await q.query(
      `CREATE INDEX "commitments_open_due_on_idx" ON "commitments" ("due_on") WHERE "owner" = 'ME' AND "done_at" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "job_leads_open_deadline_idx" ON "job_leads" ("deadline") WHERE "status" IN ('INTERESTED', 'APPLIED', 'INTERVIEWING', 'OFFER')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "job_leads_open_deadline_idx"`);
    await q.query(`DROP INDEX "commitments_open_due_on_idx"`);
    await dropEmailKinds(q, KINDS);
  }
}
