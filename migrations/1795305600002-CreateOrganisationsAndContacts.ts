import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrganisationsAndContacts1795305600002 implements MigrationInterface {
  name = 'CreateOrganisationsAndContacts1795305600002';

  public async up(q: QueryRunner): Promise<void> {
    // Trigram indexes make `LIKE '%word%'` searches and word_similarity ranking fast.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE TYPE "organisation_size" AS ENUM
      ('SIZE_1_10', 'SIZE_11_50', 'SIZE_51_200', 'SIZE_201_1000', 'SIZE_1001_5000', 'SIZE_5001_PLUS')`);
    await q.query(`
      CREATE TABLE "organisations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "name" text NOT NULL,
        "website" text,
        "domain" text,
        "industry" text,
        "size" "organisation_size",
        "location" text,
        "description" text,
        "structure_notes" text,
        "niche_notes" text,
        "goals_notes" text,
        "career_prospects_notes" text,
        "culture_notes" text,
        "tags" text array NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "organisations_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "organisations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "organisations_user_id_domain_key" ON "organisations" ("user_id", "domain")
      WHERE domain IS NOT NULL`);
    await q.query(
      `CREATE INDEX "organisations_user_id_lower_name_idx" ON "organisations" ("user_id", lower("name"), "id")`,
    );
    await q.query(`CREATE INDEX "organisations_search_text_trgm_idx" ON "organisations" USING gin
      ((lower(name || ' ' || coalesce(domain, '') || ' ' || coalesce(industry, '') || ' ' || coalesce(location, ''))) gin_trgm_ops)`);
    await q.query(
      `CREATE INDEX "organisations_name_trgm_idx" ON "organisations" USING gin ((lower(name)) gin_trgm_ops)`,
    );
    await q.query(`CREATE INDEX "organisations_tags_idx" ON "organisations" USING gin ("tags")`);

    await q.query(`CREATE TYPE "how_we_know" AS ENUM
      ('FRIEND', 'FAMILY', 'ALUMNI', 'COLLEAGUE', 'PROFESSOR', 'MANAGER', 'REFERRAL', 'COLD', 'OTHER')`);
    await q.query(`CREATE TYPE "contact_stage" AS ENUM
      ('IDENTIFIED', 'REQUESTED', 'SCHEDULED', 'MET', 'FOLLOWED_UP', 'NURTURING', 'DECLINED')`);
    await q.query(`
      CREATE TABLE "contacts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "first_name" text NOT NULL,
        "last_name" text,
        "email" text,
        "phone" text,
        "title" text,
        "linkedin_url" text,
        "organisation_id" uuid,
        "how_we_know" "how_we_know" NOT NULL DEFAULT 'OTHER',
        "introduced_by_id" uuid,
        "is_decision_maker" boolean NOT NULL DEFAULT false,
        "tags" text array NOT NULL DEFAULT '{}',
        "notes" text,
        "stage" "contact_stage" NOT NULL DEFAULT 'IDENTIFIED',
        "keep_in_touch_every_days" integer,
        "last_contacted_at" timestamptz,
        "email_opt_out" boolean NOT NULL DEFAULT false,
        "timezone" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "contacts_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "contacts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
        CONSTRAINT "contacts_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE SET NULL,
        CONSTRAINT "contacts_introduced_by_id_fkey" FOREIGN KEY ("introduced_by_id") REFERENCES "contacts" ("id") ON DELETE SET NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "contacts_user_id_email_key" ON "contacts" ("user_id", "email") WHERE email IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "contacts_organisation_id_idx" ON "contacts" ("organisation_id")`);
    await q.query(`CREATE INDEX "contacts_introduced_by_id_idx" ON "contacts" ("introduced_by_id")`);
    // One index per keyset sort order (see ContactService).
    await q.query(`CREATE INDEX "contacts_user_id_lower_name_idx" ON "contacts"
      ("user_id", lower(first_name || ' ' || coalesce(last_name, '')), "id")`);
    await q.query(`CREATE INDEX "contacts_user_id_created_at_idx" ON "contacts" ("user_id", "created_at", "id")`);
    await q.query(`CREATE INDEX "contacts_user_id_last_contacted_at_idx" ON "contacts"
      ("user_id", coalesce(last_contacted_at, '-infinity'), "id")`);
    await q.query(`CREATE INDEX "contacts_search_text_trgm_idx" ON "contacts" USING gin
      ((lower(first_name || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(title, '') || ' ' || coalesce(notes, ''))) gin_trgm_ops)`);
    await q.query(`CREATE INDEX "contacts_tags_idx" ON "contacts" USING gin ("tags")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "contacts"`);
    await q.query(`DROP TYPE "contact_stage"`);
    await q.query(`DROP TYPE "how_we_know"`);
    await q.query(`DROP TABLE "organisations"`);
    await q.query(`DROP TYPE "organisation_size"`);
    await q.query(`DROP EXTENSION IF EXISTS pg_trgm`);
  }
}
