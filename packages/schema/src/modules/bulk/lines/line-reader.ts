import { createHash } from 'node:crypto';
import { ValidationError, type AppError, type FieldError } from '#lib/errors.ts';
import { parseGlobalId } from '#lib/ids.ts';

/** How long a line's idempotency key is kept (as for the `Idempotency-Key` header). */
export const LINE_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Line keys live in the idempotency table beside `Idempotency-Key` headers but never collide with
 * them: a header value cannot contain a newline, so no header key starts with this prefix.
 */
export const LINE_KEY_PREFIX = 'bulk\n';

/**
 * The lines of a JSONL text: split on "\n" (a "\r" before it is dropped). Blank lines at the very end
 * (a final newline) are not lines; a blank line anywhere else is a line, and fails as malformed.
 */
export function splitLines(text: string): string[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  while (lines.length && lines.at(-1)?.trim() === '') lines.pop();
  return lines;
}

/** A line read into its fields, before any rule runs. */
export interface ParsedLine {
  /** 1-based line number in the input. */
  line: number;
  /** The caller's per-line idempotency key, when valid. */
  idempotencyKey: string | null;
  /** SHA-256 over the mutation and the line without its key: the same key with another line is IDEMPOTENCY_KEY_REUSED. */
  hash: string | null;
  /** The listing the line names (every bulk mutation so far acts on one listing). */
  listingId: number | null;
  /** The mutation's input for this line; null when the line failed before any rule ran. */
  item: unknown;
  /** Why the line failed before any rule ran (malformed JSON, an invalid field, a repeated key or listing). */
  error: AppError | null;
  /** Whether the line sent `expectedVersion` (a CONFLICT then points at that field). */
  sentExpectedVersion: boolean;
}

type JsonObject = Record<string, unknown>;

/** Why a value is invalid: one entry per problem, `below` the path under the field (for values inside lists). */
export class Invalid {
  constructor(readonly problems: { message: string; below: string[] }[]) {}
}

function invalid(message: string, below: string[] = []): Invalid {
  return new Invalid([{ message, below }]);
}

/**
 * Reads one field of a line: returns its value, or an `Invalid` saying why. A valid value allocates
 * nothing beyond itself (a bulk operation reads tens of thousands of fields per chunk).
 */
export type FieldReader = (value: unknown) => unknown;

