/**
 * Plans that outlive their variables' values: an `Int` page size or a global `ID` becomes a
 * statement parameter when compiling with other values of the same kind moves only that
 * parameter (docs/performance.md#plans-are-reused); everything else stays in the plan's key.
 */
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { compileRead, type CompiledRead, type CompileReadInput, type CompileReadResult } from './compile-read.ts';

/** An `Int` variable in this range may be lifted (every connection's maxSize is at least the top). */
const INT_LOW = 1;
const INT_HIGH = 100;
const INT4_MAX = 2 ** 31 - 1;
/** Probe values stay distinct per candidate (1 + i and INT_HIGH - i) only below this many. */
const MAX_CANDIDATES = 40;

/** A variable whose value may become a parameter: its kind stands in the key for its value. */
export type Candidate = { name: string; kind: 'int' } | { name: string; kind: 'gid'; typename: string };

/** Where a lifted variable's value goes: `values[index]` is the int plus `offset`, or the global ID's row id. */
export interface Slot {
  index: number;
  variable: string;
  kind: Candidate['kind'];
  offset: number;
}

export interface ReadPlan {
  /** The compilation with the real values (answers the request that compiled it). */
  result: CompileReadResult;
  /** Candidates whose values are parameters of `result` (none when it fell back or probing was off). */
  lifted: readonly string[];
  slots: readonly Slot[];
}

export interface VariableShape {
  /**
   * What any plan for these variables depends on: the values of every variable of the operation,
   * a candidate's kind (Int in range; ID canonical, with its typename) in place of its value.
   */
  key: string;
  candidates: readonly Candidate[];
}

const operations = new WeakMap<DocumentNode, Map<string, OperationDefinitionNode | null>>();

/** The operation `compileRead` would pick (the named one, else the only one), or null. */
function operationOf(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | null {
  let byName = operations.get(document);
  if (!byName) operations.set(document, (byName = new Map()));
  const name = operationName ?? '';
  let operation = byName.get(name);
  if (operation === undefined) {
    const defs = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    operation =
      (operationName ? defs.find((d) => d.name?.value === operationName) : defs.length === 1 ? defs[0] : null) ?? null;
    byName.set(name, operation);
  }
  return operation;
}

/** The typename of a global ID spelled exactly as the relay plugin encodes `Type:<int4 id>`, else null. */
function gidTypename(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 120) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const [, typename, id] = /^([A-Za-z_][A-Za-z0-9_]*):([1-9][0-9]{0,9})$/.exec(decoded) ?? [];
  if (typename === undefined || Number(id) > INT4_MAX) return null;
  return Buffer.from(decoded, 'utf8').toString('base64') === value ? typename : null;
}

const gidRowId = (value: string) => Number(Buffer.from(value, 'base64').toString('utf8').split(':')[1]);

/** The plan key's part for the variables, and which of them may be lifted. */
export function variableShape(
  document: DocumentNode,
  operationName: string | null | undefined,
  values: Readonly<Record<string, unknown>>,
): VariableShape {
  const operation = operationOf(document, operationName);
  if (!operation) return { key: JSON.stringify(values), candidates: [] };
  const parts: string[] = [];
  const candidates: Candidate[] = [];
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const value = values[name];
    const type = def.type.kind === Kind.NON_NULL_TYPE ? def.type.type : def.type;
    const named = type.kind === Kind.NAMED_TYPE ? type.name.value : null;
    const typename = named === 'ID' ? gidTypename(value) : null;
    if (named === 'Int' && Number.isInteger(value) && (value as number) >= INT_LOW && (value as number) <= INT_HIGH) {
      candidates.push({ name, kind: 'int' });
      parts.push('#int');
    } else if (typename !== null) {
      candidates.push({ name, kind: 'gid', typename });
      parts.push(`#gid:${typename}`);
    } else parts.push(value === undefined ? '-' : JSON.stringify(value));
  }
  return { key: parts.join('\u0000'), candidates };
}

