namespace Lepton.Registry.Store;

/// <summary>One schema step: applied once, in order, inside the migration transaction, and recorded in schema_migrations.</summary>
internal sealed record SchemaMigration(int Version, string Name, IReadOnlyList<string> Statements);

/// <summary>
/// The registry schema as a list of versioned steps. Steps are only ever appended: an applied step never
/// changes, so any store can be brought forward from the version it records.
/// </summary>
internal static class SchemaMigrations
{
    public const string CreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "initial",
        [
            "CREATE TABLE datasets (name TEXT PRIMARY KEY, latest_version INTEGER NOT NULL, created_at BIGINT NOT NULL)",
            """
            CREATE TABLE dataset_versions (
                name TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                content_hash TEXT NOT NULL,
                manifest_json TEXT NOT NULL,
                schema_json TEXT NOT NULL,
                statistics_json TEXT NOT NULL,
                parent_version INTEGER NULL,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                PRIMARY KEY (name, version))
            """,
            """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                status TEXT NOT NULL,
                parameters_json TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                ended_at BIGINT NULL,
                host TEXT NOT NULL,
                code_version TEXT NULL,
                dataset_ref TEXT NULL,
                seed BIGINT NULL,
                error TEXT NULL,
                started_by TEXT NOT NULL)
            """,
            "CREATE INDEX ix_runs_started_at ON runs (started_at)",
            """
            CREATE TABLE run_metrics (
                run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                step INTEGER NOT NULL,
                metric_key TEXT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                logged_at BIGINT NOT NULL,
                PRIMARY KEY (run_id, step, metric_key))
            """,
            """
            CREATE TABLE run_logs (
                id {identity},
                run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                logged_at BIGINT NOT NULL,
                content TEXT NOT NULL)
            """,
            "CREATE INDEX ix_run_logs_run ON run_logs (run_id, id)",
            "CREATE TABLE models (name TEXT PRIMARY KEY, description TEXT NOT NULL, created_at BIGINT NOT NULL, latest_version INTEGER NOT NULL)",
            """
            CREATE TABLE model_versions (
                model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                artifact_hash TEXT NOT NULL,
                architecture_summary TEXT NOT NULL,
                metrics_json TEXT NOT NULL,
                run_id TEXT NULL,
                dataset_ref TEXT NULL,
                signature_json TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                PRIMARY KEY (model, version))
            """,
            """
            CREATE TABLE model_aliases (
                model TEXT NOT NULL,
                alias TEXT NOT NULL,
                version INTEGER NOT NULL,
                updated_at BIGINT NOT NULL,
                updated_by TEXT NOT NULL,
                PRIMARY KEY (model, alias),
                FOREIGN KEY (model, version) REFERENCES model_versions(model, version) ON DELETE CASCADE)
            """,
            """
            CREATE TABLE alias_history (
                id {identity},
                model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
                alias TEXT NOT NULL,
                previous_version INTEGER NULL,
                version INTEGER NULL,
                kind TEXT NOT NULL,
                changed_at BIGINT NOT NULL,
                actor TEXT NOT NULL)
            """,
            "CREATE INDEX ix_alias_history ON alias_history (model, alias, id)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE,
                scopes INTEGER NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NULL,
                revoked_at BIGINT NULL)
            """,
            """
            CREATE TABLE audit_log (
                id {identity},
                at_time BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                details_json TEXT NOT NULL)
            """,
        ]),
        // The prediction log and feedback. No foreign keys: predictions of folder models name no registered model,
        // and feedback may arrive before the asynchronous log has flushed its prediction (joins resolve later).
        new(2, "predictions and feedback",
        [
            """
            CREATE TABLE predictions (
                id TEXT PRIMARY KEY,
                model TEXT NOT NULL,
                version INTEGER NULL,
                created_at BIGINT NOT NULL,
                latency_ms DOUBLE PRECISION NOT NULL,
                predicted_label TEXT NULL,
                input_stats_json TEXT NOT NULL,
                output_json TEXT NOT NULL,
                raw_input_json TEXT NULL)
            """,
            "CREATE INDEX ix_predictions_model_time ON predictions (model, created_at)",
            "CREATE INDEX ix_predictions_time ON predictions (created_at)",
            """
            CREATE TABLE feedback (
                prediction_id TEXT PRIMARY KEY,
                model TEXT NOT NULL,
                label TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                actor TEXT NOT NULL)
            """,
            "CREATE INDEX ix_feedback_model_time ON feedback (model, received_at)",
            "CREATE INDEX ix_feedback_time ON feedback (received_at)",
        ]),
        // The closed loop: what it decided and why, the alerts monitoring fired, and recipe progress for resumable runs.
        new(3, "loop decisions, alerts and recipe steps",
        [
            """
            CREATE TABLE loop_decisions (
                id {identity},
                model TEXT NOT NULL,
                at_time BIGINT NOT NULL,
                step TEXT NOT NULL,
                decision TEXT NOT NULL,
                champion_version INTEGER NULL,
                challenger_version INTEGER NULL,
                reason TEXT NOT NULL,
                numbers_json TEXT NOT NULL,
                actor TEXT NOT NULL)
            """,
            "CREATE INDEX ix_loop_decisions_model ON loop_decisions (model, id)",
            """
            CREATE TABLE alert_events (
                id {identity},
                model TEXT NOT NULL,
                version INTEGER NULL,
                rule TEXT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                threshold DOUBLE PRECISION NOT NULL,
                message TEXT NOT NULL,
                fired_at BIGINT NOT NULL)
            """,
            "CREATE INDEX ix_alert_events_time ON alert_events (fired_at)",
            """
            CREATE TABLE recipe_steps (
                recipe TEXT NOT NULL,
                step TEXT NOT NULL,
                status TEXT NOT NULL,
                output_json TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (recipe, step))
            """,
        ]),
        // Labeling: one row per labelled data set item or served prediction (a prediction's label is also its feedback, written
        // in the same transaction), and the images of low-confidence served predictions kept for labeling, bounded per model.
        new(4, "labels and labeling candidates",
        [
            """
            CREATE TABLE labels (
                dataset TEXT NOT NULL,
                kind TEXT NOT NULL,
                item TEXT NOT NULL,
                model TEXT NULL,
                label TEXT NOT NULL,
                actor TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (dataset, kind, item))
            """,
            "CREATE INDEX ix_labels_time ON labels (dataset, created_at)",
            """
            CREATE TABLE label_candidates (
                prediction_id TEXT PRIMARY KEY,
                model TEXT NOT NULL,
                uncertainty DOUBLE PRECISION NOT NULL,
                guesses_json TEXT NOT NULL,
                content_type TEXT NOT NULL,
                image {blob} NOT NULL,
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX ix_label_candidates_model ON label_candidates (model, uncertainty)",
        ]),
    ];

    public static int Latest => All[^1].Version;
}
