-- The archive of finished tasks and their comments (photoflow-admin archive
-- and unarchive, docs/operations.md). Tables of the PhotoFlow service's own,
-- which the Prisma app neither reads nor writes: docs/migrations.md shows the
-- ignored models that describe them in the app's schema.prisma.

-- CreateTable
CREATE TABLE "photoflow_archived_tasks" (
    "id" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "task" TEXT NOT NULL,
    "additional_information" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "is_finished" BOOLEAN NOT NULL,
    "amount_of_comments" INTEGER NOT NULL,
    "taskColumn" TEXT NOT NULL,
    "archived_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "photoflow_archived_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "photoflow_archived_task_comments" (
    "id" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "task_id" INTEGER NOT NULL,
    "comment" TEXT NOT NULL,

    CONSTRAINT "photoflow_archived_task_comments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "photoflow_archived_tasks_dueAt_idx" ON "photoflow_archived_tasks"("dueAt");

-- CreateIndex
CREATE INDEX "photoflow_archived_task_comments_task_id_idx" ON "photoflow_archived_task_comments"("task_id");

-- AddForeignKey
ALTER TABLE "photoflow_archived_task_comments" ADD CONSTRAINT "photoflow_archived_task_comments_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "photoflow_archived_tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
