-- OnlineRec rating log on PostgreSQL. Applied by PostgresSchema.MigrateAsync with search_path set to our schema;
-- every statement is idempotent.
--
-- ratings           the log; seq is assigned by the appender under the log_stats row lock (see PostgresRatingLog),
--                   so committed sequences are always a gap-free prefix. Ids use COLLATE "C": byte order, the
--                   cheapest comparison for the two secondary indexes, and no dependency on the server's locale.
-- ratings_by_user   (user_id, seq): a user's history is one index range already in sequence order (grain catch-up).
-- ratings_by_item   (item_id, seq): same for items.
-- log_users/items   distinct ids, so the stats row can count them on append instead of scanning on read.
-- log_stats         one row of running totals; its row lock is the log's single serialisation point.
-- idempotency_keys  client batch id -> the sequences it got; the primary key makes a batch key unique across every
--                   silo writing to this database.

CREATE TABLE IF NOT EXISTS ratings (
    seq     bigint           NOT NULL PRIMARY KEY,
    user_id text COLLATE "C" NOT NULL,
    item_id text COLLATE "C" NOT NULL,
    value   real             NOT NULL,
    ts      bigint           NOT NULL
);
CREATE INDEX IF NOT EXISTS ratings_by_user ON ratings (user_id, seq);
CREATE INDEX IF NOT EXISTS ratings_by_item ON ratings (item_id, seq);

CREATE TABLE IF NOT EXISTS log_users (user_id text COLLATE "C" NOT NULL PRIMARY KEY);
CREATE TABLE IF NOT EXISTS log_items (item_id text COLLATE "C" NOT NULL PRIMARY KEY);

-- fillfactor leaves room on the page so the per-commit update stays a HOT update.
CREATE TABLE IF NOT EXISTS log_stats (
    id           smallint         NOT NULL PRIMARY KEY CHECK (id = 1),
    rating_count bigint           NOT NULL,
    value_sum    double precision NOT NULL,
    last_seq     bigint           NOT NULL,
    user_count   bigint           NOT NULL,
    item_count   bigint           NOT NULL
) WITH (fillfactor = 10);
INSERT INTO log_stats (id, rating_count, value_sum, last_seq, user_count, item_count)
VALUES (1, 0, 0, 0, 0, 0)
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS idempotency_keys (
    batch_key  text COLLATE "C" NOT NULL PRIMARY KEY,
    first_seq  bigint           NOT NULL,
    last_seq   bigint           NOT NULL,
    created_at timestamptz      NOT NULL
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at);
