-- Idempotency keys of CreateTask and CreateComment (request_id, AIP-155).
-- A table of the PhotoFlow service's own: the Prisma app neither reads nor
-- writes it. Keys are kept for at least 24 hours, and older ones are removed by
-- the service as it goes.
CREATE TABLE "photoflow_request_ids" (
    "request_id" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),

    CONSTRAINT "photoflow_request_ids_pkey" PRIMARY KEY ("request_id", "method")
);

CREATE INDEX "photoflow_request_ids_created_at_idx" ON "photoflow_request_ids"("created_at");
