import { GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLString, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { answerInPlace, IN_PLACE_MARK, type InPlaceField } from './partial.ts';

const info = {} as GraphQLResolveInfo;
const mark = String.fromCharCode(IN_PLACE_MARK);
/** A compiled text with each field's row where its value goes, as the statement writes it. */
const text = (parts: readonly (string | [number, object])[]) =>
  Buffer.from(parts.map((p) => (typeof p === 'string' ? p : `${mark}${p[0]}${JSON.stringify(p[1])}${mark}`)).join(''));
const field = (resolve: InPlaceField['resolve'], type: InPlaceField['type'] = GraphQLString, dates: string[] = []) =>
  ({ resolve, type, dates, info }) as InPlaceField;

describe('answerInPlace', () => {
  const role = field((r) => ((r as { automatic: boolean }).automatic ? 'SYSTEM' : 'ADMIN'));

  it('puts each value where its row was, in order, and leaves a text without marks as it is', async () => {
    const json = text([
      '{"a":[{"r":',
      [0, { id: 1, automatic: true }],
      '},{"r":',
      [0, { id: 2, automatic: false }],
      '}]}',
    ]);
    expect(JSON.parse((await answerInPlace([role], json, {}))!.toString())).toEqual({
      a: [{ r: 'SYSTEM' }, { r: 'ADMIN' }],
    });
    const plain = Buffer.from('{"title":"a \\u0001 b"}');
    expect(await answerInPlace([role], plain, {})).toBe(plain);
  });

  it('runs the field its index names, with the context, dates revived and values serialised as graphql-js does', async () => {
    const seen: unknown[] = [];
    const year = field(
      (r, _args, context) => {
        seen.push(context);
        return (r as { at: Date }).at.getUTCFullYear();
      },
      GraphQLInt,
      ['at'],
    );
    const tags = field(() => ['x', 'y\n"z"'], new GraphQLList(GraphQLString));
    const json = text(['{"y":', [1, { id: 1, at: '2026-12-07T10:00:00.000Z' }], ',"t":', [2, { id: 1 }], '}']);
    const answered = (await answerInPlace([role, year, tags], json, 'ctx'))!.toString();
    expect(JSON.parse(answered)).toEqual({ y: 2026, t: ['x', 'y\n"z"'] });
    expect(seen).toEqual(['ctx']);
  });

  it('answers promises, and gives up (undefined) on a throw, a rejection or a value the type refuses', async () => {
    const json = (index: number) => text(['{"v":', [index, { id: 1 }], '}']);
    const later = field(async () => 'later');
    expect((await answerInPlace([later], json(0), {}))!.toString()).toBe('{"v":"later"}');
    const throws = field(() => {
      throw new Error('no');
    });
    const rejects = field(() => Promise.reject(new Error('no')));
    const nullForNonNull = field(() => null, new GraphQLNonNull(GraphQLString));
    const notAnInt = field(() => 'seven', GraphQLInt);
    for (const failing of [throws, rejects, nullForNonNull, notAnInt])
      expect(await answerInPlace([later, failing], text(['[', [0, { id: 1 }], ',', [1, { id: 1 }], ']']), {})).toBe(
        undefined,
      );
    expect(await answerInPlace([later], json(3), {})).toBeUndefined();
  });
});
