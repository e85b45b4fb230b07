-- OnlineRec rating log on PostgreSQL. Applied by PostgresSchema.MigrateAsync with search_path set to our schema;
-- every statement is idempotent.
--
-- A rating's sequence is not stored in its row: rows are written under a batch id before the log lock is taken,
-- and only the batch's first sequence is assigned under the lock (see PostgresRatingLog / AppendTransaction):
--
-- rating_rows       the ratings, keyed (batch_id, ord); sequence = rating_batches.first_seq + ord. Ids use
--                   COLLATE "C": byte order, the cheapest comparison for the indexes, no dependency on the locale.
-- rating_rows_by_*  a user's (item's) rows; joined to rating_batches for their sequences.
-- rating_batches    one row per stored client batch: its first sequence (primary key, so range reads walk batches
--                   in log order), its batch id and size. A batch's rows are visible exactly when this row is.
-- log_users/items   distinct ids, so the stats row can count them on append instead of scanning on read.
-- log_stats         one row of running totals; its row lock is the log's single serialisation point.
-- idempotency_keys  client batch id -> the sequences it got; the primary key makes a batch key unique across every
--                   silo writing to this database.

CREATE SEQUENCE IF NOT EXISTS rating_batch_ids;

CREATE TABLE IF NOT EXISTS rating_rows (
    batch_id bigint           NOT NULL,
    ord      integer          NOT NULL,
    user_id  text COLLATE "C" NOT NULL,
    item_id  text COLLATE "C" NOT NULL,
    value    real             NOT NULL,
    ts       bigint           NOT NULL,
    PRIMARY KEY (batch_id, ord)
);
CREATE INDEX IF NOT EXISTS rating_rows_by_user ON rating_rows (user_id);
CREATE INDEX IF NOT EXISTS rating_rows_by_item ON rating_rows (item_id);

CREATE TABLE IF NOT EXISTS rating_batches (
    first_seq bigint  NOT NULL PRIMARY KEY,
    batch_id  bigint  NOT NULL UNIQUE,
    count     integer NOT NULL CHECK (count > 0)
);

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

-- The only work done under the log lock, in one round trip: take the lock (the log_stats row), then for each client
-- batch of the group, in order: if its idempotency key is stored (or was stored by an earlier batch of this group)
-- return the original range and drop the rows written for it; otherwise give it the next range, publish it
-- (rating_batches) and remember its key. Finally move the totals. A batch whose rows were not written (batch id
-- NULL: its key was already stored when the group started) must still find its key; if the key was pruned in
-- between, the group fails and the caller retries it. The lock is held until the caller commits.
CREATE OR REPLACE FUNCTION commit_rating_batches(
    p_batch_ids bigint[], p_counts integer[], p_keys text[], p_sums double precision[],
    p_new_users bigint, p_new_items bigint, p_now timestamptz)
RETURNS TABLE (first_seq bigint, last_seq bigint, duplicate boolean)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $body$
DECLARE
    v_last      bigint;
    v_stored    bigint;
    v_count     bigint := 0;
    v_sum       double precision := 0;
    v_key_first bigint;
    v_key_last  bigint;
BEGIN
    SELECT s.last_seq INTO STRICT v_last FROM log_stats s WHERE s.id = 1 FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(p_counts, 1), 0) LOOP
        IF p_keys[i] IS NOT NULL THEN
            SELECT k.first_seq, k.last_seq INTO v_key_first, v_key_last FROM idempotency_keys k WHERE k.batch_key = p_keys[i];
            IF FOUND THEN
                IF p_batch_ids[i] IS NOT NULL THEN
                    DELETE FROM rating_rows r WHERE r.batch_id = p_batch_ids[i];
                END IF;
                first_seq := v_key_first; last_seq := v_key_last; duplicate := true;
                RETURN NEXT;
                CONTINUE;
            END IF;
        END IF;
        IF p_batch_ids[i] IS NULL THEN
            RAISE EXCEPTION 'idempotency key "%" was pruned while its retry was being committed; retry the batch', p_keys[i]
                USING ERRCODE = '40001';
        END IF;
        first_seq := v_last + 1;
        last_seq := v_last + p_counts[i];
        duplicate := false;
        INSERT INTO rating_batches (first_seq, batch_id, count) VALUES (first_seq, p_batch_ids[i], p_counts[i]);
        IF p_keys[i] IS NOT NULL THEN
            INSERT INTO idempotency_keys (batch_key, first_seq, last_seq, created_at) VALUES (p_keys[i], first_seq, last_seq, p_now);
        END IF;
        v_last := last_seq;
        v_count := v_count + p_counts[i];
        v_sum := v_sum + p_sums[i];
        RETURN NEXT;
    END LOOP;
    UPDATE log_stats s
    SET rating_count = s.rating_count + v_count, value_sum = s.value_sum + v_sum, last_seq = v_last,
        user_count = s.user_count + p_new_users, item_count = s.item_count + p_new_items
    WHERE s.id = 1;
END
$body$;
