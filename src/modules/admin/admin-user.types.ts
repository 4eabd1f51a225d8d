import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Role } from '../users/user.entity';

@ObjectType({
  description:
    'An account as an administrator sees it: who, state and how much they use Rapport (counts only; never their contacts, notes or meetings).',
})
export class AdminUser {
  @Field(() => ID)
  id: string;

  @Field()
  email: string;

  @Field()
  name: string;

  @Field(() => Role)
  role: Role;

  @Field()
  emailVerified: boolean;

  @Field(() => Date, { nullable: true })
  suspendedAt: Date | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Int)
  contactCount: number;

  @Field(() => Int)
  meetingCount: number;

  @Field(() => Int, { description: 'Scheduled emails of every status.' })
  emailCount: number;
}

@InputType()
export class AdminUserFilter {
  @Field(() => String, { nullable: true, description: 'Part of the address or the name (case-insensitive).' })
  @MaxLength(200)
  search?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only suspended (true) or only active (false) accounts.' })
  suspended?: boolean | null;

  @Field(() => Role, { nullable: true })
  role?: Role | null;
}
