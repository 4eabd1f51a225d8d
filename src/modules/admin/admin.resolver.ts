import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { BackwardPageArgs, Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { Role } from '../users/user.entity';
import type { AdminActor } from './admin-audit';
import { AdminAuditEntry } from './admin-audit.entity';
import { AdminLiftSuppressionInput, AdminSetRoleInput, AdminSuspendUserInput } from './admin.inputs';
import { AdminScheduledEmail, AdminScheduledEmailFilter, AdminSuppression } from './admin-email.types';
import { AdminUser, AdminUserFilter } from './admin-user.types';
import { QueueHealth } from './queue-health';

const AdminUserConnection = Connection(AdminUser, 'AdminUser');
const AdminScheduledEmailConnection = Connection(AdminScheduledEmail, 'AdminScheduledEmail');
const AdminSuppressionConnection = Connection(AdminSuppression, 'AdminSuppression');
const AdminAuditEntryConnection = Connection(AdminAuditEntry, 'AdminAuditEntry');

const actor = ({ user, meta }: Context): AdminActor => ({ user: user!, ip: meta.ip || null });

/**
 * The administration API: every field needs role ADMIN (others get FORBIDDEN), and every
 * mutation appends to the audit log in its own transaction. No field reads a user's contacts,
 * notes or meetings (docs/operations.md, "What administrators see").
 */
@Resolver()
export class AdminResolver {
  @Authorized(Role.ADMIN)
  @Query(() => AdminUserConnection, { description: 'Accounts, newest first, with counts of what they hold.' })
  adminUsers(
    @Args() page: BackwardPageArgs,
    @Arg('filter', () => AdminUserFilter, { nullable: true }) filter: AdminUserFilter | null,
    @Ctx() { services }: Context,
  ): Promise<Page<AdminUser>> {
    return services.adminUsers.list(filter ?? {}, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AdminUser, {
    description:
      'Suspends an account: its tokens stop working within seconds, its pending emails are held, and it is told by email.',
  })
  adminSuspendUser(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: AdminSuspendUserInput,
    @Ctx() ctx: Context,
  ): Promise<AdminUser> {
    return ctx.services.adminUsers.suspend(actor(ctx), id, input.reason);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AdminUser, { description: 'Lifts a suspension; the held emails go (late ones in the next window).' })
  adminUnsuspendUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AdminUser> {
    return ctx.services.adminUsers.unsuspend(actor(ctx), id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AdminUser, { description: 'Changes a role; the last active administrator cannot be demoted.' })
  adminSetRole(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: AdminSetRoleInput,
    @Ctx() ctx: Context,
  ): Promise<AdminUser> {
    return ctx.services.adminUsers.setRole(actor(ctx), id, input.role);
  }

  @Authorized(Role.ADMIN)
  @Query(() => AdminScheduledEmailConnection, {
    description:
      'Emails across users, due first: by default those that need a look (failed, uncertain, stuck, overdue).',
  })
  adminScheduledEmails(
    @Args() page: PageArgs,
    @Arg('filter', () => AdminScheduledEmailFilter, { nullable: true }) filter: AdminScheduledEmailFilter | null,
    @Ctx() { services }: Context,
  ): Promise<Page<AdminScheduledEmail>> {
    return services.adminEmails.list(filter ?? {}, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AdminScheduledEmail, {
    description:
      'Tries a FAILED or UNCERTAIN email again (never a SENT one). An UNCERTAIN email may already have arrived: retrying it may deliver a second copy (same Message-ID).',
  })
  adminRetryScheduledEmail(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AdminScheduledEmail> {
    return ctx.services.adminEmails.retry(actor(ctx), id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AdminScheduledEmail, { description: 'Cancels a PENDING email for good.' })
  adminCancelScheduledEmail(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AdminScheduledEmail> {
    return ctx.services.adminEmails.cancel(actor(ctx), id);
  }

  @Authorized(Role.ADMIN)
  @Query(() => AdminSuppressionConnection, { description: 'Addresses Rapport never mails, newest first.' })
  adminSuppressions(
    @Args() page: BackwardPageArgs,
    @Arg('search', () => String, { nullable: true }) search: string | null,
    @Ctx() { services }: Context,
  ): Promise<Page<AdminSuppression>> {
    return services.adminEmails.suppressions(search, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, {
    description: 'Lets Rapport mail an address again (emails already SUPPRESSED stay so).',
  })
  adminLiftSuppression(@Arg('input') input: AdminLiftSuppressionInput, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.adminEmails.liftSuppression(actor(ctx), input.email);
  }

  @Authorized(Role.ADMIN)
  @Query(() => QueueHealth, { description: 'Queues, workers and overdue emails: HEALTHY, BEHIND or BROKEN.' })
  queueHealth(@Ctx() { services }: Context): Promise<QueueHealth> {
    return services.queueHealth();
  }

  @Authorized(Role.ADMIN)
  @Query(() => AdminAuditEntryConnection, { description: 'Every administrator action, newest first.' })
  adminAuditLog(@Args() page: BackwardPageArgs, @Ctx() { services }: Context): Promise<Page<AdminAuditEntry>> {
    return services.adminAuditLog(page);
  }
}
