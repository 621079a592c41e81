import type { z } from 'zod';
import { HttpProblem, type FieldError } from './problem.js';

export type InputSource = 'body' | 'query' | 'path' | 'header';

/** Parses input with a schema; a failure is a 400 problem naming every bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source: InputSource,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldName(source, [...issue.path, key]),
        message: 'is not a known field',
      }));
    }
    return [{ field: fieldName(source, issue.path), message: issue.message }];
  });
  throw new HttpProblem(400, `The request ${source} is not valid.`, { errors });
}

function fieldName(source: InputSource, path: PropertyKey[]): string {
  const name = path.map(String).join('.');
  if (source === 'body') return name === '' ? 'body' : name;
  return name === '' ? source : name;
}
