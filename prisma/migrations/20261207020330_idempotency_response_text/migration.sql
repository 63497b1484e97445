-- AlterTable: a stored response is replayed as the text first sent; a stored one keeps its `data`.
ALTER TABLE "IdempotencyRecord" ALTER COLUMN "response" SET DATA TYPE TEXT USING ("response" -> 'data')::text;
