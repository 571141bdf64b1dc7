-- The change log behind TaskService.WatchTasks (docs/design/watch-tasks.md).
-- Tables of the PhotoFlow service's own, which the Prisma app neither reads
-- nor writes: docs/migrations.md shows the ignored models that describe them.
-- Triggers on "Tasks" and "task_comments" write it, whoever changes a task:
-- this service, the Prisma app or psql. Prisma does not model triggers or
-- functions, and its schema diff ignores them.
--
-- No semicolon may appear in this file except at the end of a statement,
-- because Prisma's driver-adapter migrate splits files on every one. The
-- PL/pgSQL bodies are therefore E-strings that spell it \x3B.

-- CreateTable
CREATE TABLE "photoflow_task_changes" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT,
    "xact" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "task_id" INTEGER NOT NULL,
    "operation" TEXT NOT NULL,
    "old_row" JSONB,
    "new_row" JSONB,
    "old_etag" TEXT,
    "new_etag" TEXT,
    "committed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "photoflow_task_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "photoflow_watch_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "epoch" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pruned_through" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "photoflow_watch_state_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "photoflow_task_changes_seq_key" ON "photoflow_task_changes"("seq");

INSERT INTO "photoflow_watch_state" ("id") VALUES (1);

-- One log row per changed task row, written when the transaction commits (a
-- deferred constraint trigger). OLD and NEW are the row as it was and became
-- at the change, xmin included (the etag). "id" is the order of writing, not
-- of commit: the row's place in commit order, "seq", is given after it has
-- committed, by photoflow_sequence_task_changes below. Writers take no lock
-- and send no NOTIFY here (NOTIFY takes a database-wide lock until the commit
-- is flushed), so that concurrent commits still share one WAL flush.
-- SECURITY DEFINER with the migration's search_path: roles that write tasks
-- need no right on the log.
CREATE FUNCTION "photoflow_log_task_change"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS E'
BEGIN
  INSERT INTO "photoflow_task_changes" ("task_id", "operation", "old_row", "new_row", "old_etag", "new_etag")
  VALUES (coalesce(NEW."id", OLD."id"), TG_OP, to_jsonb(OLD), to_jsonb(NEW), OLD.xmin::text, NEW.xmin::text)\x3B
  RETURN NULL\x3B
END';

CREATE CONSTRAINT TRIGGER "photoflow_log_task_change"
AFTER INSERT OR UPDATE OR DELETE ON "Tasks"
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION "photoflow_log_task_change"();