export interface LineShape {
  /** Input fields of the mutation (as in its GraphQL input type), each with its reader; `required` fields must be present and not null. */
  fields: Record<string, { read: FieldReader; required?: boolean }>;
  /** Fields the GraphQL mutation has but a bulk line may not use, with the reason. */
  refused?: Record<string, string>;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export const readers = {
  /** A global ID of `typename` (base64 of "Typename:id"), as the database id. */
  globalId(typename: string): FieldReader {
    const wrongType = `Give the ${typename}'s global ID as a string.`;
    const notValid = `Not a valid ${typename} ID.`;
    return (value) => {
      if (typeof value !== 'string') return invalid(wrongType);
      const id = parseGlobalId(value);
      return id && id.typename === typename ? id.id : invalid(notValid);
    };
  },
  enumOf(values: readonly string[]): FieldReader {
    const message = `One of ${values.join(', ')}.`;
    return (value) => (typeof value === 'string' && values.includes(value) ? value : invalid(message));
  },
  string: ((value) =>
    typeof value !== 'string'
      ? invalid('A string.')
      : value.includes('\0')
        ? invalid('Must not contain the NUL character (U+0000).')
        : value) satisfies FieldReader,
  /** A GraphQL Int: a whole number in 32 bits. */
  int: ((value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31
      ? value
      : invalid('A whole number (32-bit).')) satisfies FieldReader,
  /** A list of objects of the given shape (an input object type). */
  listOf(shape: LineShape): FieldReader {
    const compiled = compileShape(shape);
    return (value) => {
      if (!Array.isArray(value)) return invalid('A list.');
      const out: JsonObject[] = [];
      let problems: Invalid['problems'] | null = null;
      for (let i = 0; i < value.length; i++) {
        const read = readObject(value[i], compiled);
        if (read instanceof Invalid)
          for (const p of read.problems) (problems ??= []).push({ message: p.message, below: [String(i), ...p.below] });
        else out.push(read);
      }
      return problems ? new Invalid(problems) : out;
    };
  },
};

/** A shape as the reader walks it: its fields in order, and how to tell a field, a refused key and an unknown one apart. */
interface CompiledShape {
  fields: { key: string; read: FieldReader; required: boolean }[];
  /** The shape's fields, less any key it refuses (a refused key is reported as refused). */
  accepted: Set<string>;
  refused: Map<string, string>;
}

function compileShape(shape: LineShape): CompiledShape {
  const refused = new Map(Object.entries(shape.refused ?? {}));
  const fields = Object.entries(shape.fields).map(([key, f]) => ({ key, read: f.read, required: f.required === true }));
  return { fields, accepted: new Set(fields.map((f) => f.key).filter((k) => !refused.has(k))), refused };
}

/**
 * Reads an object of `shape` (ignoring the key `skip`): its fields, or every problem in order (unknown
 * and refused keys as they appear, then each field in the shape's order). A valid object costs a
 * set lookup per key and a read per field: the worker reads ten thousand of them per chunk.
 */
function readObject(value: unknown, shape: CompiledShape, skip?: string): JsonObject | Invalid {
  if (!isObject(value)) return invalid('An object.');
  let problems: Invalid['problems'] | null = null;
  for (const key in value) {
    if (key === skip || shape.accepted.has(key)) continue;
    const refused = shape.refused.get(key);
    (problems ??= []).push({ message: refused ?? `Unknown field "${key}".`, below: [key] });
  }
  const out: JsonObject = {};
  const fields = shape.fields;
  for (const field of fields) {
    const v = value[field.key];
    if (v === undefined || v === null) {
      if (field.required) (problems ??= []).push({ message: 'Required.', below: [field.key] });
      else out[field.key] = null;
      continue;
    }
    const read = field.read(v);
    if (read instanceof Invalid)
      for (const p of read.problems) (problems ??= []).push({ message: p.message, below: [field.key, ...p.below] });
    else out[field.key] = read;
  }
  return problems ? new Invalid(problems) : out;
}

/**
 * A set of positive integers (listing ids) sized for `capacity` of them: open addressing in an
 * Int32Array, about five times cheaper than a Set per id (a bulk operation checks ten thousand for
 * repeats); ids beyond 32 bits go to a Set.
 */
class IdSet {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private large: Set<number> | null = null;

  /** `capacity`: at most this many ids are ever added (one per line), so the table stays at most half full. */
  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** Adds `id`; false when it was there already. */
  add(id: number): boolean {
    if (!(id > 0 && id <= 0x7fffffff)) {
      const large = (this.large ??= new Set());
      if (large.has(id)) return false;
      large.add(id);
      return true;
    }
    const slots = this.slots;
    for (let h = Math.imul(id, 0x9e3779b1) & this.mask; ; h = (h + 1) & this.mask) {
      const v = slots[h];
      if (v === id) return false;
      if (v === 0) {
        slots[h] = id;
        return true;
      }
    }
  }
}

/**
 * Reads an operation's lines, in order and each once, only as far as asked: a chunk reads its next
 * batch of lines while the database writes the batch before (worker/chunk-runner.ts). Each line is a
 * JSON object: the mutation's input plus an optional `idempotencyKey`. Within one operation a key,
 * and a listing, may appear only once: a later line that repeats either fails with
 * VALIDATION_FAILED, judged against every line before it (so the outcome never depends on how the
 * worker splits the operation into chunks and batches).
 */
export class LineReader {
  private readonly keys = new Set<string>();
  private readonly listings: IdSet;
  private readonly parsed: ParsedLine[] = [];
  private readonly shape: CompiledShape;

  constructor(
    private readonly mutation: string,
    private readonly texts: readonly string[],
    shape: LineShape,
  ) {
    this.shape = compileShape(shape);
    this.listings = new IdSet(texts.length);
  }

  /** Reads the next `count` lines not read yet (ahead of the chunk that will ask for them), returning nothing. */
  readAhead(count: number): void {
    this.read(this.parsed.length, this.parsed.length + count);
  }

  /** Lines `from` to `to` (0-based, `to` excluded), reading every line before them first. */
  read(from: number, to: number): ParsedLine[] {
    const end = Math.min(to, this.texts.length);
    for (let i = this.parsed.length; i < end; i++) this.parsed.push(this.readLine(this.texts[i] ?? '', i));
    return this.parsed.slice(from, end);
  }

  private readLine(text: string, i: number): ParsedLine {
    const parsed: ParsedLine = {
      line: i + 1,
      idempotencyKey: null,
      hash: null,
      listingId: null,
      item: null,
      error: null,
      sentExpectedVersion: false,
    };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      parsed.error = new ValidationError([
        { path: [], message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` },
      ]);
      return parsed;
    }
    if (!isObject(value)) {
      parsed.error = ValidationError.field([], "A line is one JSON object: the mutation's input.");
      return parsed;
    }
    const errors: FieldError[] = [];
    const idempotencyKey = value.idempotencyKey;
    if (idempotencyKey !== undefined && idempotencyKey !== null) {
      if (typeof idempotencyKey !== 'string' || idempotencyKey.length < 1 || idempotencyKey.length > 255) {
        errors.push({ path: ['idempotencyKey'], message: 'An idempotency key is a string of 1–255 characters.' });
      } else if (idempotencyKey.includes('\0')) {
        errors.push({ path: ['idempotencyKey'], message: 'Must not contain the NUL character (U+0000).' });
      } else if (this.keys.has(idempotencyKey)) {
        errors.push({
          path: ['idempotencyKey'],
          message: 'This idempotency key appears earlier in this bulk operation.',
        });
      } else {
        this.keys.add(idempotencyKey);
        parsed.idempotencyKey = idempotencyKey;
      }
    }
    const item = readObject(value, this.shape, 'idempotencyKey');
    if (item instanceof Invalid) for (const p of item.problems) errors.push({ path: p.below, message: p.message });
    parsed.sentExpectedVersion = value.expectedVersion !== undefined && value.expectedVersion !== null;
    if (errors.length) {
      parsed.error = new ValidationError(errors);
      return parsed;
    }
    parsed.item = item;
    parsed.listingId = (item as { listingId: number }).listingId;
    if (!this.listings.add(parsed.listingId)) {
      parsed.error = ValidationError.field(['listingId'], 'This listing appears earlier in this bulk operation.');
      return parsed;
    }
    if (parsed.idempotencyKey)
      parsed.hash = createHash('sha256')
        .update(`${this.mutation}\n${JSON.stringify({ ...value, idempotencyKey: undefined })}`)
        .digest('hex');
    return parsed;
  }
}

/** Every line of an operation at once (see `LineReader`). */
export function parseLines(mutation: string, lines: readonly string[], shape: LineShape): ParsedLine[] {
  return new LineReader(mutation, lines, shape).read(0, lines.length);
}
