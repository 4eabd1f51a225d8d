import { Field, ObjectType } from 'type-graphql';
import { EmailKind } from './email-kind';

@ObjectType({ description: 'A variable a template may use, e.g. {{contact.firstName}}.' })
export class TemplateVariable {
  @Field({ description: '`contact.firstName`; items of a list as `meeting.agenda[].text`.' })
  name: string;

  @Field()
  description: string;
}

@ObjectType({ description: 'The wording Rapport uses for one kind of email: yours, or the default.' })
export class EmailTemplateView {
  @Field(() => EmailKind)
  kind: EmailKind;

  @Field({ description: 'One line, with {{variables}}.' })
  subject: string;

  @Field({
    description:
      'Plain text with {{variables}}, {{#if}}, {{#unless}}, {{#each}} and {{#with}}; blank lines separate paragraphs.',
  })
  body: string;

  @Field({ description: 'true when you saved your own wording; false for Rapport’s default.' })
  isCustom: boolean;

  @Field(() => Date, { nullable: true, description: 'When you last saved it; null for the default.' })
  updatedAt: Date | null;

  @Field(() => [TemplateVariable], { description: 'The variables this kind of email can use.' })
  variables: TemplateVariable[];
}

@ObjectType({ description: 'An email rendered as it would be sent, from current data.' })
export class EmailPreview {
  @Field()
  subject: string;

  @Field({ description: 'The HTML part: every variable escaped.' })
  html: string;

  @Field({ description: 'The plain-text part.' })
  text: string;
}
