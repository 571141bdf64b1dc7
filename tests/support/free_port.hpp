#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace photoflow::testing {

// A loopback TCP port nothing listens on right now (the kernel's pick for
// port 0), for helper servers that cannot be told to use port 0.
inline int FreePort() {
  const int socket_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  const bool bound = bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
  close(socket_fd);
  if (!bound) throw std::runtime_error("cannot find a free port");
  return ntohs(address.sin_port);
}

}  // namespace photoflow::testing
