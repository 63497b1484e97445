/**
 * The cost the API will charge for an operation, computed as the server computes it
 * (apps/api/src/query-analysis.ts) from the document, its variables and the schema's shape
 * (`src/generated/cost-schema.ts`): every field that returns an object costs 1, scalars are free,
 * and a list multiplies what it contains by its `first`/`last` (20 when neither is given, and for
 * a connection without them). Introspection and `__typename` are free.
 */

/** The schema as the API prices it: per object and interface type, its fields that return a composite type. */
export interface CostSchema {
  query: string | null;
  mutation: string | null;
  subscription: string | null;
  types: Record<string, Record<string, string>>;
}

/** A connection's page when `first`/`last` is not given (the server's default page size). */
export const DEFAULT_PAGE = 20;

type Value = { variable: string } | number | null;
interface Field {
  kind: 'field';
  name: string;
  /** `first` or `last`, the first of them given, when given. */
  size?: Value;
  selections?: Selection[];
}
interface InlineFragment {
  kind: 'inline';
  on: string | null;
  selections: Selection[];
}
interface Spread {
  kind: 'spread';
  name: string;
}
type Selection = Field | InlineFragment | Spread;
interface Operation {
  kind: 'query' | 'mutation' | 'subscription';
  name: string | null;
  defaults: Record<string, Value>;
  selections: Selection[];
}
interface ParsedDocument {
  operations: Operation[];
  fragments: Map<string, { on: string; selections: Selection[] }>;
}

// Punctuators, `...`, names, numbers and strings; whitespace, commas and comments are ignored.
const TOKEN =
  /[\s,\uFEFF]+|#[^\n\r]*|("""(?:\\"""|[^])*?"""|"(?:\\.|[^"\\\n\r])*")|(\.\.\.|[!$&():=@[\]{|}])|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([_A-Za-z][_0-9A-Za-z]*)|([^])/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(source); m; m = TOKEN.exec(source)) {
    if (m[6] !== undefined) throw new SyntaxError(`Unexpected character ${m[6]}`);
    // Strings keep their quote so they never read as names; the cost never needs their content.
    const token = m[1] !== undefined ? '"' : (m[2] ?? m[3] ?? m[4]);
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}

/** Parses the executable definitions of a document, keeping only what the cost depends on; throws on anything else. */
export function parseForCost(source: string): ParsedDocument {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const token = tokens[i];
    if (token === undefined) throw new SyntaxError('Unexpected end of document');
    i++;
    return token;
  };
  const expect = (token: string) => {
    const got = next();
    if (got !== token) throw new SyntaxError(`Expected ${token}, found ${got}`);
  };
  const isName = (token: string | undefined) => !!token && /^[_A-Za-z]/.test(token);
  const name = () => {
    const token = next();
    if (!isName(token)) throw new SyntaxError(`Expected a name, found ${token}`);
    return token;
  };
  // Only numbers and variables matter to the cost; any other value is "not a number".
  const value = (): Value => {
    const token = next();
    if (token === '$') return { variable: name() };
    if (token === '[' || token === '{') {
      const close = token === '[' ? ']' : '}';
      while (peek() !== close) {
        if (token === '{') {
          name();
          expect(':');
        }
        value();
      }
      next();
      return null;
    }
    if (/^-?\d/.test(token)) return Number(token);
    if (token === '"' || isName(token)) return null;
    throw new SyntaxError(`Unexpected ${token}`);
  };
  const args = (): Value | undefined => {
    let size: Value | undefined;
    if (peek() !== '(') return size;
    next();
    while (peek() !== ')') {
      const arg = name();
      expect(':');
      const v = value();
      if ((arg === 'first' || arg === 'last') && size === undefined) size = v;
    }
    next();
    return size;
  };
  const directives = () => {
    while (peek() === '@') {
      next();
      name();
      args();
    }
  };
  const type = () => {
    if (peek() === '[') {
      next();
      type();
      expect(']');
    } else name();
    if (peek() === '!') next();
  };
  const selectionSet = (): Selection[] => {
    expect('{');
    const selections: Selection[] = [];
    while (peek() !== '}') {
      if (peek() === '...') {
        next();
        if (peek() === 'on') {
          next();
          const on = name();
          directives();
          selections.push({ kind: 'inline', on, selections: selectionSet() });
        } else if (isName(peek())) {
          selections.push({ kind: 'spread', name: name() });
          directives();
        } else {
          directives();
          selections.push({ kind: 'inline', on: null, selections: selectionSet() });
        }
        continue;
      }
      let fieldName = name();
      if (peek() === ':') {
        next();
        fieldName = name();
      }
      const field: Field = { kind: 'field', name: fieldName };
      const size = args();
      if (size !== undefined) field.size = size;
      directives();
      if (peek() === '{') field.selections = selectionSet();
      selections.push(field);
    }
    next();
    return selections;
  };

  const document: ParsedDocument = { operations: [], fragments: new Map() };
  while (i < tokens.length) {
    const token = peek();
    if (token === '{') {
      document.operations.push({ kind: 'query', name: null, defaults: {}, selections: selectionSet() });
    } else if (token === 'query' || token === 'mutation' || token === 'subscription') {
      next();
      const operation: Operation = { kind: token, name: isName(peek()) ? name() : null, defaults: {}, selections: [] };
      if (peek() === '(') {
        next();
        while (peek() !== ')') {
          expect('$');
          const variable = name();
          expect(':');
          type();
          if (peek() === '=') {
            next();
            operation.defaults[variable] = value();
          }
          directives();
        }
        next();
      }
      directives();
      operation.selections = selectionSet();
      document.operations.push(operation);
    } else if (token === 'fragment') {
      next();
      const fragmentName = name();
      expect('on');
      const on = name();
      directives();
      document.fragments.set(fragmentName, { on, selections: selectionSet() });
    } else {
      throw new SyntaxError(`Unexpected ${token}`);
    }
  }
  return document;
}

