import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A signed-in device: one sign-in and the refresh tokens it rotated through.' })
export class Session {
  @Field(() => ID)
  id: string;

  @Field(() => Date, { description: 'When the user signed in.' })
  createdAt: Date;

  @Field(() => Date, { description: 'When its refresh token was last exchanged (or the sign-in, if never).' })
  lastUsedAt: Date;

  @Field(() => String, { nullable: true })
  userAgent: string | null;

  @Field(() => String, { nullable: true, description: 'The client address it was last refreshed from.' })
  ip: string | null;

  @Field({ description: 'Whether this is the session of the access token making the request.' })
  current: boolean;
}
