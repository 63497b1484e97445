import { defineConfig } from 'prisma/config';

// The CLI is used for `generate` only; migrations run through Prisma's WebAssembly
// schema engine in @shopwarden/db (see packages/db/src/migrate.ts).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
