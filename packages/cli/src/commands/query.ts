import { readFileSync } from 'node:fs';
import { GraphQLError, OperationTypeNode, parse } from 'graphql';
import type { Command } from 'commander';
import { clientFor, jsonDocument, type Io } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseVariables, selectOperation } from '../variables.ts';
import { collect, parseJsonOption } from './options.ts';

interface QueryOptions {
  file?: string;
  query?: string;
  var: string[];
  variables?: Record<string, unknown>;
  operation?: string;
  raw?: boolean;
}

/** The root fields of a mutation's answer that are typed errors (`... on Error { code message }`). */
function typedErrors(data: Record<string, unknown>): { field: string; code: string; message: string }[] {
  return Object.entries(data).flatMap(([field, value]) => {
    const v = value as { __typename?: unknown; code?: unknown; message?: unknown } | null;
    return v &&
      typeof v.code === 'string' &&
      typeof v.message === 'string' &&
      !String(v.__typename ?? '').endsWith('Success')
      ? [{ field, code: v.code, message: v.message }]
      : [];
  });
}

export function queryCommand(program: Command, io: Io): void {
  program
    .command('query')
    .description('Run a GraphQL document and print the JSON answer')
    .option('-f, --file <path>', 'the document (a .graphql file; - for standard input)')
    .option('-q, --query <document>', 'the document as text')
    .option(
      '--var <key=value>',
      'a variable; the value is JSON, or else a string (repeatable; a.b=v nests)',
      collect,
      [],
    )
    .option(
      '--variables <json>',
      'variables as a JSON object (--var pairs are set on top)',
      parseJsonOption('--variables'),
    )
    .option('-o, --operation <name>', 'the operation to run when the document has several')
    .option('--raw', 'print the whole response ({data, errors, extensions}) and exit 0 even with errors')
    .addHelpText(
      'after',
      `
Examples:
  $ shopwarden query -f shop.graphql --var id=U2hvcDox
  $ shopwarden query -q 'query($first: Int) { shops(first: $first) { edges { node { name } } } }' --var first=3`,
    )
    .action(async (opts: QueryOptions, command: Command) => {
      if (!!opts.file === !!opts.query)
        throw new CliError('USAGE', 'Give the document with exactly one of -f <file> or -q <document>.', EXIT.USAGE);
      const source = opts.file ?? 'the --query text';
      let text = opts.query ?? '';
      if (opts.file) {
        try {
          text = readFileSync(opts.file === '-' ? 0 : opts.file, 'utf8');
        } catch (error) {
          throw new CliError('FILE_UNREADABLE', `Cannot read ${opts.file}: ${(error as Error).message}`, EXIT.USAGE);
        }
      }
      let operation;
      try {
        operation = selectOperation(parse(text), opts.operation);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        const at = error.locations?.[0];
        throw new CliError(
          'GRAPHQL_PARSE_FAILED',
          `${source}${at ? `:${at.line}:${at.column}` : ''}: ${error.message}`,
          EXIT.USAGE,
        );
      }
      const variables = { ...opts.variables, ...parseVariables(opts.var, operation) };
      const client = clientFor(command.optsWithGlobals(), io);
      const response = await client.request(text, variables, opts.operation ? { operationName: opts.operation } : {});
      if (opts.raw) {
        io.stdout.write(
          jsonDocument({ data: response.data, errors: response.errors, extensions: response.extensions }),
        );
        return;
      }
      if (response.data != null) io.stdout.write(jsonDocument(response.data));
      const errors = response.errors ?? [];
      const first = errors[0];
      if (first) {
        const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'GRAPHQL_ERROR';
        const more = errors.length > 1 ? ` (and ${errors.length - 1} more error(s); --raw shows them)` : '';
        const path = first.path?.length ? ` at ${first.path.join('.')}` : '';
        throw new CliError(code, `${first.message}${path}${more}`, EXIT.API_ERROR);
      }
      if (operation.operation === OperationTypeNode.MUTATION && response.data) {
        const [refused] = typedErrors(response.data as Record<string, unknown>);
        if (refused) throw new CliError(refused.code, `${refused.field}: ${refused.message}`, EXIT.API_ERROR);
      }
    });
}
