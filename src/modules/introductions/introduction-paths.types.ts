import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Contact } from '../contacts/contact.entity';
import { Organisation } from '../organisations/organisation.entity';

export enum PathReason {
  YOUR_CONTACT = 'YOUR_CONTACT',
  INTRODUCED = 'INTRODUCED',
  INTRODUCED_BY = 'INTRODUCED_BY',
  REFERRED_IN_MEETING = 'REFERRED_IN_MEETING',
  REPORTS_TO = 'REPORTS_TO',
  MANAGES = 'MANAGES',
  WORKS_AT = 'WORKS_AT',
  WORKED_AT = 'WORKED_AT',
}
registerEnumType(PathReason, {
  name: 'PathReason',
  description:
    'Why a link of a chain exists. YOUR_CONTACT: the first person is one of your contacts. Between two people, what the previous person is to this one: INTRODUCED (introduced you to them), REFERRED_IN_MEETING (suggested them in a meeting with you), INTRODUCED_BY (was introduced to you by them), REPORTS_TO (reports to them), MANAGES (they report to the previous person). Last, for an organisation: WORKS_AT (its current organisation) or WORKED_AT (you met them there; they are elsewhere now).',
});

@ObjectType({ description: 'One link of an introduction chain.' })
export class IntroductionStep {
  @Field(() => Contact, {
    description: 'The person this link reaches (for WORKS_AT/WORKED_AT: the person at the target).',
  })
  contact: Contact;

  @Field(() => Organisation, {
    nullable: true,
    description: 'The target organisation, on a WORKS_AT or WORKED_AT link.',
  })
  organisation: Organisation | null;

  @Field(() => PathReason)
  reason: PathReason;

  @Field({ description: 'The reason in words, with names and dates.' })
  text: string;

  @Field(() => Float, {
    description:
      'How warm the link is, 0–1: for your first contact, how well you know them (met, followed up, in touch recently, a personal tie); further on, how likely the previous person can reach this one.',
  })
  warmth: number;
}

@ObjectType({ description: 'A chain of people from you to someone at the target, best first.' })
export class IntroductionPath {
  @Field(() => Int, { description: 'People in the chain: 1 when you know someone at the target yourself.' })
  hops: number;

  @Field(() => Float, {
    description:
      'warmth of your first contact × the warmth of every further link × 1 when the last person decides (isDecisionMaker), else 0.8.',
  })
  score: number;

  @Field({ description: 'The last person can hire or decide.' })
  endsWithDecisionMaker: boolean;

  @Field(() => [IntroductionStep])
  steps: IntroductionStep[];
}

@ObjectType()
export class IntroductionPaths {
  @Field(() => [IntroductionPath])
  paths: IntroductionPath[];

  @Field({
    description:
      'The walk hit one of its caps (people at the target, chains per level): a few weaker chains may be missing.',
  })
  truncated: boolean;
}
