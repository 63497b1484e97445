import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import type { BulkMutation, BulkOperationState, FinishedBulkOperation, ShopWardenClient } from '@shopwarden/sdk';
import { ShopWardenError, ShopWardenResultError } from '@shopwarden/sdk';
import { clientFor, jsonDocument, jsonLine, type Io } from '../context.ts';
import { BULK_MUTATIONS } from '../convert.ts';
import { CliError, EXIT } from '../errors.ts';
import { parsePositiveInt } from './options.ts';

type Progress = 'auto' | 'bar' | 'json' | 'none';

interface RunOptions {
  mutation: BulkMutation;
  follow?: boolean;
  output?: string;
  progress: Progress;
  pollInterval: number;
  timeout?: number;
  idempotencyKey?: string;
}

/** The operation without its result text, as printed. */
function summary(op: BulkOperationState | FinishedBulkOperation): Omit<BulkOperationState, 'result'> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { result, results, ...rest } = op as FinishedBulkOperation;
  return rest;
}

function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new CliError('FILE_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}`, EXIT.USAGE);
  }
}

function writeResult(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new CliError('FILE_UNWRITABLE', `Cannot write ${path}: ${(error as Error).message}`, EXIT.USAGE);
  }
}

async function operation(client: ShopWardenClient, id: string): Promise<BulkOperationState> {
  const op = await client.bulk.get({ id });
  if (!op) throw new CliError('NOT_FOUND', `Bulk operation ${id} was not found (or another API key created it).`);
  return op;
}

/** The exit of a finished operation: 0 when every line succeeded; otherwise a one-line reason. */
function outcome(op: FinishedBulkOperation, output: string | undefined): void {
  const where = output ? `results in ${output}` : `shopwarden bulk results ${op.id}`;
  if (op.status === 'FAILED')
    throw new CliError(
      'BULK_FAILED',
      `Bulk operation ${op.id} FAILED (${op.errorCode ?? 'no code'}) after ${op.processedCount} of ${op.lineCount} lines; ${where}.`,
    );
  if (op.status === 'CANCELED')
    throw new CliError(
      'BULK_CANCELED',
      `Bulk operation ${op.id} was CANCELED after ${op.processedCount} of ${op.lineCount} lines; ${where}.`,
    );
  if (op.failedCount > 0)
    throw new CliError(
      'LINES_FAILED',
      `${op.failedCount} of ${op.lineCount} lines failed in bulk operation ${op.id}; ${where}.`,
      EXIT.LINES_FAILED,
    );
}

