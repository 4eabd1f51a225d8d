import { buildSchema, getVariableValues, GraphQLError, parse, type OperationDefinitionNode } from 'graphql';
import { LocalDate, LocalEndTime, LocalTime, scalarErrorField, ScalarValueError } from '../calendar.scalars';

describe('LocalDate', () => {
  it('parses days that exist and refuses anything else', () => {
    for (const day of ['2028-02-29', '2000-02-29', '0001-01-01', '9999-12-31']) {
      expect(LocalDate.parseValue(day)).toBe(day);
    }
    for (const bad of [
      '2026-02-30',
      '2100-02-29',
      '0000-01-01',
      '2026-13-01',
      '2026-1-01',
      '2026-01-01T00:00:00Z',
      20260101,
      null,
    ]) {
      expect(() => LocalDate.parseValue(bad)).toThrow(ScalarValueError);
    }
  });

  it('serialises our own day strings and refuses anything else as a bug', () => {
    expect(LocalDate.serialize('2030-01-15')).toBe('2030-01-15');
    expect(() => LocalDate.serialize(new Date())).toThrow(TypeError);
  });
});

describe('LocalTime and LocalEndTime', () => {
  it('take HH:mm; only the end takes 24:00; neither takes seconds', () => {
    expect(LocalTime.parseValue('23:59')).toBe('23:59');
    expect(LocalEndTime.parseValue('24:00')).toBe('24:00');
    for (const bad of ['24:00', '7:00', '07:00:00', '07:60', '']) {
      expect(() => LocalTime.parseValue(bad)).toThrow(ScalarValueError);
    }
    for (const bad of ['24:01', '24:00:00', '07:00:00']) {
      expect(() => LocalEndTime.parseValue(bad)).toThrow(ScalarValueError);
    }
  });
});

describe('scalarErrorField', () => {
  const schema = buildSchema(`
    scalar LocalDate
    input In { day: LocalDate, days: [LocalDate!] }
    type Query { a(day: LocalDate, input: In): Int }
  `);
  Object.assign(schema.getType('LocalDate')!, {
    parseValue: LocalDate.parseValue,
    parseLiteral: LocalDate.parseLiteral,
  });
  const fieldOf = (variables: Record<string, unknown>) => {
    const document = parse('query($day: LocalDate, $input: In) { a(day: $day, input: $input) }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    const { errors } = getVariableValues(schema, operation.variableDefinitions!, variables);
    return errors?.map(scalarErrorField);
  };

  it('names the path in the input, or the variable', () => {
    expect(fieldOf({ input: { day: '2026-02-30' } })).toEqual([
      { field: 'input.day', message: 'must be a day that exists, as YYYY-MM-DD' },
    ]);
    expect(fieldOf({ input: { days: ['2026-02-28', 'x'] } })).toEqual([
      { field: 'input.days[1]', message: 'must be a day that exists, as YYYY-MM-DD' },
    ]);
    expect(fieldOf({ day: 'nope' })).toEqual([{ field: 'day', message: 'must be a day that exists, as YYYY-MM-DD' }]);
  });

  it('is not fooled by a value that looks like a path, and ignores other errors', () => {
    expect(fieldOf({ day: 'x" at "input.other' })).toEqual([
      { field: 'day', message: 'must be a day that exists, as YYYY-MM-DD' },
    ]);
    expect(scalarErrorField(new GraphQLError('Variable "$day" got invalid value 1 at "input.x"; Expected'))).toBe(
      undefined,
    );
  });
});
