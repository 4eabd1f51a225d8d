import { Field, InputType } from 'type-graphql';
import { Role } from '../users/user.entity';

// The services validate these (BAD_USER_INPUT naming `input.<field>`), as they did the arguments.

@InputType()
export class AdminSuspendUserInput {
  @Field({ description: 'Told to the user by email; 1 to 500 characters.' })
  reason: string;
}

@InputType()
export class AdminSetRoleInput {
  @Field(() => Role)
  role: Role;
}

@InputType()
export class AdminLiftSuppressionInput {
  @Field()
  email: string;
}
