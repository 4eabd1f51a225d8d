import type { DataSource } from 'typeorm';
import type { BackwardPageArgs, Page } from '../../core/graphql/pagination';
import type { AuthUser } from '../auth/access-tokens';
import { timelinePage } from './interaction-timeline';
import type { Interaction } from './interaction.types';

/** Contacts' timelines. Interactions are logged by OutreachService.logInteraction. */
export class InteractionService {
  constructor(private readonly ds: DataSource) {}

  /** A page of the timeline of `contactId`, which the caller has found to be the user's. */
  timeline(user: AuthUser, contactId: string, page: BackwardPageArgs): Promise<Page<Interaction>> {
    return timelinePage(this.ds, user.id, contactId, page);
  }
}
