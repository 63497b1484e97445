-- Bulk operations store their lines and result lines gzip-compressed (issue 8: a 10,000-line
-- operation carried about 1.7 MB of text to and from the database; compressed, under 100 KB).
-- The text columns stay for operations stored before; new operations leave them null.
-- AlterTable
ALTER TABLE "BulkOperation" ADD COLUMN     "inputGzip" BYTEA,
ADD COLUMN     "resultGzip" BYTEA,
ALTER COLUMN "input" DROP NOT NULL;

-- Already compressed: PostgreSQL's own TOAST compression would only spend time on them.
ALTER TABLE "BulkOperation" ALTER COLUMN "inputGzip" SET STORAGE EXTERNAL, ALTER COLUMN "resultGzip" SET STORAGE EXTERNAL;
