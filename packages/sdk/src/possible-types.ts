import introspection from './generated/possible-types.ts';

/**
 * Which object types each union and interface of the schema may be, for Apollo Client's cache:
 * `new InMemoryCache({ possibleTypes })`. Without it Apollo cannot match `... on Error` against a
 * result union member and drops those fields.
 */
export const possibleTypes: Record<string, string[]> = introspection.possibleTypes;
