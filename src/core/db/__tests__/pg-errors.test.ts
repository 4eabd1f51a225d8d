import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from '../pg-errors';

// The shapes an unreachable PostgreSQL takes by the time an error reaches formatError.
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

it('knows an outage in each of its shapes', () => {
  const refused = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
  const outages = [
    refused,
    new AggregateError([refused, withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]),
    new QueryFailedError('SELECT 1', [], withCode('terminating connection due to administrator command', '57P01')),
    new QueryFailedError('SELECT 1', [], withCode('the database system is starting up', '57P03')),
    new QueryFailedError('SELECT 1', [], withCode('sorry, too many clients already', '53300')),
    new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')),
    new Error('timeout exceeded when trying to connect'),
    // graphql-js's wrapper for a value thrown from another realm.
    Object.assign(new Error('Unexpected error value'), { thrownValue: { code: 'ECONNRESET' } }),
  ];
  for (const err of outages) expect([err.message, isDatabaseUnavailable(err)]).toEqual([err.message, true]);
});

it('leaves the request’s own faults and server bugs alone', () => {
  const others = [
    new QueryFailedError('INSERT …', [], withCode('duplicate key value violates unique constraint', '23505')),
    new QueryFailedError('SELECT …', [], withCode('canceling statement due to statement timeout', '57014')),
    new QueryFailedError('SELECT …', [], withCode('syntax error at or near "FROM"', '42601')),
    new Error('Cannot use a pool after calling end on the pool'),
    new TypeError("Cannot read properties of undefined (reading 'id')"),
    null,
    'a string',
  ];
  for (const err of others) expect([String(err), isDatabaseUnavailable(err)]).toEqual([String(err), false]);
});
