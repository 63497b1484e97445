/**
 * Compiled reads: a query operation answered by one SQL statement (`compileRead` → a `CompiledRead`
 * or a `Fallback` to the resolvers), partly when some of its fields are left to their resolvers
 * (`partial.ts`), and what fields declare to take part. See docs/performance.md.
 */
export {
  compileRead,
  executionValues,
  type CompiledRead,
  type CompileReadInput,
  type CompileReadResult,
  type Fallback,
  type ReadDependency,
} from './compile-read.ts';
export {
  callerAuthScopes,
  compiledConnection,
  compiledFirstRelated,
  compiledFromContext,
  compiledJson,
  compiledObject,
  compiledObjectList,
  compiledObjectRow,
  compiledRoot,
  compiledRow,
  compiledRowsByIds,
  changesAt,
  fromRowOnly,
  nextInstant,
  resolverReads,
  rowInput,
  rowInputs,
  type CompiledConnectionSpec,
  type CompiledRootSpec,
  type CompiledJsonOptions,
  type CompiledRowOptions,
  type RowsByIdsRead,
  type SqlField,
  type SqlObjectList,
  type SqlObjectRow,
  type SqlParent,
} from './annotations.ts';
export {
  bindPlan,
  planRead,
  residualKey,
  variableShape,
  type Candidate,
  type ReadPlan,
  type Slot,
  type VariableShape,
} from './lift.ts';
export {
  answerDeferredFields,
  answerDeferredLeaves,
  answerInPlace,
  compiledRootValue,
  type DeferredFields,
  type InPlaceField,
} from './partial.ts';
export { columnOf as sqlColumn, columnType as sqlColumnType, table as sqlTable } from './prisma-sql.ts';
export {
  base64Of,
  jsonDateTime,
  jsonDecimalFromMinor,
  jsonFromJsonb,
  jsonLiteral,
  jsonPlain,
  jsonString,
  jsonStringArray,
  resolversMustAnswer,
} from './json-sql.ts';
