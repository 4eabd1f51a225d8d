import type { FeatureModule } from '../../core/feature';
import { timelineFirstPages } from './interaction-timeline';
import { LoggedInteraction } from './interaction.entity';
import { contactInteractionsPrefetch, ContactInteractionsResolver, InteractionResolver } from './interaction.resolver';

export const interactionsModule = {
  name: 'interactions',
  entities: [LoggedInteraction],
  resolvers: [InteractionResolver, ContactInteractionsResolver],
  loaders: {
    /** First pages of Contact.interactions for every contact of a page, in one statement. */
    interactionFirstPages: timelineFirstPages,
  },
  prefetch: { pages: { Contact: { interactions: contactInteractionsPrefetch } } },
} satisfies FeatureModule;
