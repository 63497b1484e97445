export { createDatabase, type Database, type RecordedQuery } from './client.ts';
export { DataFolderInUseError, LOCK_FILE } from './data-lock.ts';
export { resolveDatabaseTarget, repoRoot, type DatabaseTarget, type DatabaseEnv } from './config.ts';
export { applyMigrations, createMigration, resetDatabase } from './migrate.ts';
export {
  CHANGES_CHANNEL,
  changeTriggerSql,
  changeTriggers,
  shopColumnOf,
  shopFieldOf,
  type ChangeTrigger,
} from './change-triggers.ts';
export { enumNames, modelNames, type ModelNames } from './generated/table-names.ts';
export { leaseUntil, preparedStatementName, utcNow } from './sql.ts';
export { WriteBatcher, type WriteBatchOptions } from './write-batch.ts';
export { explainDatabaseError, safeUrl } from './explain.ts';
export { terminalProgress } from './progress.ts';
export { hashApiKey, apiKeyPrefix, generateApiKey, API_KEY_PREFIX_LENGTH } from './api-keys.ts';
export * from './generated/prisma/client.ts';
export type { default as PrismaTypes } from './generated/pothos-types.ts';
export { getDatamodel } from './generated/pothos-types.ts';
