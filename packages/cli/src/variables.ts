import { Kind, type DocumentNode, type OperationDefinitionNode, type TypeNode } from 'graphql';
import { CliError, EXIT } from './errors.ts';

/** The named type under any list and non-null wrappers, and whether a list wraps it. */
function unwrap(type: TypeNode): { name: string; list: boolean } {
  let list = false;
  let current = type;
  while (current.kind !== Kind.NAMED_TYPE) {
    if (current.kind === Kind.LIST_TYPE) list = true;
    current = current.type;
  }
  return { name: current.name.value, list };
}

/** The operation `name` picks (the only one when unnamed), or a usage error naming the choices. */
export function selectOperation(document: DocumentNode, name: string | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const names = operations.map((o) => o.name?.value ?? '(anonymous)');
  if (name) {
    const found = operations.find((o) => o.name?.value === name);
    if (!found)
      throw new CliError(
        'UNKNOWN_OPERATION',
        `No operation "${name}" in the document (it has: ${names.join(', ')}).`,
        EXIT.USAGE,
      );
    return found;
  }
  const [only] = operations;
  if (!only || operations.length !== 1)
    throw new CliError(
      operations.length ? 'OPERATION_NAME_REQUIRED' : 'NO_OPERATION',
      operations.length
        ? `The document has ${operations.length} operations (${names.join(', ')}): pick one with --operation <name>.`
        : 'The document has no operation.',
      EXIT.USAGE,
    );
  return only;
}

/**
 * Variables from `--var key=value` pairs. A value is parsed as JSON (`5`, `true`, `null`, `["a"]`, `{"a":1}`) and
 * kept as a string when it is not JSON; a variable the operation declares as a String or ID (not a list) always
 * stays a string, so `--var id=42` sends "42". `a.b=v` sets `{ a: { b: v } }`.
 */
export function parseVariables(pairs: readonly string[], operation?: OperationDefinitionNode): Record<string, unknown> {
  const declared = new Map(
    (operation?.variableDefinitions ?? []).map((d) => [d.variable.name.value, unwrap(d.type)] as const),
  );
  const variables: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError('INVALID_VARIABLE', `--var "${pair}" is not key=value.`, EXIT.USAGE);
    const name = pair.slice(0, eq);
    const path = name.split('.');
    const dot = name.indexOf('.');
    const head = dot < 0 ? name : name.slice(0, dot);
    const raw = pair.slice(eq + 1);
    if (path.some((p) => !p)) throw new CliError('INVALID_VARIABLE', `--var "${pair}": empty name part.`, EXIT.USAGE);
    const type = path.length === 1 ? declared.get(head) : undefined;
    if (operation && !declared.has(head))
      throw new CliError(
        'UNKNOWN_VARIABLE',
        `--var ${head}: the operation declares no $${head} (it declares: ${[...declared.keys()].map((k) => `$${k}`).join(', ') || 'none'}).`,
        EXIT.USAGE,
      );
    let value: unknown = raw;
    if (!(type && !type.list && (type.name === 'String' || type.name === 'ID'))) {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    let target = variables;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (next === undefined) target = target[key] = {} as Record<string, unknown>;
      else if (next && typeof next === 'object' && !Array.isArray(next)) target = next as Record<string, unknown>;
      else throw new CliError('INVALID_VARIABLE', `--var "${pair}": ${key} is already set to a value.`, EXIT.USAGE);
    }
    target[name.slice(name.lastIndexOf('.') + 1)] = value;
  }
  return variables;
}
