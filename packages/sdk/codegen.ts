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
  },
};

export default config;
