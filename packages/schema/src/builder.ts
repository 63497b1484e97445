import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import { getDatamodel, type PrismaTypes } from '@shopwarden/db';
import { DateResolver, DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Context } from './context.ts';
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from './lib/errors.ts';
import { parseGlobalId } from './lib/ids.ts';
import InputGuardPlugin from './lib/input-guard.ts';
import { reachableNodes } from './lib/node-reach.ts';
import { hasScope } from './modules/auth/viewer.ts';
import { CountryCodeScalar, CurrencyCodeScalar } from './lib/scalars.ts';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    CurrencyCode: { Input: string; Output: string };
    CountryCode: { Input: string; Output: string };
    ID: { Input: string; Output: string | number };
  };
  AuthScopes: {
    authenticated: boolean;
    admin: boolean;
    seller: boolean;
    scope: string;
  };
}>({
  // The input guard sits inside the errors plugin (its refusals are a mutation's typed errors) and before every other.
  plugins: [ErrorsPlugin, InputGuardPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin, SimpleObjectsPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      authenticated: ctx.viewer !== null,
      admin: ctx.viewer?.role === 'ADMIN',
      seller: ctx.viewer?.role === 'SELLER',
      scope: (scope: string) => hasScope(ctx.viewer, scope),
    }),
    unauthorizedError: (_parent, ctx) =>
      new ForbiddenError(
        ctx.viewer ? 'Your API key is not allowed to do this.' : 'Send an API key: Authorization: Bearer <key>.',
      ),
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    // 'warn', not 'error': a resolver that returns null for an absent optional relation never touches its query.
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    clientMutationId: 'omit',
    // The input guard refuses a non-canonical ID with its path first; this holds wherever else an ID is decoded.
    decodeGlobalID: (globalID) => {
      const decoded = parseGlobalId(globalID);
      if (!decoded) throw ValidationError.field([], 'Not a global ID, as the API returns it.');
      return { typename: decoded.typename, id: String(decoded.id) };
    },
    cursorType: 'String',
    nodeTypeOptions: {
      description: 'An object with a globally unique ID: pass it to `node` or `nodes` to refetch it.',
    },
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list.' },
    nodeQueryOptions: {
      description:
        'Fetches any object by its global ID; null when it does not exist, is outside your reach or is of a type your key lacks the read scope for.',
      resolve: async (_root, { id }, ctx, info, resolveNode) =>
        (await reachableNodes(info.schema, ctx, [id]))[0] ? resolveNode(id) : null,
    },
    nodesQueryOptions: {
      description:
        'Fetches objects by global IDs, in the order given; null for each one that does not exist, is outside your reach or is of a type your key lacks the read scope for.',
      args: { ids: { maxItems: 100, description: 'Global IDs, as the API returns them.' } },
      resolve: async (_root, args, ctx, info, resolveNodes) => {
        const wanted = args.ids;
        const reachable = await reachableNodes(info.schema, ctx, wanted);
        // The relay plugin's resolveNodes callback ignores its argument and loads `args.ids`,
        // so narrow `args.ids` itself to the reachable IDs before calling it.
        args.ids = wanted.filter((_, i) => reachable[i]);
        const found = args.ids.length ? await resolveNodes(args.ids) : [];
        let next = 0;
        return wanted.map((_, i) => (reachable[i] ? (found[next++] ?? null) : null));
      },
    },
    idFieldOptions: { description: 'Globally unique ID: pass it to `node` to refetch this object.' },
    defaultConnectionTypeOptions: { description: 'A page of results (Relay connection).' },
    defaultEdgeTypeOptions: { description: 'One result and its cursor.' },
  },
  errors: {
    defaultTypes: [ValidationError, NotFoundError, ForbiddenError, ConflictError, InvalidStateError],
    directResult: true,
    // The input guard's refusals (thrown before the arguments are mapped) become the mutation's typed errors.
    unsafelyHandleInputErrors: true,
    defaultUnionOptions: {
      description:
        'The result of a mutation: its success type, or one of the typed errors that implement `Error` (nothing was changed).',
      name: ({ fieldName }) => `${capitalize(fieldName)}Result`,
    },
    defaultResultOptions: {
      name: ({ fieldName }) => `${capitalize(fieldName)}Success`,
    },
  },
});

builder.addScalarType('DateTime', DateTimeResolver, {
  description: 'An instant in UTC, as an ISO 8601 string: "2024-02-07T00:00:00.000Z".',
});
builder.addScalarType('Date', DateResolver, {
  description: 'A calendar day in UTC, as an ISO 8601 date: "2024-02-07" (input: midnight UTC of that day).',
});
builder.addScalarType('JSON', JSONResolver, {
  description: 'Arbitrary JSON (used only for free-form records such as questionnaire answers).',
});
builder.addScalarType('CurrencyCode', CurrencyCodeScalar);
builder.addScalarType('CountryCode', CountryCodeScalar);

builder.queryType({ description: 'Everything you can read. Every list is a Relay connection.' });
builder.mutationType({
  description:
    'Everything you can change. Each mutation takes one `input` and returns a union of its success type and typed errors.',
});
builder.subscriptionType({
  description:
    'Events pushed to you over Server-Sent Events: POST the subscription to /graphql with `Accept: text/event-stream` (GraphQL over SSE, "distinct connections" mode); each event is one `next` message with the usual `data` / `errors`, and the stream ends with `complete`. Authenticated like any request.',
});
