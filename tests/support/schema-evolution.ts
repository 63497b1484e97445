import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';

export const API_PACKAGE = '@shopwarden/api';

/** What `@changesets/read` returns for one pending changeset. */
export interface NewChangeset {
  id: string;
  summary: string;
  releases: { name: string; type: 'major' | 'minor' | 'patch' | 'none' }[];
}

/** A breaking change the pending changesets do not allow, and what to do about it. */
export interface EvolutionProblem {
  coordinate: string;
  change: string;
  problem: string;
}

/** Schema coordinates (`Type.field`, `Enum.VALUE`, `Type.field.arg`) named by `Breaking:` lines of a changeset summary. */
export function declaredCoordinates(summary: string): string[] {
  return [...summary.matchAll(/^\s*[-*]?\s*Breaking:\s*`?([A-Za-z_][\w.]*)`?/gim)].map((m) => m[1]!.replace(/\.$/, ''));
}

/** A changeset may declare breaking API changes when it bumps the API by major (or minor while it is 0.x). */
function mayBreak(changeset: NewChangeset, apiVersion: string): boolean {
  const release = changeset.releases.find((r) => r.name === API_PACKAGE);
  if (!release) return false;
  return release.type === 'major' || (apiVersion.startsWith('0.') && release.type === 'minor');
}

const REMOVALS = new Set<string>([
  'FIELD_REMOVED',
  'ENUM_VALUE_REMOVED',
  'INPUT_FIELD_REMOVED',
  'FIELD_ARGUMENT_REMOVED',
]);

/** The deprecation reason of a field, argument, input field or enum value in `schema`, or null. */
function deprecationOf(schema: GraphQLSchema, coordinate: string): string | null {
  const [typeName, member, argName] = coordinate.split('.');
  const type = schema.getType(typeName ?? '');
  if (!type || !member) return null;
  if (isEnumType(type)) return type.getValue(member)?.deprecationReason ?? null;
  if (isInputObjectType(type)) return type.getFields()[member]?.deprecationReason ?? null;
  if (isObjectType(type) || isInterfaceType(type)) {
    const field = type.getFields()[member];
    if (!field) return null;
    if (!argName) return field.deprecationReason ?? null;
    return field.args.find((a) => a.name === argName)?.deprecationReason ?? null;
  }
  return null;
}

/**
 * The breaking changes from the released schema to the current one that the pending changesets
 * do not declare, and removals of anything not deprecated in the released schema (refused even
 * when declared).
 */
export async function checkSchemaEvolution(
  releasedSdl: string,
  currentSdl: string,
  changesets: NewChangeset[],
  apiVersion: string,
): Promise<{ breaking: Change[]; problems: EvolutionProblem[] }> {
  const released = buildSchema(releasedSdl);
  const changes = await diff(released, buildSchema(currentSdl));
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  const declared = new Set(
    changesets.filter((c) => mayBreak(c, apiVersion)).flatMap((c) => declaredCoordinates(c.summary)),
  );
  const bump = apiVersion.startsWith('0.') ? 'minor' : 'major';
  const problems: EvolutionProblem[] = [];
  for (const change of breaking) {
    const coordinate = change.path ?? change.type;
    if (REMOVALS.has(change.type) && !deprecationOf(released, coordinate)) {
      problems.push({
        coordinate,
        change: change.message,
        problem: `${coordinate} is not @deprecated in the released schema: deprecate it in a release first, remove it in a later one.`,
      });
    } else if (!declared.has(coordinate)) {
      problems.push({
        coordinate,
        change: change.message,
        problem: `undeclared: add a changeset bumping '${API_PACKAGE}': ${bump} with the line "Breaking: ${coordinate} …".`,
      });
    }
  }
  return { breaking, problems };
}
