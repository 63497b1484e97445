import type { Command } from 'commander';
import { clientFor, jsonLine, type Io } from '../context.ts';
import { parseJsonOption, parsePositiveInt } from './options.ts';

export function shopsCommand(program: Command, io: Io): void {
  const shops = program.command('shops').description('Shops your key reaches');
  shops
    .command('list')
    .description('Every shop your key reaches, one JSON object per line, page after page')
    .option(
      '--filter <json>',
      'a ShopFilter as JSON, e.g. \'{"hasPrimaryCategory":false,"site":"GB"}\'',
      parseJsonOption('--filter'),
    )
    .option('--page-size <n>', 'shops per request (1–100)', parsePositiveInt('--page-size', 100), 50)
    .option('--limit <n>', 'stop after this many shops', parsePositiveInt('--limit'))
    .action(async (opts: { filter?: Record<string, unknown>; pageSize: number; limit?: number }, command: Command) => {
      const client = clientFor(command.optsWithGlobals(), io);
      let count = 0;
      if (opts.limit === 0) return;
      for await (const shop of client.shops.paginate({
        first: Math.min(opts.pageSize, opts.limit ?? Infinity),
        ...(opts.filter ? { filter: opts.filter } : {}),
      })) {
        io.stdout.write(jsonLine(shop));
        if (opts.limit !== undefined && ++count >= opts.limit) break;
      }
    });
}
