import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `duplicate_dismissals`: pairs of contacts the user said are two people, which duplicateContacts
 * no longer suggests. Either contact's deletion removes the pair; a merge moves it like any other
 * reference (if A is not B and C is merged into A, C is not B either).
 */
export class AddDuplicateDismissals1795305600072 implements MigrationInterface {
  name = 'AddDuplicateDismissals1795305600072';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "duplicate_dismissals" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "contact_id" uuid NOT NULL,
        "other_contact_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "duplicate_dismissals_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "duplicate_dismissals_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
        CONSTRAINT "duplicate_dismissals_contact_id_fkey" FOREIGN KEY ("contact_id")
          REFERENCES "contacts" ("id") ON DELETE CASCADE,
        CONSTRAINT "duplicate_dismissals_other_contact_id_fkey" FOREIGN KEY ("other_contact_id")
          REFERENCES "contacts" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "duplicate_dismissals_user_id_idx" ON "duplicate_dismissals" ("user_id")`);
    await q.query(
      `CREATE INDEX "duplicate_dismissals_contact_id_idx" ON "duplicate_dismissals" ("contact_id", "other_contact_id")`,
    );
    await q.query(
      `CREATE INDEX "duplicate_dismissals_other_contact_id_idx" ON "duplicate_dismissals" ("other_contact_id")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "duplicate_dismissals"`);
  }
}
