"""A thin, typed wrapper over the generated stubs: keyword arguments in,
generated messages out, PhotoflowError subclasses instead of grpc.RpcError,
and iterators that follow page tokens."""
import datetime
import os
import time
from typing import Iterable, Iterator, List, Optional, Tuple, Union

import grpc
from google.protobuf import field_mask_pb2, timestamp_pb2

from photoflow.errors import PhotoflowError, Unavailable
from photoflow.paging import pages
from photoflow.v1 import (
    comment_pb2,
    comment_service_pb2,
    comment_service_pb2_grpc,
    task_pb2,
    task_service_pb2,
    task_service_pb2_grpc,
)

When = Union[datetime.date, datetime.datetime, str]

# Task fields UpdateTask can change, by their proto names.
UPDATABLE_TASK_FIELDS = ("title", "due_at", "status", "additional_information", "is_finished",
                         "task_column")


def to_timestamp(when: When) -> timestamp_pb2.Timestamp:
    """A date is that day at midnight UTC (the PhotoFlow app stores due dates as
    whole days); a naive datetime is taken as UTC; a string is a date
    ("2026-12-24") or RFC 3339."""
    timestamp = timestamp_pb2.Timestamp()
    if isinstance(when, str):
        timestamp.FromJsonString(when + "T00:00:00Z" if len(when) == 10 else when)
    elif isinstance(when, datetime.datetime):
        aware = when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
        timestamp.FromDatetime(aware.astimezone(datetime.timezone.utc).replace(tzinfo=None))
    elif isinstance(when, datetime.date):
        timestamp.FromDatetime(datetime.datetime(when.year, when.month, when.day))
    else:
        raise TypeError(f"expected a date, datetime or str, got {type(when).__name__}")
    return timestamp


def _read_pem(path: Optional[str]) -> Optional[bytes]:
    if path is None:
        return None
    with open(path, "rb") as pem:
        return pem.read()


