-- OnlineRec model store on PostgreSQL: one row per installed version holding the MfModelCodec bytes (which carry
-- their own SHA-256). Applied by PostgresSchema.MigrateAsync with search_path set to our schema; idempotent.
-- payload_bytes is kept beside the payload so listing versions (every silo polls it) never touches the TOAST data.
-- Storage EXTERNAL: raw floats do not compress, so don't spend CPU trying.

CREATE TABLE IF NOT EXISTS model_versions (
    version           bigint      NOT NULL PRIMARY KEY,
    created_at        timestamptz NOT NULL,
    trained_up_to_seq bigint      NOT NULL,
    metadata_json     text        NOT NULL,
    factors           integer     NOT NULL,
    user_count        integer     NOT NULL,
    item_count        integer     NOT NULL,
    codec_version     integer     NOT NULL,
    payload_bytes     bigint      NOT NULL,
    payload           bytea       NOT NULL
);
ALTER TABLE model_versions ALTER COLUMN payload SET STORAGE EXTERNAL;
