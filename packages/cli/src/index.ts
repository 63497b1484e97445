// The CLI as a program: `bin/shopwarden.mjs` runs it; the build bundles this file into dist/shopwarden.mjs.
import { main } from './main.ts';

// A reader that closes the pipe (`shopwarden shops list | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv);