async function run(client: ShopWardenClient, file: string, opts: RunOptions, io: Io): Promise<void> {
  const lines = readText(file);
  const request = opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {};
  if (!opts.follow) {
    if (opts.output)
      throw new CliError(
        'USAGE',
        '--output needs --follow (or use: shopwarden bulk results <id> --output <file>).',
        EXIT.USAGE,
      );
    const submitted = await client.bulk.submit({ input: { mutation: opts.mutation, lines } }, request);
    if (submitted.__typename !== 'BulkOperationRunSuccess') throw new ShopWardenResultError(submitted);
    io.stdout.write(jsonDocument(submitted.bulkOperation));
    return;
  }

  const mode: Progress = opts.progress === 'auto' ? (io.stdout.isTTY ? 'bar' : 'json') : opts.progress;
  // Created by the first progress report (a closure assigns it, so it lives in an object).
  const progress: { bar: cliProgress.SingleBar | null } = { bar: null };
  let last = '';
  let announced = false;
  const announce = (op: BulkOperationState) => {
    if (announced) return;
    announced = true;
    if (mode === 'json') io.stdout.write(jsonLine({ event: 'submitted', ...summary(op) }));
    else if (mode === 'bar')
      io.stderr.write(
        `Submitted bulk operation ${op.id} (${op.lineCount} ${opts.mutation} lines). Ctrl-C stops following; it keeps running.\n`,
      );
  };
  const onProgress = (op: BulkOperationState) => {
    announce(op);
    if (mode === 'json') {
      const now = `${op.status}:${op.processedCount}`;
      if (now !== last && last !== '') io.stdout.write(jsonLine({ event: 'progress', ...summary(op) }));
      last = now;
    } else if (mode === 'bar') {
      const bar = (progress.bar ??= new cliProgress.SingleBar(
        {
          stream: io.stderr,
          format: '{bar} {percentage}% | {value}/{total} lines | {status}',
          hideCursor: true,
          noTTYOutput: true,
          notTTYSchedule: 1000,
        },
        cliProgress.Presets.shades_classic,
      ));
      if (!bar.isActive) bar.start(op.lineCount, op.processedCount, { status: op.status });
      bar.update(op.processedCount, { status: op.status });
    }
  };

  const stop = new AbortController();
  let followed: BulkOperationState | null = null;
  const interrupt = () => stop.abort(new CliError('INTERRUPTED', 'Stopped following.', EXIT.INTERRUPTED));
  process.once('SIGINT', interrupt);
  let finished: FinishedBulkOperation;
  try {
    finished = await client.bulk.run(
      { mutation: opts.mutation, lines },
      {
        ...request,
        pollIntervalMs: opts.pollInterval,
        ...(opts.timeout ? { timeoutMs: opts.timeout * 1000 } : {}),
        signal: stop.signal,
        // Progress is only seen by reading; without it the SDK waits for the server's push.
        ...(mode === 'none'
          ? {}
          : {
              onProgress: (op: BulkOperationState) => {
                followed = op;
                onProgress(op);
              },
            }),
      },
    );
  } catch (error) {
    progress.bar?.stop();
    const id = (followed as BulkOperationState | null)?.id;
    if (stop.signal.aborted)
      throw new CliError(
        'INTERRUPTED',
        id
          ? `Stopped following bulk operation ${id}; it keeps running: shopwarden bulk status ${id}`
          : 'Stopped following; the operation keeps running: shopwarden bulk list',
        EXIT.INTERRUPTED,
      );
    if (error instanceof ShopWardenError && error.code === 'TIMEOUT')
      throw new CliError('TIMEOUT', error.message.replace('client.bulk.get', `shopwarden bulk status ${id ?? '<id>'}`));
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
  announce(finished);
  progress.bar?.update(finished.processedCount, { status: finished.status });
  progress.bar?.stop();
  if (opts.output) writeResult(opts.output, finished.result ?? '');
  if (mode === 'json')
    io.stdout.write(jsonLine({ event: 'finished', ...summary(finished), output: opts.output ?? null }));
  else
    io.stdout.write(
      `${finished.status} ${finished.id}: ${finished.succeededCount} succeeded, ${finished.failedCount} failed of ${finished.lineCount} lines.${opts.output ? ` Results: ${opts.output}` : ''}\n`,
    );
  outcome(finished, opts.output);
}

export function bulkCommand(program: Command, io: Io): void {
  const bulk = program.command('bulk').description('Asynchronous bulk operations: up to 10,000 JSONL lines');

  bulk
    .command('run')
    .description('Submit a JSONL file as a bulk operation (and, with --follow, wait for it)')
    .argument('<file>', 'the lines, one JSON object each (- for standard input)')
    .addOption(
      new Option('-m, --mutation <mutation>', 'the mutation each line runs')
        .choices(BULK_MUTATIONS)
        .makeOptionMandatory(),
    )
    .option('--follow', 'wait until it has finished: a progress bar on a terminal, JSON lines when piped')
    .option('--output <file>', 'with --follow: write the result (one JSON line per input line) to this file')
    .addOption(
      new Option('--progress <mode>', 'how --follow reports').choices(['auto', 'bar', 'json', 'none']).default('auto'),
    )
    .option(
      '--poll-interval <ms>',
      'with --follow: the longest wait between reads',
      parsePositiveInt('--poll-interval'),
      1000,
    )
    .option(
      '--timeout <seconds>',
      'with --follow: stop following after this long (the operation keeps running)',
      parsePositiveInt('--timeout'),
    )
    .option(
      '--idempotency-key <key>',
      "the submission's Idempotency-Key: the same key again returns the same operation",
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 every line succeeded (or submitted, without --follow); 1 refused, FAILED or CANCELED;
2 bad arguments or input; 3 network; 4 completed with some failed lines (see the results).

Example:
  $ shopwarden bulk run --mutation LISTING_REVIEW examples/bulk/listing-review.jsonl --follow --output results.jsonl`,
    )
    .action(async (file: string, opts: RunOptions, command: Command) => {
      await run(clientFor(command.optsWithGlobals(), io), file, opts, io);
    });

  bulk
    .command('status')
    .description('Print a bulk operation (without its result)')
    .argument('<id>', "the operation's id")
    .action(async (id: string, _opts: unknown, command: Command) => {
      io.stdout.write(jsonDocument(summary(await operation(clientFor(command.optsWithGlobals(), io), id))));
    });

  bulk
    .command('cancel')
    .description('Cancel a CREATED or RUNNING bulk operation')
    .argument('<id>', "the operation's id")
    .action(async (id: string, _opts: unknown, command: Command) => {
      const client = clientFor(command.optsWithGlobals(), io);
      const canceled = await client.bulk.cancel({ input: { id } });
      if (canceled.__typename !== 'BulkOperationCancelSuccess') throw new ShopWardenResultError(canceled);
      io.stdout.write(jsonDocument(summary(canceled.bulkOperation)));
    });

  bulk
    .command('results')
    .description('Print the result of a finished bulk operation: one JSON line per input line')
    .argument('<id>', "the operation's id")
    .option('--output <file>', 'write it to this file instead')
    .action(async (id: string, opts: { output?: string }, command: Command) => {
      const op = await operation(clientFor(command.optsWithGlobals(), io), id);
      if (op.status === 'CREATED' || op.status === 'RUNNING')
        throw new CliError(
          'NOT_FINISHED',
          `Bulk operation ${id} is ${op.status} (${op.processedCount} of ${op.lineCount} lines); its result comes when it has finished.`,
        );
      if (opts.output) writeResult(opts.output, op.result ?? '');
      else io.stdout.write(op.result ?? '');
    });

  bulk
    .command('list')
    .description("Your key's bulk operations, newest first, one JSON object per line")
    .addOption(
      new Option('--status <status>', 'only these').choices(['CREATED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED']),
    )
    .option('--limit <n>', 'stop after this many', parsePositiveInt('--limit'))
    .action(async (opts: { status?: BulkOperationState['status']; limit?: number }, command: Command) => {
      const client = clientFor(command.optsWithGlobals(), io);
      let count = 0;
      for await (const op of client.bulk.paginate({
        first: Math.min(100, opts.limit ?? 100),
        ...(opts.status ? { status: opts.status } : {}),
      })) {
        io.stdout.write(jsonLine(op));
        if (opts.limit !== undefined && ++count >= opts.limit) break;
      }
    });
}
