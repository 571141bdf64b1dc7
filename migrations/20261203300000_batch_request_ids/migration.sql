-- The tasks a BatchCreateTasks request_id created, all of them, in request
-- order (resource_id keeps the first). Prisma emits this for the line
-- `resource_ids Int[]` of the ignored model photoflow_request_ids.

-- AlterTable
ALTER TABLE "photoflow_request_ids" ADD COLUMN     "resource_ids" INTEGER[];
