import type { EntityClass, ResolverClass } from '../core/feature';
import { adminModule } from '../modules/admin/admin.module';
import { authModule } from '../modules/auth/auth.module';
import { contactsModule } from '../modules/contacts/contacts.module';
import { emailsModule } from '../modules/emails/emails.module';
import { exportsModule } from '../modules/exports/exports.module';
import { interactionsModule } from '../modules/interactions/interactions.module';
import { introductionsModule } from '../modules/introductions/introductions.module';
import { insightsModule } from '../modules/insights/insights.module';
import { meetingsModule } from '../modules/meetings/meetings.module';
import { nodesModule } from '../modules/nodes/nodes.module';
import { planningModule } from '../modules/planning/planning.module';
import { organisationsModule } from '../modules/organisations/organisations.module';
import { questionsModule } from '../modules/questions/questions.module';
import { syncModule } from '../modules/sync/sync.module';
import { usersModule } from '../modules/users/users.module';

/** Every feature of Rapport. A new feature is added here and nowhere else in app/. */
export const FEATURES = [
  usersModule,
  authModule,
  organisationsModule,
  contactsModule,
  introductionsModule,
  questionsModule,
  meetingsModule,
  insightsModule,
  interactionsModule,
  emailsModule,
  exportsModule,
  planningModule,
  adminModule,
  nodesModule,
  syncModule,
] as const;

/** Every TypeORM entity; one list so the app, the CLIs and the tests agree. */
export const ENTITIES: readonly EntityClass[] = FEATURES.flatMap((f): readonly EntityClass[] => f.entities);

/** Every resolver class, including those that add fields to another feature's types. */
export const RESOLVERS: readonly ResolverClass[] = FEATURES.flatMap((f): readonly ResolverClass[] => f.resolvers);
