-- "Bulk operation finished" (PLATFORM.md, events out): when an operation reaches COMPLETED, FAILED
-- or CANCELED, NOTIFY shopwarden_bulk_operations with "<id>|<apiKeyId>|<status>". Delivered on commit
-- only, to every API instance listening, whichever instance's worker (or cancel) finished it: the
-- `bulkOperationFinished` subscription pushes it to the caller over Server-Sent Events.

CREATE FUNCTION "shopwarden_bulk_operation_finished"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('shopwarden_bulk_operations', NEW."id"::text || '|' || NEW."apiKeyId"::text || '|' || NEW."status"::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER "shopwarden_bulk_operation_finished" AFTER UPDATE OF "status" ON "BulkOperation"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" AND NEW."status" IN ('COMPLETED', 'FAILED', 'CANCELED'))
  EXECUTE FUNCTION "shopwarden_bulk_operation_finished"();
