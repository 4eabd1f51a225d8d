import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { Label, LIMITS, Notes, Tags, WebUrl, UPDATED_SINCE_DESCRIPTION } from '../../core/inputs';
import { rule } from '../../core/validation';
import { OrganisationSize } from './organisation.entity';
import { isDomain } from './organisation-domain';

const IsDomain = () =>
  rule(
    'isDomain',
    (v) => typeof v === 'string' && (v.trim() === '' || isDomain(v)),
    'must be a domain name such as acme.com',
  );

// Shared fields; not emitted in the schema on its own (no resolver uses it).
@InputType('OrganisationFields')
class OrganisationFields {
  @Field(() => String, {
    nullable: true,
    description: 'http(s) URL; its host becomes the domain unless domain is given.',
  })
  @IsOptional()
  @WebUrl()
  @Notes(LIMITS.url)
  website?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'e.g. acme.com; lower-cased, www. removed. Unique among your organisations.',
  })
  @IsOptional()
  @Label(253)
  @IsDomain()
  domain?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(100)
  industry?: string | null;

  @Field(() => OrganisationSize, { nullable: true })
  size?: OrganisationSize | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(LIMITS.shortText)
  location?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  structureNotes?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  nicheNotes?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  goalsNotes?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  careerProspectsNotes?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  cultureNotes?: string | null;

  @Field(() => [String], { nullable: true, description: `Up to ${LIMITS.tags} labels, stored lower-case.` })
  @IsOptional()
  @Tags()
  tags?: string[] | null;
}

@InputType()
export class CreateOrganisationInput extends OrganisationFields {
  @Field()
  @Label()
  name: string;
}

@InputType({ description: 'Only the fields given change; null or "" clears an optional field.' })
export class UpdateOrganisationInput extends OrganisationFields {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label()
  name?: string;
}

export enum OrganisationSort {
  NAME_ASC = 'NAME_ASC',
  CREATED_AT_ASC = 'CREATED_AT_ASC',
  CREATED_AT_DESC = 'CREATED_AT_DESC',
  UPDATED_AT_DESC = 'UPDATED_AT_DESC',
}
registerEnumType(OrganisationSort, {
  name: 'OrganisationSort',
  valuesConfig: {
    NAME_ASC: { description: 'By name, A to Z (case ignored).' },
    CREATED_AT_ASC: { description: 'Oldest added first.' },
    CREATED_AT_DESC: { description: 'Newest added first.' },
    UPDATED_AT_DESC: { description: 'Most recently edited first.' },
  },
});

@InputType()
export class OrganisationFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Words matched (partially) in name, domain, industry and location.',
  })
  @IsOptional()
  @Label(LIMITS.shortText)
  search?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Exact industry, ignoring case and extra white space: " Fin  Tech " finds "fin tech".',
  })
  @IsOptional()
  @Label(100)
  industry?: string | null;

  @Field(() => String, { nullable: true, description: 'Organisations carrying this tag.' })
  @IsOptional()
  @Label(LIMITS.tag)
  tag?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Only these organisations (up to 100).' })
  @IsOptional()
  @ArrayMaxSize(100)
  ids?: string[] | null;

  @Field(() => Date, { nullable: true, description: UPDATED_SINCE_DESCRIPTION })
  updatedSince?: Date | null;
}
