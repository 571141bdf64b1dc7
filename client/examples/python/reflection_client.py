#!/usr/bin/python3
"""Creates a PhotoFlow task knowing nothing but the server's address.

Everything about the API (services, messages, fields) is discovered at run time
through gRPC server reflection, as grpcurl or Postman would do it. Used by the
end-to-end tests and runnable by hand:

    /usr/bin/python3 client/examples/python/reflection_client.py 127.0.0.1:50051 \
        build/tests/reflection.desc

The second argument is a descriptor set of grpc/reflection/v1alpha/reflection.proto
(the build makes it with protoc), so that no generated code is needed.
Prints the created task as JSON; exits 0 on success.
"""
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

REFLECTION_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
SERVICE = "photoflow.v1.TaskService"


def message_class(pool, full_name):
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName(full_name))


def main(address, reflection_descriptor_set):
    reflection_pool = descriptor_pool.DescriptorPool()
    file_set = descriptor_pb2.FileDescriptorSet()
    with open(reflection_descriptor_set, "rb") as handle:
        file_set.ParseFromString(handle.read())
    for file_proto in file_set.file:
        reflection_pool.Add(file_proto)
    Request = message_class(reflection_pool, "grpc.reflection.v1alpha.ServerReflectionRequest")
    Response = message_class(reflection_pool, "grpc.reflection.v1alpha.ServerReflectionResponse")

    channel = grpc.insecure_channel(address)
    reflect = channel.stream_stream(REFLECTION_METHOD,
                                    request_serializer=Request.SerializeToString,
                                    response_deserializer=Response.FromString)

    listing = next(reflect(iter([Request(list_services="")]), timeout=10))
    services = [service.name for service in listing.list_services_response.service]
    if SERVICE not in services:
        sys.exit(f"{SERVICE} not offered; server lists {services}")

    # The file defining the service usually comes with the files it imports;
    # any that do not are asked for by name.
    files = {}

    def fetch(request):
        answer = next(reflect(iter([request]), timeout=10))
        for raw in answer.file_descriptor_response.file_descriptor_proto:
            file_proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files.setdefault(file_proto.name, file_proto)

    api_pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):  # dependencies first, as the pool requires
        if name in added:
            return
        if name not in files:
            fetch(Request(file_by_filename=name))
        if name not in files:
            sys.exit(f"the server did not send {name}")
        for dependency in files[name].dependency:
            add(dependency)
        api_pool.Add(files[name])
        added.add(name)

    fetch(Request(file_containing_symbol=SERVICE))
    for name in list(files):
        add(name)

    method = api_pool.FindServiceByName(SERVICE).FindMethodByName("CreateTask")
    CreateTaskRequest = message_class(api_pool, method.input_type.full_name)
    Task = message_class(api_pool, method.output_type.full_name)
    request = json_format.ParseDict({
        "task": {
            "title": "Wedding Photography - Smith Family",
            "dueAt": "2026-03-15T00:00:00Z",
            "status": "Scheduled",
            "additionalInformation": "Created through server reflection",
        }
    }, CreateTaskRequest())
    create = channel.unary_unary(f"/{SERVICE}/CreateTask",
                                 request_serializer=CreateTaskRequest.SerializeToString,
                                 response_deserializer=Task.FromString)
    task = create(request, timeout=10)
    print(json_format.MessageToJson(task, indent=None))
    if task.id <= 0 or task.title != "Wedding Photography - Smith Family":
        sys.exit("unexpected task returned")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
