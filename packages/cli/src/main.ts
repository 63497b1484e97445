import { Command, CommanderError, Option } from 'commander';
import { bulkCommand } from './commands/bulk.ts';
import { convertCommand } from './commands/convert.ts';
import { queryCommand } from './commands/query.ts';
import { shopsCommand } from './commands/shops.ts';
import { DEFAULT_ENDPOINT } from './config.ts';
import { defaultIo, VERSION, type Io } from './context.ts';
import { describeError, EXIT } from './errors.ts';

export function createProgram(io: Io): Command {
  const program = new Command('shopwarden')
    .description('The ShopWarden API from the command line: bulk operations, queries, CSV to JSONL.')
    .version(VERSION, '-V, --version')
    .addOption(new Option('-p, --profile <name>', 'a profile of the config file (~/.config/shopwarden/config.json)'))
    .addOption(
      new Option(
        '--endpoint <url>',
        `the GraphQL endpoint (default: SHOPWARDEN_ENDPOINT, the profile's, or ${DEFAULT_ENDPOINT})`,
      ),
    )
    .showHelpAfterError('(run with --help for usage)')
    // Subcommands inherit these (set before they are added): usage errors come back here as exit code 2.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .addHelpText(
      'after',
      `
The API key comes from SHOPWARDEN_API_KEY or a profile of the config file; docs/cli.md has the details.`,
    );
  bulkCommand(program, io);
  queryCommand(program, io);
  shopsCommand(program, io);
  convertCommand(program, io);
  return program;
}

/** Runs the CLI and resolves to its exit code; expected errors are one line on stderr, never a stack trace. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help or version, which exit 0).
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const known = describeError(error);
    if (known) {
      const [first, ...rest] = known.lines;
      io.stderr.write(`shopwarden: ${first}\n${rest.map((l) => `  ${l}\n`).join('')}`);
      return known.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      io.env.SHOPWARDEN_DEBUG
        ? `shopwarden: unexpected error: ${error instanceof Error ? error.stack : message}\n`
        : `shopwarden: unexpected error: ${message} (SHOPWARDEN_DEBUG=1 prints the stack)\n`,
    );
    return EXIT.UNEXPECTED;
  }
}
