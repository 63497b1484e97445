export {
  defineJob,
  defineRecurringJob,
  nextCronRun,
  nextOccurrence,
  type AnyJobDefinition,
  type CatchUp,
  type JobContext,
  type JobDefinition,
  type JobLogger,
  type JobOutcome,
  type JobPayload,
  type PlainJobDefinition,
  type Recurrence,
  type RecurringJobDefinition,
  type TransactionalJobContext,
  type TransactionalJobDefinition,
} from './job.ts';
export { enqueueJob, enqueueJobs, expediteJob, type EnqueueItem, type EnqueueOptions, type JobRef } from './enqueue.ts';
export { JobRunner, JOBS_CHANNEL, type JobRunResult, type JobRunnerOptions, type ListenFn } from './runner.ts';
export { WakeableSleep } from './wakeable-sleep.ts';
