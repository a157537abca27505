-- Any change to the webhook endpoints bumps `routing_version`, which every intake reads anyway
-- (routing's reload check): intake keeps the endpoints that `report.created` goes to between
-- reports and reads them again only when that version moved (`webhooks::service::Subscriptions`),
-- whichever instance or command changed them.
CREATE TRIGGER webhook_endpoints_inserted_bump_version AFTER INSERT ON webhook_endpoints
BEGIN
    UPDATE routing_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER webhook_endpoints_updated_bump_version AFTER UPDATE ON webhook_endpoints
BEGIN
    UPDATE routing_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER webhook_endpoints_deleted_bump_version AFTER DELETE ON webhook_endpoints
BEGIN
    UPDATE routing_version SET version = version + 1 WHERE id = 1;
END;
