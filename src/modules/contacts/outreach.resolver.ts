import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { InteractionKind } from '../interactions/interaction.entity';
import { Contact } from './contact.entity';
import { LogInteractionInput, RequestMeetingInput } from './outreach.inputs';
import { RequestMeetingPayload } from './outreach.types';

@Resolver()
export class OutreachResolver {
  @Authorized()
  @Mutation(() => RequestMeetingPayload, {
    description:
      'Emails your request for a conversation to the contact (now, inside the sending window) and moves them to ' +
      'REQUESTED; you get a nudge outreachNudgeDays later if they are still REQUESTED. The message is sent as you ' +
      'wrote it (1–5000 characters), never run as a template. Returns the contact and the OUTREACH email it planned.',
  })
  requestMeeting(
    @Arg('input') input: RequestMeetingInput,
    @Ctx() { user, services }: Context,
  ): Promise<RequestMeetingPayload> {
    return services.outreach.requestMeeting(user!, input.contactId, input.message);
  }

  @Authorized()
  @Mutation(() => Contact, {
    description:
      'Records that you were in touch (a call, a coffee, a message) at `at` (default now, never in the future), as a ' +
      'row of the contact’s timeline (`interactions`) with its kind (default OTHER) and note (up to 2000 characters); ' +
      'restarts the keep-in-touch clock. A contact holds at most 5000 logged interactions.',
  })
  logInteraction(@Arg('input') input: LogInteractionInput, @Ctx() { user, services }: Context): Promise<Contact> {
    const { contactId, note, at, kind } = input;
    return services.outreach.logInteraction(user!, contactId, note, at, kind ?? InteractionKind.OTHER);
  }
}
