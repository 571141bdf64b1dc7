#!/usr/bin/python3
"""PhotoFlow's live board from Python: create tasks in one batch, watch a
column (its tasks, then every change as it is committed), resume from a
token, and count the board per column.

    python3 examples/live_board.py [HOST:PORT] [--token TOKEN]   (default localhost:50051)
"""
import argparse
import sys

from photoflow import Client
from photoflow.v1 import task_service_pb2


def describe(event: task_service_pb2.TaskEvent) -> str:
    line = task_service_pb2.TaskEvent.Type.Name(event.type)
    if event.HasField("task"):
        line += f" #{event.task.id} {event.task.title}".rstrip()
        if event.task.amount_of_comments:
            line += f" (comments {event.task.amount_of_comments})"
    return line


def main(address: str, token: str) -> int:
    with Client(address, timeout=10, token=token) as client:
        client.wait_until_ready()
        wedding, portraits = client.batch_create_tasks([
            dict(title="Wedding Photography - Smith Family", due_at="2030-12-24",
                 status="Scheduled", task_column="1"),
            dict(title="Portraits - Jones", due_at="2030-12-10", status="Editing",
                 task_column="2"),
        ])
        print(f"created tasks {wedding.id}, {portraits.id} in one batch")

        # Column 2 as a view: its tasks, CURRENT, then changes. Once the view
        # is current, the wedding moves in, the portraits move out and the
        # wedding gets a comment: three changes, in commit order.
        view = client.watch_tasks(filter='task_column = "2"',
                                  fields=["title", "amount_of_comments"])
        changes = []
        for event in view:
            print(describe(event))
            if event.type == task_service_pb2.TaskEvent.CURRENT:
                client.move_task(wedding.id, "2")
                client.move_task(portraits.id, "3")
                client.create_comment(wedding.id, "Proofs sent")
            elif event.type != task_service_pb2.TaskEvent.EXISTING:
                changes.append(event)
                if len(changes) == 3:
                    break
        view.close()

        # A client that lost its stream resumes after the last event it saw.
        resumed = client.watch_tasks(filter='task_column = "2"',
                                     resume_token=changes[0].resume_token)
        again = [next(resumed) for _ in range(2)]
        resumed.close()
        print("resumed after the first change: " +
              ", ".join(f"{task_service_pb2.TaskEvent.Type.Name(e.type)} #{e.task.id}" for e in again))

        for column in client.summarize_board().columns:
            print(f"column {column.task_column}: {column.unfinished_tasks} unfinished, "
                  f"{column.finished_tasks} finished, {column.overdue_tasks} overdue, "
                  f"comments {column.comments}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="PhotoFlow live board")
    parser.add_argument("address", nargs="?", default="localhost:50051")
    parser.add_argument("--token", help="bearer token (default: $PHOTOFLOW_TOKEN)")
    args = parser.parse_args()
    sys.exit(main(args.address, args.token))
