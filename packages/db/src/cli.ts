// `npm run db:migrate | db:migration:create <name> | db:reset | db:seed | db:template`
import { createDatabase, type Database } from './client.ts';
import { DataFolderInUseError } from './data-lock.ts';
import { explainDatabaseError } from './explain.ts';
import { terminalProgress } from './progress.ts';
import { applyMigrations, createMigration, resetDatabase } from './migrate.ts';
import { seedDatabase } from './seed/index.ts';
import { writeTemplate } from './template.ts';

const [command, ...args] = process.argv.slice(2);
if (command === 'template') {
  // Run by `npm install`: a failure only costs the first run its head start, so it must not fail the install.
  try {
    const file = await writeTemplate();
    console.log(`Wrote the template of new embedded databases: ${file}`);
  } catch (error) {
    console.warn(`Could not write the template of new embedded databases: ${(error as Error).message}`);
  }
  process.exit(0);
}
let db: Database;
try {
  db = await createDatabase();
} catch (error) {
  // Another process holds the embedded database: say who, and change nothing.
  if (!(error instanceof DataFolderInUseError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const where = db.target.kind === 'postgres' ? 'PostgreSQL' : `embedded database at ${db.target.dataDir}`;
try {
  switch (command) {
    case 'migrate': {
      const applied = await applyMigrations(db.migrationAdapterFactory);
      console.log(
        applied.length
          ? `Applied ${applied.length} migration(s) to the ${where}: ${applied.join(', ')}`
          : `The ${where} is up to date.`,
      );
      break;
    }
    case 'migration:create': {
      const name = args[0];
      if (!name) throw new Error('Usage: npm run db:migration:create -- <name>');
      const folder = await createMigration(db.migrationAdapterFactory, name);
      console.log(
        folder
          ? `Wrote prisma/migrations/${folder}/migration.sql`
          : 'The schema matches the migrations: nothing to write.',
      );
      break;
    }
    case 'reset': {
      await resetDatabase(db.migrationAdapterFactory);
      const applied = await applyMigrations(db.migrationAdapterFactory);
      const progress = terminalProgress('Seeding demo data');
      const summary = await seedDatabase(db.prisma, { onProgress: progress.step });
      progress.done();
      console.log(`Reset the ${where}: applied ${applied.length} migration(s) and seeded ${summary}.`);
      break;
    }
    case 'seed': {
      await applyMigrations(db.migrationAdapterFactory);
      const progress = terminalProgress('Seeding demo data');
      const summary = await seedDatabase(db.prisma, { onProgress: progress.step });
      progress.done();
      console.log(`Seeded the ${where}: ${summary}.`);
      break;
    }
    default:
      throw new Error(`Unknown command "${command}". Use migrate, migration:create <name>, reset, seed or template.`);
  }
} catch (error) {
  console.error(explainDatabaseError(error, db.target) ?? (error instanceof Error ? error.message : error));
  process.exitCode = 1;
} finally {
  await db.close();
}
