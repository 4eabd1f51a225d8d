import { IsEmail, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { IsIanaTimeZone, IsSupportedLocale, NoControlCharacters } from '../../core/validation';
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

  @Field({
    nullable: true,
    description:
      'BCP 47 locale for the dates and times in your emails, e.g. en-US or de-DE; en-GB when left out. Stored in canonical form.',
  })
  @IsOptional()
  @IsSupportedLocale()
  locale?: string;
}

// The account mutations below validate in their services (so a wrong password is counted as a
// failed sign-in before any length rule answers); these classes only carry the fields.

@InputType()
export class LoginInput {
  @Field()
  email: string;

  @Field()
  password: string;
}

@InputType()
export class RefreshTokenInput {
  @Field()
  refreshToken: string;
}

@InputType()
export class LogoutInput {
  @Field()
  refreshToken: string;
}

@InputType()
export class VerifyEmailInput {
  @Field({ description: 'The token from the verification link.' })
  token: string;
}

@InputType()
export class RequestPasswordResetInput {
  @Field()
  email: string;
}

@InputType()
export class ResetPasswordInput {
  @Field({ description: 'The token from the reset link.' })
  token: string;

  @Field({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.` })
  newPassword: string;
}

@InputType()
export class ChangePasswordInput {
  @Field()
  currentPassword: string;

  @Field({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.` })
  newPassword: string;
}

@InputType()
export class ChangeEmailInput {
  @Field()
  newEmail: string;

  @Field({ description: 'Your current password.' })
  password: string;
}

@InputType()
export class DeleteAccountInput {
  @Field({ description: 'Your current password.' })
  password: string;
}
