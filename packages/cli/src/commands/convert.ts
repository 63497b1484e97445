import { readFileSync, writeFileSync } from 'node:fs';
import { toJsonl, type BulkMutation } from '@shopwarden/sdk';
import { Option, type Command } from 'commander';
import { BULK_MUTATIONS, csvToLines } from '../convert.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Io } from '../context.ts';

export function convertCommand(program: Command, io: Io): void {
  program
    .command('convert')
    .description('Convert a listings CSV file to the JSONL lines of a bulk operation')
    .argument('<file>', 'the CSV file, a header row first (- for standard input)')
    .addOption(
      new Option(
        '-m, --mutation <mutation>',
        "the lines' mutation (default: LISTING_REVIEW with a decision column, else LISTING_SUBMIT)",
      ).choices(BULK_MUTATIONS),
    )
    .option('--output <file>', 'write the lines to this file instead of standard output')
    .addHelpText(
      'after',
      `
Columns (header names are matched ignoring case, spaces, _ and -):
  LISTING_SUBMIT  listingId, idempotencyKey
  LISTING_REVIEW  listingId, decision (APPROVE|REJECT|SUSPEND), reasonCode, reasonMessage
                  (reasonCode2/reasonMessage2, … for more reasons), note, expectedVersion, idempotencyKey
Empty cells are left out. Every bad row is listed with its line number, and nothing is written.

Example:
  $ shopwarden convert examples/bulk/listings.csv > lines.jsonl`,
    )
    .action((file: string, opts: { mutation?: BulkMutation; output?: string }) => {
      let text: string;
      try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (error) {
        throw new CliError('FILE_UNREADABLE', `Cannot read ${file}: ${(error as Error).message}`, EXIT.USAGE);
      }
      const { mutation, lines } = csvToLines(text, file === '-' ? '<stdin>' : file, opts.mutation);
      const jsonl = toJsonl(lines);
      if (opts.output) {
        try {
          writeFileSync(opts.output, jsonl);
        } catch (error) {
          throw new CliError('FILE_UNWRITABLE', `Cannot write ${opts.output}: ${(error as Error).message}`, EXIT.USAGE);
        }
      } else io.stdout.write(jsonl);
      io.stderr.write(`${lines.length} ${mutation} lines${opts.output ? ` written to ${opts.output}` : ''}.\n`);
    });
}
