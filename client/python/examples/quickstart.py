#!/usr/bin/python3
"""PhotoFlow from Python: create a task, comment on it, walk the board, and
handle a stale etag and invalid input as a caller should.

    python3 examples/quickstart.py [HOST:PORT] [--tls] [--ca FILE] [--cert FILE --key FILE]
                                   [--token TOKEN]      (default localhost:50051)

The token defaults to the PHOTOFLOW_TOKEN environment variable.
"""
import argparse
import datetime
import sys
from collections import defaultdict

from photoflow import Aborted, Client, InvalidArgument


def main(address: str, security: dict) -> int:
    with Client(address, timeout=10, **security) as client:
        client.wait_until_ready()
        wedding = client.create_task("Wedding Photography - Smith Family",
                                     due_at=datetime.date(2026, 12, 24), status="Scheduled",
                                     task_column="1")
        print(f"created task {wedding.id}: {wedding.title} "
              f"(due {wedding.due_at.ToDatetime().date()})")
        client.create_task("Portraits - Jones", due_at="2026-12-10", status="Editing",
                           task_column="2")
        client.create_task("Baby shoot - Brown", due_at="2026-12-12", status="Scheduled",
                           task_column="1")

        comment = client.create_comment(wedding.id, "Client asked for two extra prints")
        wedding = client.get_task(wedding.id, comments=True)
        print(f"commented {comment.id} on task {wedding.id}; "
              f"it has {wedding.amount_of_comments} comment(s): {wedding.comments[0].text}")

        # The board: unfinished tasks by column, soonest first, two per page
        # to show the iterator following page tokens.
        board = defaultdict(list)
        for task in client.list_tasks(filter="is_finished = false", order_by="due_at",
                                      page_size=2):
            board[task.task_column].append(task)
        for column in sorted(board, key=lambda name: (not name.isdigit(), int(name) if name.isdigit() else 0, name)):
            titles = ", ".join(f"#{task.id} {task.title}" for task in board[column])
            print(f"column {column}: {titles}")

        # Someone else changes the task after we read it: our write must not
        # silently overwrite theirs.
        read = client.get_task(wedding.id)
        client.update_task(wedding.id, status="Editing")
        try:
            client.update_task(wedding.id, etag=read.etag, status="Delivered")
            print("stale etag accepted (wrong!)")
            return 1
        except Aborted as error:
            print(f"stale etag refused: {error.code.name} ({error.reason}); "
                  f"status is still {client.get_task(wedding.id).status}")

        try:
            client.create_task("", due_at="2026-12-24", status="Scheduled")
            print("empty title accepted (wrong!)")
            return 1
        except InvalidArgument as error:
            print(f"invalid input refused: {error.code.name}, fields {error.fields}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="PhotoFlow quickstart")
    parser.add_argument("address", nargs="?", default="localhost:50051")
    parser.add_argument("--tls", action="store_true", help="TLS with the system's CAs")
    parser.add_argument("--ca", help="CA bundle (PEM) to trust")
    parser.add_argument("--cert", help="client certificate (PEM), for mutual TLS")
    parser.add_argument("--key", help="the client certificate's key (PEM)")
    parser.add_argument("--token", help="bearer token (default: $PHOTOFLOW_TOKEN)")
    args = parser.parse_args()
    sys.exit(main(args.address, {"tls": args.tls, "ca": args.ca, "cert": args.cert,
                                 "key": args.key, "token": args.token}))