/**
 * The cost the API will charge for `operationName` (or the first operation) of `document`, or
 * null when the document cannot be parsed or names no such operation (the server refuses those
 * without charging).
 */
export function estimateCost(
  schema: CostSchema,
  document: string | ParsedDocument,
  variables?: Record<string, unknown> | null,
  operationName?: string | null,
): number | null {
  let parsed: ParsedDocument;
  try {
    parsed = typeof document === 'string' ? parseForCost(document) : document;
  } catch {
    return null;
  }
  const operation = parsed.operations.find((o) => !operationName || o.name === operationName);
  if (!operation) return null;
  const root = schema[operation.kind];
  if (!root) return null;
  const vars: Record<string, unknown> = { ...operation.defaults };
  // As JSON sends them: a variable set to `undefined` is left out (and keeps its default).
  for (const [k, v] of Object.entries(variables ?? {})) if (v !== undefined) vars[k] = v;
  const sizeOf = (value: Value | undefined): unknown =>
    value && typeof value === 'object' ? vars[value.variable] : value;

  const measured = new Map<string, number | null>();
  const fragment = (fragmentName: string): number => {
    const known = measured.get(fragmentName);
    if (known !== undefined) return known ?? 0;
    const def = parsed.fragments.get(fragmentName);
    if (!def) return 0;
    measured.set(fragmentName, null);
    const cost = measure(def.selections, def.on);
    measured.set(fragmentName, cost);
    return cost;
  };
  const measure = (selections: Selection[], parent: string): number => {
    let total = 0;
    for (const selection of selections) {
      if (selection.kind === 'inline') total += measure(selection.selections, selection.on ?? parent);
      else if (selection.kind === 'spread') total += fragment(selection.name);
      else {
        const type = schema.types[parent]?.[selection.name];
        if (!type || !selection.selections) continue;
        let multiplier = 1;
        if (selection.size !== undefined) {
          const size = sizeOf(selection.size);
          multiplier = typeof size === 'number' && size > 0 ? size : DEFAULT_PAGE;
        } else if (type.endsWith('Connection')) multiplier = DEFAULT_PAGE;
        total += 1 + multiplier * measure(selection.selections, type);
      }
    }
    return total;
  };
  return measure(operation.selections, root);
}
