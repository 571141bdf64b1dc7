"""Following page tokens (AIP-158)."""
from typing import Callable, Iterator, TypeVar

Item = TypeVar("Item")


def pages(fetch: Callable, request, items_field: str) -> Iterator:
    """Yields every item of every page: calls fetch(request), yields the
    response's `items_field`, and repeats with next_page_token until it is
    empty (the only end-of-list signal). `request` is changed in place."""
    while True:
        response = fetch(request)
        yield from getattr(response, items_field)
        if not response.next_page_token:
            return
        if response.next_page_token == request.page_token:
            # Following it would loop for ever.
            raise RuntimeError("the server returned the same page token twice")
        request.page_token = response.next_page_token
