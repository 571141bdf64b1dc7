"""The wrapper's own logic, without a server: error mapping and paging.
(The example, run against a live server by the end-to-end tests, covers the
calls themselves.)"""
import datetime
import unittest

import grpc
from google.rpc import error_details_pb2, status_pb2

from photoflow import (Aborted, InvalidArgument, NotFound, PermissionDenied, PhotoflowError,
                       ResourceExhausted, pages)
from photoflow.client import to_timestamp
from photoflow.v1 import task_pb2, task_service_pb2


class FakeRpcError(grpc.RpcError):
    def __init__(self, code, details, trailing=()):
        super().__init__()
        self._code, self._details, self._trailing = code, details, trailing

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailing


def status_trailer(*details):
    status = status_pb2.Status(code=3, message="bad")
    for detail in details:
        status.details.add().Pack(detail)
    return (("grpc-status-details-bin", status.SerializeToString()),)


class ErrorMappingTest(unittest.TestCase):
    def test_invalid_argument_carries_reason_and_field_violations(self):
        bad_request = error_details_pb2.BadRequest()
        bad_request.field_violations.add(field="task.title", description="must not be empty")
        info = error_details_pb2.ErrorInfo(reason="INVALID_FIELD", domain="photoflow.v1",
                                           metadata={"field": "task.title"})
        error = PhotoflowError.from_rpc_error(FakeRpcError(
            grpc.StatusCode.INVALID_ARGUMENT, "task.title: must not be empty",
            status_trailer(info, bad_request)))
        self.assertIsInstance(error, InvalidArgument)
        self.assertEqual(error.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(error.reason, "INVALID_FIELD")
        self.assertEqual(error.domain, "photoflow.v1")
        self.assertEqual(error.metadata, {"field": "task.title"})
        self.assertEqual(error.fields, ["task.title"])
        self.assertEqual(error.field_violations[0].description, "must not be empty")
        self.assertEqual(str(error), "INVALID_ARGUMENT: task.title: must not be empty")

    def test_codes_pick_the_subclass_and_missing_details_are_fine(self):
        self.assertIsInstance(
            PhotoflowError.from_rpc_error(FakeRpcError(grpc.StatusCode.ABORTED, "stale")), Aborted)
        missing = PhotoflowError.from_rpc_error(FakeRpcError(grpc.StatusCode.NOT_FOUND, "gone"))
        self.assertIsInstance(missing, NotFound)
        self.assertEqual((missing.reason, missing.fields), ("", []))
        internal = PhotoflowError.from_rpc_error(FakeRpcError(grpc.StatusCode.INTERNAL, "oops"))
        self.assertIs(type(internal), PhotoflowError)

    def test_a_caller_over_its_limit_gets_the_retry_delay(self):
        retry = error_details_pb2.RetryInfo()
        retry.retry_delay.FromMilliseconds(100)
        info = error_details_pb2.ErrorInfo(reason="CALLER_LIMIT_EXCEEDED", domain="photoflow.v1")
        error = PhotoflowError.from_rpc_error(FakeRpcError(
            grpc.StatusCode.RESOURCE_EXHAUSTED, "too many", status_trailer(info, retry)))
        self.assertIsInstance(error, ResourceExhausted)
        self.assertEqual(error.reason, "CALLER_LIMIT_EXCEEDED")
        self.assertAlmostEqual(error.retry_delay, 0.1)
        plain = PhotoflowError.from_rpc_error(FakeRpcError(grpc.StatusCode.ABORTED, "stale"))
        self.assertIsNone(plain.retry_delay)

    def test_a_missing_scope_is_permission_denied(self):
        error = PhotoflowError.from_rpc_error(FakeRpcError(
            grpc.StatusCode.PERMISSION_DENIED, "caller 'viewer' lacks the scope tasks.write"))
        self.assertIsInstance(error, PermissionDenied)

    def test_a_malformed_trailer_keeps_the_error(self):
        error = PhotoflowError.from_rpc_error(FakeRpcError(
            grpc.StatusCode.INVALID_ARGUMENT, "bad", (("grpc-status-details-bin", b"\xff\xff"),)))
        self.assertIsInstance(error, InvalidArgument)
        self.assertEqual(error.fields, [])


class PagingTest(unittest.TestCase):
    def test_follows_tokens_until_the_empty_one(self):
        responses = {
            "": task_service_pb2.ListTasksResponse(tasks=[task_pb2.Task(id=1), task_pb2.Task(id=2)],
                                                   next_page_token="a"),
            "a": task_service_pb2.ListTasksResponse(tasks=[task_pb2.Task(id=3)],
                                                    next_page_token="b"),
            "b": task_service_pb2.ListTasksResponse(tasks=[]),
        }
        seen_tokens = []

        def fetch(request):
            seen_tokens.append(request.page_token)
            return responses[request.page_token]

        request = task_service_pb2.ListTasksRequest(filter="is_finished = false")
        self.assertEqual([task.id for task in pages(fetch, request, "tasks")], [1, 2, 3])
        self.assertEqual(seen_tokens, ["", "a", "b"])

    def test_is_lazy(self):
        calls = []

        def fetch(request):
            calls.append(request.page_token)
            return task_service_pb2.ListTasksResponse(tasks=[task_pb2.Task(id=len(calls))],
                                                      next_page_token="more")

        iterator = pages(fetch, task_service_pb2.ListTasksRequest(), "tasks")
        self.assertEqual(next(iterator).id, 1)
        self.assertEqual(len(calls), 1)


    def test_a_token_handed_back_unchanged_stops_the_walk(self):
        def fetch(request):
            return task_service_pb2.ListTasksResponse(tasks=[task_pb2.Task(id=1)],
                                                      next_page_token="same")

        request = task_service_pb2.ListTasksRequest(page_token="same")
        seen = []
        with self.assertRaisesRegex(RuntimeError, "same page token"):
            for task in pages(fetch, request, "tasks"):
                seen.append(task.id)
        self.assertEqual(seen, [1])


class TimestampTest(unittest.TestCase):
    def test_dates_are_midnight_utc_and_offsets_are_honoured(self):
        self.assertEqual(to_timestamp(datetime.date(2026, 12, 24)).seconds, 1798070400)
        self.assertEqual(to_timestamp("2026-12-24").seconds, 1798070400)
        self.assertEqual(to_timestamp("2026-12-24T01:00:00+01:00").seconds, 1798070400)
        cet = datetime.timezone(datetime.timedelta(hours=1))
        self.assertEqual(to_timestamp(datetime.datetime(2026, 12, 24, 1, tzinfo=cet)).seconds,
                         1798070400)
        with self.assertRaises(TypeError):
            to_timestamp(1798070400)


if __name__ == "__main__":
    unittest.main()
