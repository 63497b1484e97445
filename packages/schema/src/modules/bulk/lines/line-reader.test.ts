import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '#lib/errors.ts';
import { LineReader, parseLines, splitLines } from './line-reader.ts';
import { bulkMutations } from '#modules/bulk/bulk-mutations.ts';

const L = (n: number) => btoa(`Listing:${n}`);
const read = (...lines: (object | string)[]) =>
  parseLines(
    'LISTING_REVIEW',
    splitLines(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')),
    bulkMutations.LISTING_REVIEW.shape,
  );
const problems = (line: ReturnType<typeof read>[number]) =>
  line.error instanceof ValidationError ? line.error.fields.map((f) => [f.path.join('.'), f.message]) : null;

describe('bulk lines', () => {
  it('reads a valid line into the mutation input, with every optional field null', () => {
    const [line] = read({ listingId: L(1), decision: 'APPROVE', expectedVersion: 0, idempotencyKey: 'k1' });
    expect(line).toMatchObject({ line: 1, idempotencyKey: 'k1', listingId: 1, error: null, sentExpectedVersion: true });
    expect(line!.item).toEqual({ listingId: 1, decision: 'APPROVE', reasons: null, note: null, expectedVersion: 0 });
    expect(line!.hash).toMatch(/^[0-9a-f]{64}$/);
    // Explicit nulls are absent values; a line without a key has no hash.
    const [nulls] = read({
      listingId: L(7),
      decision: 'APPROVE',
      reasons: null,
      note: null,
      expectedVersion: null,
      idempotencyKey: null,
    });
    expect(nulls).toMatchObject({
      listingId: 7,
      idempotencyKey: null,
      hash: null,
      error: null,
      sentExpectedVersion: false,
    });
  });

  it('reports every problem of a line in order: unknown and refused keys as they appear, then each field, nested paths inside lists', () => {
    const [nested, top] = read(
      { listingId: L(2), decision: 'REJECT', reasons: [{ code: 'A_B', message: 'x' }, { code: 5 }, 'no'], note: 3 },
      { listingId: L(3), decision: 'NOPE', expectedVersion: 1.5, dryRun: true, extra: 1 },
    );
    expect(problems(nested!)).toEqual([
      ['reasons.1.code', 'A string.'],
      ['reasons.1.message', 'Required.'],
      ['reasons.2', 'An object.'],
      ['note', 'A string.'],
    ]);
    expect(problems(top!)).toEqual([
      ['dryRun', expect.stringContaining('Bulk operations do not take dryRun')],
      ['extra', 'Unknown field "extra".'],
      ['decision', 'One of APPROVE, REJECT, SUSPEND.'],
      ['expectedVersion', 'A whole number (32-bit).'],
    ]);
    expect(nested!.item).toBeNull();
    expect(top!.sentExpectedVersion).toBe(true);
  });

  it('refuses keys that only exist on Object.prototype as unknown fields', () => {
    const [line] = read('{"listingId":"' + L(1) + '","decision":"APPROVE","constructor":1,"toString":2}');
    expect(problems(line!)).toEqual([
      ['constructor', 'Unknown field "constructor".'],
      ['toString', 'Unknown field "toString".'],
    ]);
  });

  it('checks global IDs, JSON and the line shape', () => {
    const lines = read(
      { decision: 'APPROVE', reasons: {} },
      { listingId: 'TGlzdGluZzox=', decision: 'APPROVE' },
      { listingId: btoa('Shop:4'), decision: 'APPROVE' },
      { listingId: 7, decision: null },
      '[1]',
      '{',
      '',
      'null',
    );
    expect(lines.map(problems)).toEqual([
      [
        ['listingId', 'Required.'],
        ['reasons', 'A list.'],
      ],
      [['listingId', 'Not a valid Listing ID.']],
      [['listingId', 'Not a valid Listing ID.']],
      [
        ['listingId', "Give the Listing's global ID as a string."],
        ['decision', 'Required.'],
      ],
      [['', "A line is one JSON object: the mutation's input."]],
      [['', expect.stringMatching(/^Not valid JSON: /)]],
      [['', expect.stringMatching(/^Not valid JSON: /)]],
      [['', "A line is one JSON object: the mutation's input."]],
    ]);
  });

  it('fails a later line that repeats a listing or an idempotency key, and a key of the wrong shape', () => {
    const lines = read(
      { listingId: L(1), decision: 'APPROVE', idempotencyKey: 'k1' },
      { listingId: L(1), decision: 'APPROVE' },
      { listingId: L(5), decision: 'APPROVE', idempotencyKey: 'k1' },
      { listingId: L(6), decision: 'APPROVE', idempotencyKey: '' },
    );
    expect(lines.map(problems)).toEqual([
      null,
      [['listingId', 'This listing appears earlier in this bulk operation.']],
      [['idempotencyKey', 'This idempotency key appears earlier in this bulk operation.']],
      [['idempotencyKey', 'An idempotency key is a string of 1–255 characters.']],
    ]);
    // The repeated listing was read (it names listing 1), then refused.
    expect(lines[1]).toMatchObject({ listingId: 1, item: { listingId: 1 } });
  });

  it('reads lines in pieces exactly as all at once: each line once, repeats judged against every earlier line, past the end clamped', () => {
    const texts = [
      { listingId: L(1), decision: 'APPROVE', idempotencyKey: 'k1' },
      { listingId: L(2), decision: 'APPROVE' },
      { listingId: L(1), decision: 'REJECT' },
      { listingId: L(3), decision: 'APPROVE', idempotencyKey: 'k1' },
      '{',
      { listingId: L(4), decision: 'SUSPEND' },
    ].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
    const whole = parseLines('LISTING_REVIEW', texts, bulkMutations.LISTING_REVIEW.shape);
    const reader = new LineReader('LISTING_REVIEW', texts, bulkMutations.LISTING_REVIEW.shape);
    // A later piece first: the lines before it are read on the way, so its repeats are still found.
    const late = reader.read(2, 4);
    expect(late.map(problems)).toEqual([
      [['listingId', 'This listing appears earlier in this bulk operation.']],
      [['idempotencyKey', 'This idempotency key appears earlier in this bulk operation.']],
    ]);
    const pieces = [...reader.read(0, 2), ...reader.read(2, 3), ...reader.read(3, 100)];
    expect(pieces).toEqual(whole);
    expect(pieces.map((l) => l.line)).toEqual([1, 2, 3, 4, 5, 6]);
    // Read once: asking again gives the same objects (a chunk run again after a deadlock reuses them).
    expect(reader.read(2, 4)[0]).toBe(late[0]);
    expect(reader.read(6, 9)).toEqual([]);
    // Reading ahead reads the next lines not read yet, once.
    const ahead = new LineReader('LISTING_REVIEW', texts, bulkMutations.LISTING_REVIEW.shape);
    ahead.readAhead(2);
    const firstTwo = ahead.read(0, 2);
    ahead.readAhead(3);
    expect(ahead.read(0, 5)).toEqual(whole.slice(0, 5));
    expect(ahead.read(0, 1)[0]).toBe(firstTwo[0]);
  });

  it('reads only canonical listing ids (no leading zeros, spaces, exponents, nothing past 2^31-1) and finds every repeat among them', () => {
    // The reference: a positive integer in canonical decimal after "Listing:", and a repeat is an id seen on an earlier line.
    const reference = (suffixes: string[]) => {
      const seen = new Set<number>();
      return suffixes.map((suffix) => {
        const id = /^[1-9][0-9]*$/.test(suffix) ? Number(suffix) : NaN;
        if (!(id <= 2 ** 31 - 1)) return 'invalid';
        if (seen.has(id)) return 'repeat';
        seen.add(id);
        return id;
      });
    };
    const suffix = fc.oneof(
      fc.integer({ min: 1, max: 60 }).map(String),
      fc.constantFrom(
        '007',
        ' 12',
        '12 ',
        '1e3',
        '0x1A',
        '0',
        '-5',
        '',
        '2147483647',
        '2147483648',
        '4294967297',
        '9007199254740993',
        '1.5',
        '12a',
      ),
      fc.bigInt({ min: 1n, max: 2n ** 53n }).map(String),
    );
    fc.assert(
      fc.property(fc.array(suffix, { maxLength: 40 }), (suffixes) => {
        const lines = parseLines(
          'LISTING_REVIEW',
          suffixes.map((x) => JSON.stringify({ listingId: btoa(`Listing:${x}`), decision: 'APPROVE' })),
          bulkMutations.LISTING_REVIEW.shape,
        );
        const got = lines.map((line) => {
          const p = problems(line);
          if (!p) return line.listingId;
          return p[0]![1] === 'Not a valid Listing ID.'
            ? 'invalid'
            : p[0]![1] === 'This listing appears earlier in this bulk operation.'
              ? 'repeat'
              : p;
        });
        expect(got).toEqual(reference(suffixes));
      }),
      { numRuns: 300 },
    );
  });
});
