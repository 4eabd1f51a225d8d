import { IsEmail, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { IsIanaTimeZone, NoControlCharacters } from '../../core/validation';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-hasher';

@InputType()
export class RegisterInput {
  @Field()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be a valid email address' })
  email: string;

  @Field({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.` })
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
  })
  password: string;

  @Field()
  @Length(1, 100)
  @NoControlCharacters()
  name: string;

  @Field({ description: 'IANA zone name, e.g. Europe/Berlin.' })
  @IsIanaTimeZone()
  timezone: string;
}
