import { ArrayMaxSize, IsEmail, IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { Label, LIMITS, Notes, Tags, WebUrl, UPDATED_SINCE_DESCRIPTION } from '../../core/inputs';
import { IsIanaTimeZone } from '../../core/validation';
import { ContactStage } from './contact-stage';
import { HowWeKnow } from './contact.entity';
import { LocalDate } from '../../core/graphql/calendar.scalars';

// Shared fields; not emitted in the schema on its own (no resolver uses it).
@InputType('ContactFields')
class ContactFields {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(100)
  lastName?: string | null;

  @Field(() => String, { nullable: true, description: 'Stored lower-case; unique among your contacts.' })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be a valid email address' })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\+?[0-9 ().-]{3,40}$/, { message: 'must be a phone number: digits, spaces, + ( ) . -' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Job title.' })
  @IsOptional()
  @Label(LIMITS.shortText)
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'https://www.linkedin.com/in/…' })
  @IsOptional()
  @WebUrl()
  @Matches(/^https:\/\/([a-z]{2,3}\.)?linkedin\.com\/(in|pub)\/[^\s/?#]+\/?([?#].*)?$/i, {
    message: 'must be a LinkedIn profile URL such as https://www.linkedin.com/in/jane-doe',
  })
  @MaxLength(LIMITS.url)
  linkedinUrl?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'The day you connected; null clears it.' })
  @IsOptional()
  connectedOn?: string | null;

  @Field(() => ID, { nullable: true, description: 'One of your organisations; null to clear.' })
  organisationId?: string | null;

  @Field(() => HowWeKnow, { nullable: true })
  howWeKnow?: HowWeKnow | null;

  @Field(() => ID, { nullable: true, description: 'The contact who introduced this one; null to clear.' })
  introducedById?: string | null;

  @Field(() => ID, { nullable: true, description: 'The contact this one reports to (their manager); null to clear.' })
  reportsToId?: string | null;

  @Field(() => Boolean, { nullable: true })
  isDecisionMaker?: boolean | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @Tags()
  tags?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  notes?: string | null;

  @Field(() => Int, { nullable: true, description: 'Keep-in-touch cadence in days (1–730); null for none.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(730)
  keepInTouchEveryDays?: number | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone, when it differs from yours.' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Set when the contact asked not to be emailed.' })
  emailOptOut?: boolean | null;
}

@InputType()
export class CreateContactInput extends ContactFields {
  @Field()
  @Label(100)
  firstName: string;

  @Field(() => ContactStage, { nullable: true, description: 'Defaults to IDENTIFIED; any stage when importing.' })
  stage?: ContactStage | null;
}

@InputType({ description: 'Only the fields given change; null or "" clears an optional field.' })
export class UpdateContactInput extends ContactFields {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(100)
  firstName?: string;

  @Field(() => ContactStage, { nullable: true, description: 'Moves along the cycle; illegal moves are refused.' })
  stage?: ContactStage;
}

export enum ContactSort {
  RELEVANCE_DESC = 'RELEVANCE_DESC',
  NAME_ASC = 'NAME_ASC',
  CREATED_AT_ASC = 'CREATED_AT_ASC',
  CREATED_AT_DESC = 'CREATED_AT_DESC',
  LAST_CONTACTED_AT_ASC = 'LAST_CONTACTED_AT_ASC',
  LAST_CONTACTED_AT_DESC = 'LAST_CONTACTED_AT_DESC',
}
registerEnumType(ContactSort, {
  name: 'ContactSort',
  valuesConfig: {
    RELEVANCE_DESC: { description: 'Best search matches first; by name (NAME_ASC) without a search.' },
    NAME_ASC: { description: 'By full name, A to Z.' },
    CREATED_AT_ASC: { description: 'Oldest added first.' },
    CREATED_AT_DESC: { description: 'Newest added first.' },
    LAST_CONTACTED_AT_ASC: { description: 'The longest-neglected first: never contacted, then the least recent.' },
    LAST_CONTACTED_AT_DESC: { description: 'The most recently contacted first; never contacted last.' },
  },
});

@InputType()
export class ContactFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Words matched (partially) in name, email, title, notes and organisation name.',
  })
  @IsOptional()
  @Label(LIMITS.shortText)
  search?: string | null;

  @Field(() => [ContactStage], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  stages?: ContactStage[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(LIMITS.tag)
  tag?: string | null;

  @Field(() => ID, { nullable: true })
  organisationId?: string | null;

  @Field(() => [HowWeKnow], { nullable: true, description: 'Contacts known in any of these ways.' })
  @IsOptional()
  @ArrayMaxSize(10)
  howWeKnows?: HowWeKnow[] | null;

  @Field(() => Boolean, { nullable: true })
  isDecisionMaker?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Contacts introduced by this contact.' })
  introducedById?: string | null;

  @Field(() => Int, { nullable: true, description: 'Not contacted for at least this many days (or never).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  notContactedForDays?: number | null;

  @Field(() => Date, { nullable: true, description: UPDATED_SINCE_DESCRIPTION })
  updatedSince?: Date | null;
}

@InputType({ description: 'Someone the contact suggested you talk to; becomes a new contact introduced by them.' })
export class ReferralInput {
  @Field()
  @Label(100)
  firstName: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(100)
  lastName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be a valid email address' })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(LIMITS.shortText)
  title?: string | null;

  @Field(() => ID, { nullable: true })
  organisationId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  notes?: string | null;
}
