import { validate, type ValidationError as ClassValidationError } from 'class-validator';
import { getNamedType, GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import {
  buildSchema,
  getMetadataStorage,
  type AuthChecker,
  type BuildSchemaOptions,
  type ValidatorFn,
} from 'type-graphql';
import type { ResolverClass } from '../feature';
import { ForbiddenError, UnauthenticatedError, ValidationError, type FieldError } from '../errors';
import { DateTimeISO } from './date-time';
import { localPubSub, type LivePubSub } from '../live/live-events';

/** What the auth checker reads from a request's context. */
export interface AuthContext {
  user: { role: string } | null;
  /** Why a sent token gave no user (a reason such as TOKEN_EXPIRED); absent when none was sent. */
  authFailure?: string | null;
}

const authChecker: AuthChecker<AuthContext> = ({ context }, roles) => {
  if (!context.user) throw UnauthenticatedError.token(context.authFailure ?? null);
  if (roles.length && !roles.includes(context.user.role)) throw new ForbiddenError();
  return true;
};

function flatten(errors: ClassValidationError[], prefix: string): FieldError[] {
  return errors.flatMap((e) => {
    const field = /^\d+$/.test(e.property)
      ? `${prefix}[${e.property}]`
      : prefix
        ? `${prefix}.${e.property}`
        : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      // class-validator's default messages start with the property name; the field says it.
      message: message.startsWith(`${e.property} `) ? message.slice(e.property.length + 1) : message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * The name of the argument whose input type is `type` (a class named like its GraphQL type),
 * or '' for an @Args() class, whose fields are the arguments themselves.
 */
function argumentName(type: unknown, info: GraphQLResolveInfo): string {
  if (typeof type !== 'function') return '';
  const field = info.parentType.getFields()[info.fieldName];
  const matches = field.args.filter((arg) => getNamedType(arg.type).name === type.name);
  return matches.length === 1 ? matches[0].name : '';
}

/** class-validator on every input object, reported as BAD_USER_INPUT naming `arg.path` fields. */
const validateArgument: ValidatorFn = async (value, type, resolverData) => {
  if (value === null || typeof value !== 'object') return;
  // An @Args() class is not one of the args but all of them: its fields are named as they are.
  const argName = argumentName(type, resolverData.info);
  const items = Array.isArray(value) ? value : [value];
  const fields: FieldError[] = [];
  for (const [index, item] of items.entries()) {
    if (item === null || typeof item !== 'object') continue;
    const errors = await validate(item as object, {
      skipMissingProperties: true,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
    });
    fields.push(...flatten(errors, Array.isArray(value) ? `${argName}[${index}]` : argName));
  }
  if (fields.length) throw new ValidationError(fields);
};

/**
 * Types with `simpleResolvers` read their fields straight off the object, skipping
 * type-graphql's per-field wrapper, and with it any @Authorized or middleware on a field:
 * refuse to build a schema where that would silently drop a check.
 */
function assertSimpleTypesHaveNoFieldChecks(): void {
  const storage = getMetadataStorage();
  const simple = new Set(storage.objectTypes.filter((t) => t.simpleResolvers).map((t) => t.target));
  const guarded = [
    ...storage.authorizedFields.map((a) => ({ target: a.target, field: a.fieldName })),
    ...storage.middlewares.map((m) => ({ target: m.target, field: m.fieldName })),
  ];
  for (const { target, field } of guarded) {
    const resolved = storage.fieldResolvers.some((r) => r.target === target && r.methodName === field);
    if (simple.has(target) && !resolved) {
      throw new Error(`${target.name}.${field} has a check but its type uses simpleResolvers`);
    }
  }
}

/**
 * To-one relations that a list page joins onto its rows (e.g. MeetingService.list). When the row
 * carries the joined value (null included) the field answers with it, before type-graphql's
 * per-call machinery (container look-up, parameter building), which a page of 20 meetings with
 * three relations would otherwise run 60 times; otherwise the field resolver loads it.
 */
function answerJoinedRelations(
  schema: GraphQLSchema,
  joinedRelations: Readonly<Record<string, readonly string[]>>,
): GraphQLSchema {
  const storage = getMetadataStorage();
  for (const [typeName, fields] of Object.entries(joinedRelations)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`${typeName} is not an object type`);
    for (const name of fields) {
      const field = type.getFields()[name];
      const resolve = field?.resolve;
      if (!resolve) throw new Error(`${typeName}.${name} has no resolver`);
      // Answering before type-graphql would skip its checks: there must be none.
      const resolvers = storage.fieldResolvers.filter(
        (r) => r.schemaName === name && r.getObjectType?.().name === typeName,
      );
      const checked = [...storage.authorizedFields, ...storage.middlewares].some(
        (c) =>
          (c.target.name === typeName && c.fieldName === name) ||
          resolvers.some((r) => r.target === c.target && r.methodName === c.fieldName),
      );
      if (checked) throw new Error(`${typeName}.${name} has a check; it cannot be answered from a joined row`);
      field.resolve = (root, args, context, info) => {
        const joined = (root as Record<string, unknown>)[name];
        return joined !== undefined ? joined : resolve(root, args, context, info);
      };
    }
  }
  return schema;
}

export interface SchemaParts {
  resolvers: readonly ResolverClass[];
  /** Where subscriptions listen (the process's live events); a process-local one when absent. */
  pubSub?: LivePubSub;
  /** To-one relations answered from joined rows, by type name (see answerJoinedRelations). */
  joinedRelations: Readonly<Record<string, readonly string[]>>;
}

/**
 * The GraphQL schema of the given resolvers, with the platform's rules: an auth checker reading
 * `context.user.role`, class-validator on every input, no field checks lost to simpleResolvers.
 */
export async function buildGraphQLSchema({ resolvers, joinedRelations, pubSub }: SchemaParts): Promise<GraphQLSchema> {
  assertSimpleTypesHaveNoFieldChecks();
  const schema = await buildSchema({
    resolvers: resolvers as unknown as BuildSchemaOptions['resolvers'],
    authChecker,
    validateFn: validateArgument,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
    pubSub: pubSub ?? localPubSub(),
    emitSchemaFile: false,
  });
  return answerJoinedRelations(schema, joinedRelations);
}
