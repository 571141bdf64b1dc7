"""Python client for the PhotoFlow service (photoflow.v1).

    from photoflow import Client, NotFound

    with Client("localhost:50051") as client:
        task = client.create_task("Wedding Photography - Smith Family",
                                  due_at=datetime.date(2026, 12, 24), status="Scheduled")
        for task in client.list_tasks(filter="is_finished = false", order_by="due_at"):
            print(task.id, task.title)

The generated messages and stubs are in photoflow.v1 (task_pb2, task_service_pb2_grpc, ...).
"""
from photoflow.client import Client
from photoflow.errors import (
    Aborted,
    AlreadyExists,
    DeadlineExceeded,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PhotoflowError,
    ResourceExhausted,
    PermissionDenied,
    Unauthenticated,
    Unavailable,
)
from photoflow.paging import pages

__all__ = [
    "Aborted",
    "AlreadyExists",
    "Client",
    "DeadlineExceeded",
    "FailedPrecondition",
    "FieldViolation",
    "InvalidArgument",
    "NotFound",
    "PhotoflowError",
    "ResourceExhausted",
    "PermissionDenied",
    "Unauthenticated",
    "Unavailable",
    "pages",
]
