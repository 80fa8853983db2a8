// DelayedLink: a TCP relay on 127.0.0.1 that holds every chunk of bytes for a fixed time before it
// passes it on, in each direction, so a client and a server on one machine meet the round trip of
// two machines on a network. bench_redis_stream uses it to measure pipelining over such a link
// (this kernel has no netem, which would add the delay in the network stack itself).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace streamlab::bench {

class DelayedLink {
 public:
  using Clock = std::chrono::steady_clock;

  /// Listens on a free port of 127.0.0.1; each connection made to it is relayed to
  /// `server_host:server_port`, every chunk delayed by `one_way` (the round trip gains twice that).
  DelayedLink(std::string server_host, int server_port, std::chrono::microseconds one_way)
      : server_host_(std::move(server_host)), server_port_(server_port), one_way_(one_way) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = loopback(0);
    socklen_t size = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_, 8) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
      throw std::runtime_error(std::string("DelayedLink: cannot listen: ") + std::strerror(errno));
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  DelayedLink(const DelayedLink&) = delete;
  DelayedLink& operator=(const DelayedLink&) = delete;

  /// Closes every socket (the relay threads then end) and waits for the threads.
  ~DelayedLink() {
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    {
      const std::lock_guard lock{mutex_};
      for (const int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& pump : pumps_) pump.join();
    for (const int fd : sockets_) ::close(fd);
    ::close(listener_);
  }

  /// The port to connect to, on 127.0.0.1.
  int port() const noexcept { return port_; }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    return address;
  }

  void accept_loop() {
    for (;;) {
      const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) return;  // shut down
      const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address = loopback(server_port_);
      ::inet_pton(AF_INET, server_host_.c_str(), &address.sin_addr);
      if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(client);
        if (server >= 0) ::close(server);
        continue;
      }
      for (const int fd : {client, server}) {
        const int one = 1;  // a chunk leaves when it is due, not when Nagle's algorithm lets it
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      }
      const std::lock_guard lock{mutex_};
      sockets_.push_back(client);
      sockets_.push_back(server);
      pumps_.emplace_back([this, client, server] { pump(client, server); });
      pumps_.emplace_back([this, client, server] { pump(server, client); });
    }
  }

  // One direction: read what arrives, stamp it with the time it is due, and write each chunk to
  // `to` once its time has come. ppoll waits for whichever comes first, so chunks overlap in flight
  // as packets do on a link: a pipeline of 1,000 commands is delayed once, not 1,000 times.
  void pump(int from, int to) {
    ::prctl(PR_SET_TIMERSLACK, 1UL);  // wake within microseconds, not the default 50 µs slack
    std::deque<std::pair<Clock::time_point, std::string>> in_flight;
    std::vector<char> buffer(1 << 16);
    bool open = true;
    while (open || !in_flight.empty()) {
      timespec wait{1, 0};
      if (!in_flight.empty()) {
        const auto left = std::max(in_flight.front().first - Clock::now(), Clock::duration::zero());
        wait.tv_sec = static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(left).count());
        wait.tv_nsec = static_cast<long>((left % std::chrono::seconds{1}).count());
      }
      pollfd readable{from, POLLIN, 0};
      const int ready = ::ppoll(&readable, open ? 1 : 0, &wait, nullptr);
      if (ready < 0 && errno != EINTR) break;
      if (ready > 0) {
        const ssize_t n = ::read(from, buffer.data(), buffer.size());
        if (n <= 0) {
          open = false;
        } else {
          in_flight.emplace_back(Clock::now() + one_way_, std::string(buffer.data(), static_cast<std::size_t>(n)));
        }
      }
      while (!in_flight.empty() && in_flight.front().first <= Clock::now()) {
        const std::string& chunk = in_flight.front().second;
        for (std::size_t sent = 0; sent < chunk.size();) {
          const ssize_t n = ::send(to, chunk.data() + sent, chunk.size() - sent, MSG_NOSIGNAL);
          if (n <= 0) return;  // the other side is gone
          sent += static_cast<std::size_t>(n);
        }
        in_flight.pop_front();
      }
    }
    ::shutdown(to, SHUT_WR);  // pass the end of the stream on
  }

  std::string server_host_;
  int server_port_;
  std::chrono::microseconds one_way_;
  int listener_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> sockets_;
  std::vector<std::thread> pumps_;
};

}  // namespace streamlab::bench
