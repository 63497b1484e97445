export { createDatabase, type Database, type RecordedQuery } from './client';
export { resolveDatabaseTarget, repoRoot, type DatabaseTarget, type DatabaseEnv } from './config';
export { applyMigrations, createMigration, resetDatabase } from './migrate';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type * from './generated/prisma/client';
export { hashApiKey, apiKeyPrefix, generateApiKey, API_KEY_PREFIX_LENGTH } from './api-keys';
