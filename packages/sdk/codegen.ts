import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types and documents for the SDK, from the committed schema and operations/*.graphql.
 * Every operation is validated against the schema here: an operation that no longer matches
 * fails `npm run generate` and therefore `npm run build`.
 */
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['operations/*.graphql'],
  emitLegacyCommonJSImports: false,
  hooks: {},
  generates: {
    'src/generated/types.ts': {
      plugins: [{ './codegen/sdk-operations-plugin.mjs': { header: true } }, 'typescript-operations'],
      config: {
        enumType: 'string-literal',
        strictScalars: true,
        scalars: {
          ID: 'string',
          DateTime: 'string',
          Date: 'string',
          CountryCode: 'string',
          CurrencyCode: 'string',
          JSON: 'unknown',
        },
        defaultScalarType: 'unknown',
        useTypeImports: true,
        avoidOptionals: false,
        immutableTypes: false,
      },
    },
    'src/generated/operations.ts': {
      plugins: ['./codegen/sdk-operations-plugin.mjs'],
    },
    // Apollo Client's `possibleTypes`: which object types each union and interface may be.
    'src/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { useExplicitTyping: true },
    },
    // The schema as the API prices it: the client computes each operation's cost before sending it.
    'src/generated/cost-schema.ts': {
      plugins: ['./codegen/cost-schema-plugin.mjs'],
    },
    // The SDK's documents by sha256, registered with the API as trusted documents.
    'persisted-documents.json': {
      plugins: [{ './codegen/sdk-operations-plugin.mjs': { persistedDocuments: true } }],
    },
  },
};

export default config;
