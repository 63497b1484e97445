-- Change notifications for the response cache: after every statement that writes a domain table,
-- NOTIFY shopwarden_changes with "<Table>|<shop ids>" (the shops whose rows changed) or "<Table>|*"
-- (a global table, or too many shops to list). Delivered on commit only, so rolled-back work
-- (dry runs) invalidates nothing. Statement-level triggers: one notification per statement.

CREATE FUNCTION "shopwarden_notify_shops"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  shops text;
BEGIN
  -- TG_ARGV[0] names the column holding the shop id ("shopId", or "id" for Shop itself).
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT string_agg(DISTINCT %I::text, '','') FROM new_rows', TG_ARGV[0]) INTO shops;
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('SELECT string_agg(DISTINCT %I::text, '','') FROM old_rows', TG_ARGV[0]) INTO shops;
  ELSE
    EXECUTE format('SELECT string_agg(DISTINCT s::text, '','') FROM (SELECT %1$I AS s FROM new_rows UNION SELECT %1$I FROM old_rows) changed', TG_ARGV[0]) INTO shops;
  END IF;
  IF shops IS NULL THEN
    RETURN NULL;
  END IF;
  IF length(shops) > 7000 THEN
    shops := '*';
  END IF;
  PERFORM pg_notify('shopwarden_changes', TG_TABLE_NAME || '|' || shops);
  RETURN NULL;
END
$$;

CREATE FUNCTION "shopwarden_notify_table"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('shopwarden_changes', TG_TABLE_NAME || '|*');
  RETURN NULL;
END
$$;


CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "Shop" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('id');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "Shop" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('id');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "Shop" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('id');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "VerificationDocument" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "VerificationDocument" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "VerificationDocument" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "PrimaryCategorySelection" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "PrimaryCategorySelection" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "PrimaryCategorySelection" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "CategoryExceptionRequest" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "CategoryExceptionRequest" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "CategoryExceptionRequest" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "CategoryExceptionGrant" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "CategoryExceptionGrant" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "CategoryExceptionGrant" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "RestrictedCategoryApproval" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "RestrictedCategoryApproval" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "RestrictedCategoryApproval" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "Listing" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "Listing" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "Listing" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "Violation" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "Violation" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "Violation" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "PointsLedgerEntry" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "PointsLedgerEntry" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "PointsLedgerEntry" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "ShopStatusChange" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "ShopStatusChange" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "ShopStatusChange" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "HealthReport" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "HealthReport" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "HealthReport" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "QuizAttempt" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "QuizAttempt" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "QuizAttempt" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "EventRegistration" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "EventRegistration" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "EventRegistration" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "Order" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "Order" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "Order" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "TierAssignment" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "TierAssignment" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "TierAssignment" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "ContentItem" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "ContentItem" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "ContentItem" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "Partnership" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "Partnership" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "Partnership" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON "ShopAccessGrant" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON "ShopAccessGrant" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');
CREATE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON "ShopAccessGrant" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_shops"('shopId');

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "PlatformSettings" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Category" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ListingReview" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Policy" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ViolationAppeal" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Quiz" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "QuizQuestion" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "SellerEvent" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "FeeCategory" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "OrderFeeLine" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Tier" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Creator" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Account" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "Shop" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "VerificationDocument" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "PrimaryCategorySelection" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "CategoryExceptionRequest" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "CategoryExceptionGrant" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "RestrictedCategoryApproval" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "Listing" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "Violation" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "PointsLedgerEntry" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "ShopStatusChange" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "HealthReport" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "QuizAttempt" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "EventRegistration" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "Order" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "TierAssignment" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "ContentItem" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "Partnership" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

CREATE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON "ShopAccessGrant" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();