/** The values of the candidates not in `lifted` (what a plan lifting `lifted` is keyed by, besides the shape). */
export function residualKey(
  shape: VariableShape,
  lifted: readonly string[],
  values: Readonly<Record<string, unknown>>,
): string {
  return shape.candidates
    .filter((c) => !lifted.includes(c.name))
    .map((c) => JSON.stringify(values[c.name]))
    .join('\u0000');
}

/** Probe values of candidate `i`: the range's ends, distinct per candidate, the typename kept. */
function probe(candidate: Candidate, i: number, end: 0 | 1): unknown {
  if (candidate.kind === 'int') return end === 0 ? INT_LOW + i : INT_HIGH - i;
  return Buffer.from(`${candidate.typename}:${end === 0 ? 1 + i : INT4_MAX - i}`, 'utf8').toString('base64');
}

/** The number a candidate's value puts into a parameter before any offset. */
const base = (candidate: Candidate, value: unknown) =>
  candidate.kind === 'int' ? (value as number) : gidRowId(value as string);

const sameRead = (a: CompiledRead, b: CompiledRead) =>
  a.text === b.text &&
  a.values.length === b.values.length &&
  a.returnsShops === b.returnsShops &&
  JSON.stringify([...a.models].sort()) === JSON.stringify([...b.models].sort()) &&
  JSON.stringify(a.dependencies) === JSON.stringify(b.dependencies);

/**
 * Compiles with the real values, and (when `probe`) twice more with every candidate at the ends of
 * its kind. A candidate is lifted only when the three statements are the same text and every
 * parameter that differs is, in all three, exactly one candidate's value (an int plus one fixed
 * offset, a global ID's row id); any other difference lifts nothing.
 */
export async function planRead(
  input: CompileReadInput,
  shape: VariableShape,
  options: { probe: boolean; compile?: (input: CompileReadInput) => Promise<CompileReadResult> },
): Promise<ReadPlan> {
  const compile = options.compile ?? compileRead;
  const result = await compile(input);
  const { candidates } = shape;
  const none: ReadPlan = { result, lifted: [], slots: [] };
  if (!result.ok || !options.probe || !candidates.length || candidates.length > MAX_CANDIDATES) return none;
  const real = input.variableValues ?? {};
  const probes: Record<string, unknown>[] = [0, 1].map((end) => {
    const values = { ...real };
    candidates.forEach((c, i) => (values[c.name] = probe(c, i, end as 0 | 1)));
    return values;
  });
  const reads: CompiledRead[] = [result.read];
  for (const values of probes) {
    const probed = await compile({ ...input, variableValues: values });
    if (!probed.ok || !sameRead(result.read, probed.read)) return none;
    reads.push(probed.read);
  }
  const runs = [real, ...probes];
  const slots: Slot[] = [];
  for (let index = 0; index < result.read.values.length; index++) {
    const seen = reads.map((r) => r.values[index]);
    if (seen.every((v) => v === seen[0])) continue;
    if (!seen.every((v) => typeof v === 'number')) return none;
    const matches: Slot[] = [];
    for (const c of candidates) {
      const offset = (seen[0] as number) - base(c, real[c.name]);
      if (c.kind === 'gid' && offset !== 0) continue;
      if (runs.every((values, r) => seen[r] === base(c, values[c.name]) + offset))
        matches.push({ index, variable: c.name, kind: c.kind, offset });
    }
    const [slot, ...others] = matches;
    if (!slot || others.length) return none;
    slots.push(slot);
  }
  const lifted = candidates.map((c) => c.name).filter((name) => slots.some((s) => s.variable === name));
  return { result, lifted, slots };
}

/** The plan's statement with this request's values in its slots (the plan itself when it has none). */
export function bindPlan(plan: ReadPlan, values: Readonly<Record<string, unknown>>): CompileReadResult {
  if (!plan.slots.length || !plan.result.ok) return plan.result;
  const read = plan.result.read;
  const bound = [...read.values];
  for (const slot of plan.slots) {
    const value = values[slot.variable];
    bound[slot.index] = (slot.kind === 'int' ? (value as number) : gidRowId(value as string)) + slot.offset;
  }
  return { ok: true, read: { ...read, values: bound } };
}
