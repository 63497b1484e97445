-- The confirm deadline is a named day (UTC), confirmable through its end; an instant keeps its day.
ALTER TABLE "PlatformSettings" ALTER COLUMN "categoryConfirmDeadline" DROP DEFAULT,
ALTER COLUMN "categoryConfirmDeadline" SET DATA TYPE DATE USING ("categoryConfirmDeadline")::date,
ALTER COLUMN "categoryConfirmDeadline" SET DEFAULT '2024-02-07'::date;
