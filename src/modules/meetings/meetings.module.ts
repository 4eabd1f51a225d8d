import type { FeatureModule } from '../../core/feature';
import { AgendaItem } from './agenda-item.entity';
import { DebriefResolver } from './debrief.resolver';
import {
  contactMeetingsPrefetch,
  ContactMeetingsResolver,
  OrganisationMeetingsResolver,
} from './meeting-relations.resolver';
import { MeetingChangesResolver } from './meeting-changes.resolver';
import { Meeting } from './meeting.entity';
import { meetingLoaders } from './meeting.loaders';
import { MeetingResolver } from './meeting.resolver';

export const meetingsModule = {
  name: 'meetings',
  entities: [Meeting, AgendaItem],
  resolvers: [
    MeetingResolver,
    ContactMeetingsResolver,
    OrganisationMeetingsResolver,
    DebriefResolver,
    MeetingChangesResolver,
  ],
  loaders: meetingLoaders,
  // A meetings page joins each meeting's contact and organisation, and the contact's
  // organisation (MeetingService.list): those fields answer from the row when it carries them.
  joinedRelations: { Meeting: ['contact', 'organisation'], Contact: ['organisation'] },
  prefetch: { pages: { Contact: { meetings: contactMeetingsPrefetch } } },
} satisfies FeatureModule;
