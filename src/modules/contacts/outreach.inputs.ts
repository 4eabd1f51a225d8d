import { Field, ID, InputType } from 'type-graphql';
import { InteractionKind } from '../interactions/interaction.entity';

// OutreachService checks the texts (BAD_USER_INPUT naming `input.<field>`): it normalises line
// breaks before it measures them.

@InputType()
export class RequestMeetingInput {
  @Field(() => ID)
  contactId: string;

  @Field({ description: 'Sent as you wrote it (1–5000 characters), never run as a template.' })
  message: string;
}

@InputType()
export class LogInteractionInput {
  @Field(() => ID)
  contactId: string;

  @Field(() => Date, { nullable: true, description: 'When it happened; default now, never in the future.' })
  at?: Date | null;

  @Field(() => InteractionKind, { nullable: true, description: 'Default OTHER.' })
  kind?: InteractionKind | null;

  @Field(() => String, { nullable: true, description: 'Up to 2000 characters.' })
  note?: string | null;
}
