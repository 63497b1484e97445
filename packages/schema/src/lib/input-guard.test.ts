import { readFileSync } from 'node:fs';
import {
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Context } from '#context';
import { schema } from '../schema.ts';
import { AppError } from './errors.ts';
import { checkArguments, maxItemsOf } from './input-guard.ts';

type Input = GraphQLArgument | GraphQLInputField;

/** One list argument or list input field, and the argument value that puts `count` items in it. */
interface ListPosition {
  coordinate: string;
  field: GraphQLField<unknown, unknown>;
  parent: GraphQLObjectType;
  max: number;
  description: string | null | undefined;
  argsWith: (count: number) => Record<string, unknown>;
}

/** Every list reachable from a field's arguments, through input objects (each input type once per path). */
function listPositions(): ListPosition[] {
  const positions: ListPosition[] = [];
  for (const parent of Object.values(schema.getTypeMap())) {
    if (!isObjectType(parent) || parent.name.startsWith('__')) continue;
    for (const field of Object.values(parent.getFields())) {
      for (const arg of field.args) {
        const walk = (input: Input, coordinate: string, wrap: (v: unknown) => unknown, seen: Set<string>) => {
          const type = getNullableType(input.type) as GraphQLInputType;
          if (isListType(type)) {
            positions.push({
              coordinate,
              field,
              parent,
              max: maxItemsOf(input)!,
              description: input.description,
              argsWith: (count) => wrap(Array.from({ length: count }, () => null)) as Record<string, unknown>,
            });
          }
          const named = isListType(type) ? getNullableType(type.ofType) : type;
          if (!isInputObjectType(named) || seen.has(named.name)) return;
          for (const f of Object.values(named.getFields())) {
            const inner = (v: unknown) => wrap(isListType(type) ? [{ [f.name]: v }] : { [f.name]: v });
            walk(f, `${named.name}.${f.name}`, inner, new Set([...seen, named.name]));
          }
        };
        walk(arg, `${parent.name}.${field.name}(${arg.name}:)`, (v) => ({ [arg.name]: v }), new Set());
      }
    }
  }
  return positions;
}

const positions = listPositions();

/** A context whose database may not be touched: the guard refuses before any work. */
function untouchableContext(): { ctx: Context; touched: string[] } {
  const touched: string[] = [];
  const prisma = new Proxy(
    {},
    {
      get(_t, key) {
        touched.push(String(key));
        throw new Error(`the database was used (${String(key)})`);
      },
    },
  );
  const viewer = { apiKeyId: 1, role: 'ADMIN' as const, scopes: ['*'], shopId: null, accountId: null, shopIds: null };
  const ctx = {
    prisma,
    viewer,
    requestId: 'test',
    production: false,
    settings: () => Promise.reject(new Error('the database was used (settings)')),
    now: () => Promise.reject(new Error('the database was used (now)')),
  } as unknown as Context;
  return { ctx, touched };
}

async function codeOf(position: ListPosition, count: number): Promise<string | undefined> {
  const { ctx, touched } = untouchableContext();
  const info = {
    schema,
    parentType: position.parent,
    fieldName: position.field.name,
    fieldNodes: [],
    path: { prev: undefined, key: position.field.name, typename: position.parent.name },
  } as unknown as GraphQLResolveInfo;
  const run = position.field.subscribe ?? position.field.resolve!;
  let code: string | undefined;
  try {
    const result = (await run({}, position.argsWith(count), ctx, info)) as { code?: string } | null;
    code = result?.code;
  } catch (error) {
    code = error instanceof AppError ? error.code : 'other';
  }
  if (code === 'LIMIT_EXCEEDED') expect(touched, `${position.coordinate} touched the database`).toEqual([]);
  return code;
}

const docs = readFileSync(new URL('../../../../docs/api-conventions.md', import.meta.url), 'utf8');

describe('every list argument and list input field', () => {
  it('is found (the walk sees the lists this test was written against)', () => {
    const coordinates = positions.map((p) => p.coordinate);
    for (const known of [
      'Query.nodes(ids:)',
      'Query.feeCategories(codes:)',
      'QuizAttemptSubmitInput.answers',
      'ListingBulkReviewItemInput.reasons',
    ])
      expect(coordinates).toContain(known);
  });

  it.each(positions.map((p) => [p.coordinate, p] as const))(
    '%s has a documented maximum, refused above it before any work',
    async (coordinate, position) => {
      expect(position.max).toBeGreaterThan(0);
      expect(position.description, coordinate).toMatch(
        new RegExp(`At most ${position.max} items \\(more is LIMIT_EXCEEDED\\)\\.$`),
      );
      expect(docs, `docs/api-conventions.md lists ${coordinate}`).toContain(`| \`${coordinate}\` | ${position.max} |`);
      expect(await codeOf(position, position.max + 1)).toBe('LIMIT_EXCEEDED');
      let atMax: string | undefined;
      try {
        checkArguments(schema, position.field, position.argsWith(position.max));
      } catch (error) {
        atMax = (error as AppError).code;
      }
      expect(atMax).not.toBe('LIMIT_EXCEEDED');
    },
  );
});
