-- See the SQLite migration of the same name: any change to the webhook endpoints bumps
-- `routing_version`, so intake reads the endpoints again only when that version moved. Once per
-- statement: an UPDATE of several endpoints bumps it once.
CREATE FUNCTION webhook_endpoints_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE routing_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER webhook_endpoints_changed_bump_version
    AFTER INSERT OR UPDATE OR DELETE ON webhook_endpoints
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_endpoints_bump_version();
