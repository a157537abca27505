// Written by hand in the SQL types both backends share (see ARCHITECTURE "Storage").
// Every column here must exist, with this type and nullability, in both migrations/sqlite
// and migrations/postgres: tests/api/schema.rs checks it against the live databases.

diesel::table! {
    articles (id) {
        id -> BigInt,
        canonical_url -> Text,
        host -> Text,
        path -> Text,
        report_count -> BigInt,
        open_report_count -> BigInt,
        first_reported_at -> Timestamp,
        last_reported_at -> Timestamp,
        oldest_open_at -> Nullable<Timestamp>,
        newest_open_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        tracking_code -> Text,
        article_id -> BigInt,
        submitted_url -> Text,
        channel -> Text,
        category -> Text,
        passage -> Nullable<Text>,
        explanation -> Text,
        evidence_urls -> Text,
        language -> Text,
        reporter_name -> Nullable<Text>,
        reporter_email -> Nullable<Text>,
        wants_outcome -> Bool,
        status -> Text,
        client_hash -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        desk_id -> Nullable<BigInt>,
        reporter_unsubscribed -> Bool,
        assignee_id -> Nullable<BigInt>,
        outcome_note -> Nullable<Text>,
        correction_url -> Nullable<Text>,
        duplicate_of_id -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        reporter_phone -> Nullable<Text>,
        contact_consent -> Bool,
        triaged_at -> Nullable<Timestamp>,
        opened_at -> Timestamp,
        triage_reminder_id -> Nullable<BigInt>,
        decision_reminder_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    report_events (id) {
        id -> BigInt,
        report_id -> BigInt,
        actor -> Text,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        public_note -> Nullable<Text>,
        correction_url -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (idempotency_key) {
        idempotency_key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    desks (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        created_at -> Timestamp,
        triage_minutes -> Nullable<Integer>,
        decision_minutes -> Nullable<Integer>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        message_id -> Text,
        kind -> Text,
        recipients -> Text,
        language -> Text,
        report_id -> Nullable<BigInt>,
        article_id -> Nullable<BigInt>,
        desk_id -> Nullable<BigInt>,
        coalesce_key -> Nullable<Text>,
        window_start -> Nullable<Timestamp>,
        window_end -> Nullable<Timestamp>,
        status -> Text,
        attempts -> Integer,
        due_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        recipient_hash -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        payload -> Nullable<Text>,
        webhook_endpoint_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        url -> Text,
        events -> Text,
        trusted -> Bool,
        secret -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    desk_members (user_id, desk_id) {
        user_id -> BigInt,
        desk_id -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (key_hash) {
        key_hash -> Text,
        state -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        user_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        throttle_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    auth_events (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        email -> Text,
        kind -> Text,
        client_hash -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> BigInt,
        desk_id -> BigInt,
        host -> Nullable<Text>,
        path_prefix -> Nullable<Text>,
        category -> Nullable<Text>,
        language -> Nullable<Text>,
        priority -> Integer,
        source -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    routing_version (id) {
        id -> BigInt,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    routing_rule_changes (id) {
        id -> BigInt,
        rule_id -> Nullable<BigInt>,
        action -> Text,
        actor -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contact_reads (id) {
        id -> BigInt,
        user_id -> BigInt,
        report_id -> Nullable<BigInt>,
        place -> Text,
        report_count -> BigInt,
        detail -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_messages (id) {
        id -> BigInt,
        received_at -> Timestamp,
        message_id -> Nullable<Text>,
        sender_hash -> Nullable<Text>,
        size_bytes -> BigInt,
        outcome -> Text,
        reason -> Nullable<Text>,
        report_id -> Nullable<BigInt>,
        raw -> Nullable<Binary>,
    }
}

diesel::table! {
    article_snapshots (id) {
        id -> BigInt,
        article_id -> BigInt,
        reason -> Text,
        requested_url -> Text,
        fetched_at -> Timestamp,
        http_status -> Nullable<Integer>,
        final_url -> Nullable<Text>,
        last_modified -> Nullable<Text>,
        etag -> Nullable<Text>,
        content_type -> Nullable<Text>,
        title -> Nullable<Text>,
        text -> Nullable<Text>,
        text_sha256 -> Nullable<Text>,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    correction_notices (article_id) {
        article_id -> BigInt,
        event_id -> BigInt,
        outcome -> Text,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    /// Reports that existed before the word index did, waiting to be indexed (at start-up).
    report_search_backlog (report_id) {
        report_id -> BigInt,
    }
}

diesel::joinable!(reports -> articles (article_id));
diesel::joinable!(article_snapshots -> articles (article_id));
diesel::joinable!(correction_notices -> articles (article_id));
diesel::joinable!(correction_notices -> report_events (event_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(desk_members -> users (user_id));
diesel::joinable!(desk_members -> desks (desk_id));
diesel::joinable!(reports -> desks (desk_id));
diesel::joinable!(report_events -> reports (report_id));
diesel::joinable!(routing_rules -> desks (desk_id));
diesel::joinable!(contact_reads -> users (user_id));
diesel::joinable!(mail_messages -> reports (report_id));

diesel::table! {
    report_counts (desk_id, status, shard) {
        desk_id -> BigInt,
        status -> Text,
        shard -> Integer,
        n -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    articles,
    reports,
    report_events,
    idempotency_keys,
    desks,
    outbox,
    users,
    desk_members,
    api_tokens,
    sessions,
    login_failures,
    auth_events,
    routing_rules,
    routing_version,
    routing_rule_changes,
    contact_reads,
    mail_messages,
    article_snapshots,
    report_counts,
    webhook_endpoints,
    correction_notices,
);
