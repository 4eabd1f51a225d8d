import { Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { EmailKind } from './email-kind';
import { TEMPLATE_BODY_MAX, TEMPLATE_SUBJECT_MAX } from './rendering/template-validation';

@InputType({ description: 'Your wording for one kind of email; checked before it is saved.' })
export class UpdateEmailTemplateInput {
  @Field(() => EmailKind, { description: 'Account emails keep Rapport’s wording (BAD_USER_INPUT).' })
  kind: EmailKind;

  @Field({ description: `One line, 1 to ${TEMPLATE_SUBJECT_MAX} characters, with {{variables}}.` })
  @Length(1, TEMPLATE_SUBJECT_MAX)
  subject: string;

  @Field({
    description: `Plain text, 1 to ${TEMPLATE_BODY_MAX} characters, with {{variables}} and {{#if}}/{{#unless}}/{{#each}}/{{#with}} blocks. Variables are escaped in the HTML part; {{{…}}}, helpers and partials are refused.`,
  })
  @Length(1, TEMPLATE_BODY_MAX)
  body: string;
}

@InputType()
export class ResetEmailTemplateInput {
  @Field(() => EmailKind)
  kind: EmailKind;
}
