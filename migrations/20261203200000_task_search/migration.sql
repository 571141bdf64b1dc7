-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Tasks_task_idx" ON "Tasks" USING GIN ("task" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Tasks_additional_information_idx" ON "Tasks" USING GIN ("additional_information" gin_trgm_ops);
