"""Failed calls as exceptions, with the google.rpc.Status details the server
sends (AIP-193): the reason (ErrorInfo) and the fields at fault (BadRequest)."""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import grpc

from google.rpc import error_details_pb2, status_pb2

STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class PhotoflowError(Exception):
    """A call that failed. `code` is the grpc.StatusCode; `reason`, `domain`
    and `metadata` come from google.rpc.ErrorInfo, `field_violations` from
    google.rpc.BadRequest, `retry_delay` (seconds, or None) from
    google.rpc.RetryInfo, when the server sent them."""

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, code: grpc.StatusCode, message: str, *, reason: str = "", domain: str = "",
                 metadata: Optional[Dict[str, str]] = None,
                 field_violations: Optional[List[FieldViolation]] = None,
                 retry_delay: Optional[float] = None):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.metadata = dict(metadata or {})
        self.field_violations = list(field_violations or [])
        self.retry_delay = retry_delay

    @property
    def fields(self) -> List[str]:
        """The names of the fields at fault, e.g. ["task.title"]."""
        return [violation.field for violation in self.field_violations]

    @staticmethod
    def from_rpc_error(error: grpc.RpcError) -> "PhotoflowError":
        """The exception for a grpc.RpcError raised by a stub call."""
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        message = error.details() if hasattr(error, "details") else str(error)
        details = _status_details(error)
        reason, domain, metadata, violations, retry_delay = "", "", {}, [], None
        if details is not None:
            for any_detail in details.details:
                if any_detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    any_detail.Unpack(info)
                    reason, domain, metadata = info.reason, info.domain, dict(info.metadata)
                elif any_detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    bad_request = error_details_pb2.BadRequest()
                    any_detail.Unpack(bad_request)
                    violations.extend(FieldViolation(v.field, v.description)
                                      for v in bad_request.field_violations)
                elif any_detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
                    retry = error_details_pb2.RetryInfo()
                    any_detail.Unpack(retry)
                    retry_delay = retry.retry_delay.ToTimedelta().total_seconds()
        error_class = _BY_CODE.get(code, PhotoflowError)
        return error_class(code, message or "", reason=reason, domain=domain, metadata=metadata,
                           field_violations=violations, retry_delay=retry_delay)


def _status_details(error: grpc.RpcError) -> Optional[status_pb2.Status]:
    trailing = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    for key, value in trailing or ():
        if key == STATUS_DETAILS_KEY:
            try:
                return status_pb2.Status.FromString(value)
            except Exception:  # a malformed trailer is no reason to lose the error itself
                return None
    return None


class InvalidArgument(PhotoflowError):
    """The request is wrong; `field_violations` names the fields."""


class NotFound(PhotoflowError):
    pass


class AlreadyExists(PhotoflowError):
    pass


class Aborted(PhotoflowError):
    """A stale etag: the task changed since it was read. Read it again and retry."""


class FailedPrecondition(PhotoflowError):
    pass


class ResourceExhausted(PhotoflowError):
    """The server is saturated, or this caller has too many calls in flight
    (reason CALLER_LIMIT_EXCEEDED): retry after `retry_delay` when set, else
    with backoff."""


class Unavailable(PhotoflowError):
    """The server or its database is unreachable; safe to retry with backoff."""


class DeadlineExceeded(PhotoflowError):
    pass


class Unauthenticated(PhotoflowError):
    """No bearer token, or one the server does not know (reason TOKEN_MISSING
    or TOKEN_UNKNOWN)."""


class PermissionDenied(PhotoflowError):
    """The token's scopes do not allow the method (reason SCOPE_MISSING)."""


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.ABORTED: Aborted,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
}
