-- CreateIndex
CREATE INDEX "Tasks_is_finished_dueAt_id_idx" ON "Tasks"("is_finished", "dueAt", "id");

-- CreateIndex
CREATE INDEX "Tasks_taskColumn_is_finished_dueAt_id_idx" ON "Tasks"("taskColumn", "is_finished", "dueAt", "id");

-- CreateIndex
CREATE INDEX "task_comments_task_id_idx" ON "task_comments"("task_id");
