import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../core/graphql/pagination';
import { EmailKind } from '../emails/email-kind';
import { MeetingStatus } from '../meetings/meeting.entity';
import { InteractionKind } from './interaction.entity';

export enum InteractionSource {
  MEETING = 'MEETING',
  EMAIL = 'EMAIL',
  OUTREACH = 'OUTREACH',
  LOGGED = 'LOGGED',
}
registerEnumType(InteractionSource, {
  name: 'InteractionSource',
  description:
    'MEETING: a meeting with the contact (any status); EMAIL: a thank-you or follow-up Rapport sent them; ' +
    'OUTREACH: your request for a conversation, as sent; LOGGED: an interaction you logged.',
});

@ObjectType({ description: 'One entry of a contact’s timeline.', simpleResolvers: true })
export class Interaction {
  @Field(() => ID, { description: 'The id of the meeting, the email or the logged interaction.' })
  id: string;

  @Field(() => InteractionSource)
  source: InteractionSource;

  @Field(() => Date, { description: 'When it happened: a meeting’s start, an email’s sending, the logged time.' })
  occurredAt: Date;

  @Field(() => InteractionKind, { nullable: true, description: 'LOGGED only.' })
  kind: InteractionKind | null;

  @Field(() => String, { nullable: true, description: 'LOGGED only: your note.' })
  note: string | null;

  @Field(() => MeetingStatus, { nullable: true, description: 'MEETING only.' })
  meetingStatus: MeetingStatus | null;

  @Field(() => String, { nullable: true, description: 'MEETING only: its title.' })
  title: string | null;

  @Field(() => EmailKind, { nullable: true, description: 'EMAIL and OUTREACH only.' })
  emailKind: EmailKind | null;

  @Field(() => String, { nullable: true, description: 'EMAIL and OUTREACH only: the subject as sent.' })
  subject: string | null;

  /** The meeting this entry is (MEETING) or is about (a thank-you, a follow-up). */
  meetingId: string | null;
}

export const InteractionConnection = Connection(Interaction, 'Interaction');
