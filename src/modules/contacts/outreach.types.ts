import { Field, ObjectType } from 'type-graphql';
import { ScheduledEmail } from '../emails/scheduled-email.entity';
import { Contact } from './contact.entity';

@ObjectType({ description: 'What requestMeeting did: the contact, now REQUESTED, and the email it planned.' })
export class RequestMeetingPayload {
  @Field(() => Contact)
  contact: Contact;

  @Field(() => ScheduledEmail, {
    description:
      'The OUTREACH email to the contact, PENDING until it goes out (now, or when your sending window opens).',
  })
  email: ScheduledEmail;
}