class Client:
    """One channel to a PhotoFlow server. Every call gets `timeout` seconds
    (a deadline, as the server expects of its callers).

    Security, as the photoflow CLI's --tls, --ca, --cert, --key and --token:
    `tls` uses TLS with the system's CAs (implied by the others); `ca` is a
    CA bundle (PEM path) to trust instead; `cert` and `key` a client
    certificate for mutual TLS; `token` a bearer token, by default the
    PHOTOFLOW_TOKEN environment variable."""

    def __init__(self, target: str = "localhost:50051", *, timeout: float = 10.0,
                 channel: Optional[grpc.Channel] = None, tls: bool = False,
                 ca: Optional[str] = None, cert: Optional[str] = None,
                 key: Optional[str] = None, token: Optional[str] = None):
        if (cert is None) != (key is None):
            raise ValueError("cert and key go together (mutual TLS needs both)")
        if channel is None:
            if tls or ca is not None or cert is not None:
                credentials = grpc.ssl_channel_credentials(
                    root_certificates=_read_pem(ca), private_key=_read_pem(key),
                    certificate_chain=_read_pem(cert))
                channel = grpc.secure_channel(target, credentials)
            else:
                channel = grpc.insecure_channel(target)
        self._channel = channel
        if token is None:
            token = os.environ.get("PHOTOFLOW_TOKEN", "")
        # Plain metadata rather than call credentials, so that a token also
        # reaches a server on loopback without TLS; over a network, use TLS.
        self._metadata = (("authorization", "Bearer " + token),) if token else ()
        self._timeout = timeout
        self.tasks = task_service_pb2_grpc.TaskServiceStub(self._channel)
        self.comments = comment_service_pb2_grpc.CommentServiceStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, method, request):
        try:
            return method(request, timeout=self._timeout, metadata=self._metadata)
        except grpc.RpcError as error:
            raise PhotoflowError.from_rpc_error(error) from None

    # Tasks

    @staticmethod
    def _new_task(title: str, *, due_at: When, status: str, additional_information: str = "",
                  task_column: str = "", is_finished: bool = False) -> task_pb2.Task:
        return task_pb2.Task(title=title, due_at=to_timestamp(due_at), status=status,
                             additional_information=additional_information,
                             task_column=task_column, is_finished=is_finished)

    def create_task(self, title: str, *, due_at: When, status: str, additional_information: str = "",
                    task_column: str = "", is_finished: bool = False,
                    request_id: str = "") -> task_pb2.Task:
        """Creates a task. With a request_id, a retry of the same create returns
        the first task instead of creating a second one."""
        task = self._new_task(title, due_at=due_at, status=status,
                              additional_information=additional_information,
                              task_column=task_column, is_finished=is_finished)
        return self._call(self.tasks.CreateTask,
                          task_service_pb2.CreateTaskRequest(task=task, request_id=request_id))

    def batch_create_tasks(self, tasks: Iterable[dict], *,
                           request_id: str = "") -> List[task_pb2.Task]:
        """Creates up to 1,000 tasks (each a dict of create_task's keyword
        arguments, title included) in one transaction: all or none."""
        request = task_service_pb2.BatchCreateTasksRequest(request_id=request_id)
        for fields in tasks:
            request.requests.add(task=self._new_task(**fields))
        return list(self._call(self.tasks.BatchCreateTasks, request).tasks)

    def batch_get_tasks(self, task_ids: Iterable[int], *,
                        fields: Iterable[str] = ()) -> List[task_pb2.Task]:
        """The tasks of `task_ids`, in that order; NotFound names any missing."""
        request = task_service_pb2.BatchGetTasksRequest(
            ids=list(task_ids), read_mask=field_mask_pb2.FieldMask(paths=list(fields)))
        return list(self._call(self.tasks.BatchGetTasks, request).tasks)

    def batch_delete_tasks(self, tasks: Iterable[Union[int, Tuple[int, str]]]) -> None:
        """Deletes tasks (ids, or (id, etag) pairs) in one transaction: all or none."""
        request = task_service_pb2.BatchDeleteTasksRequest()
        for task in tasks:
            task_id, etag = task if isinstance(task, tuple) else (task, "")
            request.requests.add(id=task_id, etag=etag)
        self._call(self.tasks.BatchDeleteTasks, request)

    def summarize_board(self, *, filter: str = "") -> task_service_pb2.SummarizeBoardResponse:
        """Per kanban column: unfinished, finished and overdue tasks, and comments."""
        return self._call(self.tasks.SummarizeBoard,
                          task_service_pb2.SummarizeBoardRequest(filter=filter))

    def watch_tasks(self, *, filter: str = "", fields: Iterable[str] = (),
                    resume_token: str = "", resume: bool = True) -> Iterator[task_service_pb2.TaskEvent]:
        """The tasks matching `filter` (EXISTING, then CURRENT), then every
        change to them as it is committed (CREATED, UPDATED, DELETED, REMOVED),
        for as long as the iterator is followed; close() it to stop.

        With `resume` (the default), a stream the server ends with UNAVAILABLE
        (shutdown, database outage) or RESOURCE_EXHAUSTED (a slow reader) is
        resumed from the last token, after a short pause: no event is lost or
        repeated. TOKEN_EXPIRED (FailedPrecondition) is raised: start over
        without a token and rebuild the view."""
        token = resume_token
        delay = 0.2
        while True:
            request = task_service_pb2.WatchTasksRequest(
                filter=filter, resume_token=token,
                read_mask=field_mask_pb2.FieldMask(paths=list(fields)))
            stream = self.tasks.WatchTasks(request, metadata=self._metadata)
            try:
                for response in stream:
                    for event in response.events:
                        if event.resume_token:
                            token = event.resume_token
                        delay = 0.2
                        yield event
                return
            except grpc.RpcError as error:
                retry = resume and token and error.code() in (
                    grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED)
                if not retry:
                    raise PhotoflowError.from_rpc_error(error) from None
            finally:
                stream.cancel()
            time.sleep(delay)
            delay = min(delay * 2, 5.0)

    def get_task(self, task_id: int, *, fields: Iterable[str] = (),
                 comments: bool = False) -> task_pb2.Task:
        """One task; `fields` limits what is read, `comments` adds its comments."""
        paths = list(fields)
        if comments:
            paths = (paths or ["id", "created_at", "due_at", "title", "additional_information",
                               "status", "is_finished", "task_column", "amount_of_comments",
                               "etag"]) + ["comments"]
        request = task_service_pb2.GetTaskRequest(id=task_id,
                                                  read_mask=field_mask_pb2.FieldMask(paths=paths))
        return self._call(self.tasks.GetTask, request)

    def list_tasks(self, *, filter: str = "", order_by: str = "", page_size: int = 0,
                   fields: Iterable[str] = ()) -> Iterator[task_pb2.Task]:
        """Every task matching `filter` (AIP-160, see docs/api.md), in `order_by`
        order, fetched a page at a time as the iterator advances."""
        request = task_service_pb2.ListTasksRequest(
            filter=filter, order_by=order_by, page_size=page_size,
            read_mask=field_mask_pb2.FieldMask(paths=list(fields)))
        return pages(lambda r: self._call(self.tasks.ListTasks, r), request, "tasks")

    def update_task(self, task_id: int, *, etag: str = "", **changes) -> task_pb2.Task:
        """Changes the named fields only, e.g. update_task(7, status="Editing").
        With `etag`, fails with Aborted if the task changed since it was read."""
        unknown = set(changes) - set(UPDATABLE_TASK_FIELDS)
        if unknown:
            raise TypeError(f"not updatable: {', '.join(sorted(unknown))}")
        if not changes:
            raise TypeError("update_task needs at least one field to change")
        task = task_pb2.Task(id=task_id, etag=etag)
        for name, value in changes.items():
            if name == "due_at":
                task.due_at.CopyFrom(to_timestamp(value))
            else:
                setattr(task, name, value)
        request = task_service_pb2.UpdateTaskRequest(
            task=task, update_mask=field_mask_pb2.FieldMask(paths=sorted(changes)))
        return self._call(self.tasks.UpdateTask, request)

    def move_task(self, task_id: int, column: str, *, etag: str = "") -> task_pb2.Task:
        return self.update_task(task_id, etag=etag, task_column=column)

    def finish_task(self, task_id: int, finished: bool = True, *, etag: str = "") -> task_pb2.Task:
        return self.update_task(task_id, etag=etag, is_finished=finished)

    def delete_task(self, task_id: int, *, etag: str = "") -> None:
        self._call(self.tasks.DeleteTask, task_service_pb2.DeleteTaskRequest(id=task_id, etag=etag))

    # Comments

    def create_comment(self, task_id: int, text: str, *,
                       request_id: str = "") -> comment_pb2.Comment:
        request = comment_service_pb2.CreateCommentRequest(
            comment=comment_pb2.Comment(task_id=task_id, text=text), request_id=request_id)
        return self._call(self.comments.CreateComment, request)

    def get_comment(self, comment_id: int) -> comment_pb2.Comment:
        return self._call(self.comments.GetComment,
                          comment_service_pb2.GetCommentRequest(id=comment_id))

    def list_comments(self, task_id: int, *, page_size: int = 0) -> Iterator[comment_pb2.Comment]:
        """A task's comments, oldest first, a page at a time."""
        request = comment_service_pb2.ListCommentsRequest(task_id=task_id, page_size=page_size)
        return pages(lambda r: self._call(self.comments.ListComments, r), request, "comments")

    def update_comment(self, comment_id: int, text: str) -> comment_pb2.Comment:
        request = comment_service_pb2.UpdateCommentRequest(
            comment=comment_pb2.Comment(id=comment_id, text=text),
            update_mask=field_mask_pb2.FieldMask(paths=["text"]))
        return self._call(self.comments.UpdateComment, request)

    def delete_comment(self, comment_id: int) -> None:
        self._call(self.comments.DeleteComment,
                   comment_service_pb2.DeleteCommentRequest(id=comment_id))

    def wait_until_ready(self, timeout: float = 10.0) -> None:
        """Waits for the channel to connect; raises Unavailable if it does not."""
        try:
            grpc.channel_ready_future(self._channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise Unavailable(grpc.StatusCode.UNAVAILABLE,
                              f"no connection within {timeout} s") from None