-- A comment added, changed or removed is an UPDATE of its task, logged with
-- the task as it is at commit. A transaction that also changed the task row
-- (the service's CreateComment updates amount_of_comments) is logged by the
-- trigger above already, and a task deleted with its comments is gone.
CREATE FUNCTION "photoflow_log_comment_change"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS E'
BEGIN
  INSERT INTO "photoflow_task_changes" ("task_id", "operation", "old_row", "new_row", "old_etag", "new_etag")
  SELECT t."id", ''UPDATE'', to_jsonb(t), to_jsonb(t), t.xmin::text, t.xmin::text
  FROM "Tasks" AS t
  WHERE t."id" = coalesce(NEW."task_id", OLD."task_id") AND t.xmin <> pg_current_xact_id()::xid\x3B
  RETURN NULL\x3B
END';

CREATE CONSTRAINT TRIGGER "photoflow_log_comment_change"
AFTER INSERT OR UPDATE OR DELETE ON "task_comments"
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION "photoflow_log_comment_change"();

-- The task as the comment trigger logs it must be the newest: a comment
-- locks its task row when it is written (as an UPDATE of the task would), so
-- that a concurrent change of the task commits before it or waits for it,
-- and a REPEATABLE READ transaction whose snapshot missed one fails with a
-- serialization error instead of logging the task as it was.
CREATE FUNCTION "photoflow_lock_comment_task"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS E'
BEGIN
  PERFORM 1 FROM "Tasks" WHERE "id" = coalesce(NEW."task_id", OLD."task_id") FOR NO KEY UPDATE\x3B
  RETURN NULL\x3B
END';

CREATE TRIGGER "photoflow_lock_comment_task"
AFTER INSERT OR UPDATE OR DELETE ON "task_comments"
FOR EACH ROW EXECUTE FUNCTION "photoflow_lock_comment_task"();

-- The sequencer: numbers the changes that have committed since its last run
-- ("seq", without gaps), a transaction's changes together and in the order
-- they were written, transactions in the order of their first change, then
-- NOTIFYs the servers' listeners. Any server may run it, one at a time: a
-- second caller waits for the advisory lock (one per log, so per schema, for
-- 5 s at most), or gets -1 at once unless "wait_for_lock". Each statement of
-- a run sees every run before it (READ COMMITTED), so a change that commits
-- later never gets a lower number. For one task this is commit order: a
-- change of a task waits for the row lock of the change before it, so it is
-- written after that one committed. "max_changes" NULL numbers them all.
-- Returns how many changes it numbered.
CREATE FUNCTION "photoflow_sequence_task_changes"("max_changes" INTEGER, "wait_for_lock" BOOLEAN) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT SET lock_timeout = '5s' AS E'
DECLARE
  "last_seq" BIGINT\x3B
  "numbered" BIGINT\x3B
BEGIN
  IF current_setting(''transaction_isolation'') <> ''read committed'' THEN
    RAISE EXCEPTION ''photoflow_sequence_task_changes needs READ COMMITTED, not %'', current_setting(''transaction_isolation'')\x3B
  END IF\x3B
  IF "wait_for_lock" THEN
    PERFORM pg_advisory_xact_lock(727073691, ''"photoflow_task_changes"''::regclass::oid::integer)\x3B
  ELSIF NOT pg_try_advisory_xact_lock(727073691, ''"photoflow_task_changes"''::regclass::oid::integer) THEN
    RETURN -1\x3B
  END IF\x3B
  SELECT greatest(s."pruned_through", (SELECT max(c."seq") FROM "photoflow_task_changes" AS c))
  INTO "last_seq" FROM "photoflow_watch_state" AS s WHERE s."id" = 1\x3B
  IF "last_seq" IS NULL THEN
    RAISE EXCEPTION ''photoflow_watch_state has no row 1''\x3B
  END IF\x3B
  UPDATE "photoflow_task_changes" AS c SET "seq" = "last_seq" + p."position"
  FROM (SELECT w."id", row_number() OVER (ORDER BY w."first_id", w."id") AS "position"
        FROM (SELECT "id", min("id") OVER (PARTITION BY "xact") AS "first_id"
              FROM "photoflow_task_changes" WHERE "seq" IS NULL) AS w
        ORDER BY w."first_id", w."id" LIMIT "max_changes") AS p
  WHERE c."id" = p."id"\x3B
  GET DIAGNOSTICS "numbered" = ROW_COUNT\x3B
  IF "numbered" > 0 THEN
    PERFORM pg_notify(''photoflow_task_changes'', '''')\x3B
  END IF\x3B
  RETURN "numbered"\x3B
END';

-- Row triggers do not see TRUNCATE: a new epoch tells every watcher that the
-- log no longer describes the table, so their tokens expire. What committed
-- before (TRUNCATE waited for every writer) is numbered first, in the old
-- epoch, so that no change from before it follows a new epoch's start (the
-- sequencer needs READ COMMITTED: in another level that is left to chance).
CREATE FUNCTION "photoflow_reset_task_changes"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS E'
BEGIN
  IF current_setting(''transaction_isolation'') = ''read committed'' THEN
    PERFORM "photoflow_sequence_task_changes"(NULL, true)\x3B
  END IF\x3B
  UPDATE "photoflow_watch_state" SET "epoch" = gen_random_uuid()\x3B
  PERFORM pg_notify(''photoflow_task_changes'', '''')\x3B
  RETURN NULL\x3B
END';

CREATE TRIGGER "photoflow_reset_task_changes"
AFTER TRUNCATE ON "Tasks"
FOR EACH STATEMENT EXECUTE FUNCTION "photoflow_reset_task_changes"();
