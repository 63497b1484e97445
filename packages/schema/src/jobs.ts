import type { AnyJobDefinition } from '@shopwarden/jobs';
import { followPointsExpiry, scheduleMissingExpiries } from './modules/health/points-expiry.job.ts';
import { issueWeeklyReports } from './modules/health/weekly-reports.job.ts';
import { recalculateMonthlyTiers } from './modules/revenue/monthly-tiers.job.ts';
import {
  enforceMigrationDeadline,
  scheduleMissingMigrationDeadlinesSweep,
} from './modules/shops/migration-deadline.job.ts';
import { expireDuePartnershipsSweep, expirePartnership } from './modules/partnerships/partnership-expiry.job.ts';
import { purgeIdempotencyRecords } from './modules/platform/idempotency-purge.job.ts';
import { applyCatalogueChangeJob } from './modules/platform/catalogue-change.service.ts';
import { deliverWebhooks } from './modules/webhooks/webhook-deliver.job.ts';
import { relayOutboxEvents } from './modules/webhooks/webhook-relay.job.ts';

/**
 * Every background job, listed explicitly like the modules in schema.ts: the job runner of every
 * instance (apps/api/src/workers.ts) runs exactly these. How to add one: packages/jobs/README.md.
 */
export const jobs: readonly AnyJobDefinition[] = [
  purgeIdempotencyRecords,
  applyCatalogueChangeJob,
  expirePartnership,
  expireDuePartnershipsSweep,
  followPointsExpiry,
  scheduleMissingExpiries,
  issueWeeklyReports,
  recalculateMonthlyTiers,
  enforceMigrationDeadline,
  scheduleMissingMigrationDeadlinesSweep,
  relayOutboxEvents,
  deliverWebhooks,
];
