#include "streamlab/redis.hpp"

#include "streamlab/temp_dir.hpp"

#include <fmt/core.h>
#include <hiredis/hiredis.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

namespace streamlab::redis {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  const auto count = std::max<std::chrono::milliseconds::rep>(ms.count(), 1);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(count / 1000);
  tv.tv_usec = static_cast<suseconds_t>((count % 1000) * 1000);
  return tv;
}

// hiredis writes with write(2): a server that has gone away would kill the process with SIGPIPE.
// While one of these lives, SIGPIPE is blocked in this thread, and one it raised is consumed
// before the mask is restored, so the write fails with EPIPE instead (other threads untouched).
class SigpipeBlocked {
 public:
  SigpipeBlocked() noexcept {
    sigemptyset(&pipe_only_);
    sigaddset(&pipe_only_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only_, &previous_);
    sigset_t pending;
    sigpending(&pending);
    already_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeBlocked() {
    if (!already_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec no_wait{};
        sigtimedwait(&pipe_only_, nullptr, &no_wait);
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_only_{};
  sigset_t previous_{};
  bool already_pending_ = false;
};

Reply convert(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_STRING:
      return Reply{Reply::Type::string, std::string(r.str, r.len)};
    case REDIS_REPLY_STATUS:
      return Reply{Reply::Type::status, std::string(r.str, r.len)};
    case REDIS_REPLY_ERROR:
      return Reply{Reply::Type::error, std::string(r.str, r.len)};
    case REDIS_REPLY_INTEGER:
      return Reply{Reply::Type::integer, std::string{}, r.integer};
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) elements.push_back(convert(*r.element[i]));
      return Reply{std::move(elements)};
    }
    default:
      return Reply{};  // REDIS_REPLY_NIL
  }
}

struct ReplyDeleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};

// The absolute path of `program` on PATH, or nothing.
std::optional<std::string> find_on_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
    if (dir.empty()) continue;
    std::string candidate = fmt::format("{}/{}", dir, program);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// The last non-empty line of a file (a server's log), or "".
std::string last_line(const std::filesystem::path& file) {
  std::ifstream in{file};
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

}  // namespace

// ---- Address ----

Address Address::parse(std::string_view url) {
  const auto bad = [&](std::string_view why) {
    return std::invalid_argument(
        fmt::format("'{}' is not a Redis URL ({}): use redis://HOST:PORT or unix:///path/to.sock", url, why));
  };
  Address address;
  if (url.starts_with("unix://")) {
    const std::string_view path = url.substr(7);
    if (path.empty() || path.front() != '/')
      throw bad("a unix socket needs an absolute path, as in unix:///tmp/r.sock");
    if (path.size() >= sizeof(sockaddr_un{}.sun_path)) throw bad("the socket path is too long");
    address.unix = std::string(path);
    return address;
  }
  if (!url.starts_with("redis://")) throw bad("it must start with redis:// or unix://");
  std::string_view rest = url.substr(8);
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find_first_of("/@?#") != std::string_view::npos) throw bad("no user, password, database or path");
  const auto colon = rest.rfind(':');
  std::string_view host = rest.substr(0, colon);
  if (colon != std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    int value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value < 1 || value > 65535)
      throw bad("the port must be a number from 1 to 65535");
    address.port = value;
  }
  if (host.empty()) throw bad("no host");
  address.host = std::string(host);
  return address;
}

std::string Address::url() const {
  if (!unix.empty()) return "unix://" + unix.string();
  return fmt::format("redis://{}:{}", host, port);
}

// ---- Errors and replies ----

std::string ServerError::code() const {
  const std::string_view message = what();
  return std::string(message.substr(0, message.find(' ')));
}

const std::string& Reply::text() const {
  if (type_ != Type::string && type_ != Type::status && type_ != Type::error)
    throw std::logic_error("redis::Reply::text: not a string, status or error reply");
  return text_;
}

long long Reply::integer() const {
  if (type_ == Type::integer) return integer_;
  if (type_ == Type::string) {
    long long value = 0;
    const auto [end, error] = std::from_chars(text_.data(), text_.data() + text_.size(), value);
    if (error == std::errc{} && end == text_.data() + text_.size() && !text_.empty()) return value;
  }
  throw std::logic_error("redis::Reply::integer: not an integer reply");
}

const std::vector<Reply>& Reply::elements() const {
  if (type_ != Type::array && type_ != Type::nil) throw std::logic_error("redis::Reply::elements: not an array reply");
  return elements_;
}

const Reply& Reply::operator[](std::size_t i) const {
  const auto& all = elements();
  if (i >= all.size()) throw std::logic_error("redis::Reply: element index out of range");
  return all[i];
}

const Reply* Reply::field(std::string_view name) const {
  const auto& all = elements();
  for (std::size_t i = 0; i + 1 < all.size(); i += 2) {
    const Reply& key = all[i];
    if ((key.type_ == Type::string || key.type_ == Type::status) && key.text_ == name) return &all[i + 1];
  }
  return nullptr;
}

// ---- Connection ----

Connection::Connection(Address address, Options options) : address_(std::move(address)), options_(options) {
  const timeval tv = to_timeval(options_.connect_timeout);
  context_ = address_.unix.empty() ? redisConnectWithTimeout(address_.host.c_str(), address_.port, tv)
                                   : redisConnectUnixWithTimeout(address_.unix.c_str(), tv);
  if (context_ == nullptr) throw Error(fmt::format("cannot connect to {}: out of memory", address_.url()), false);
  if (context_->err != 0) {
    const bool timed_out = context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EINPROGRESS);
    const std::string reason = context_->errstr;
    redisFree(context_);
    context_ = nullptr;
    throw Error(fmt::format("cannot connect to {}: {}", address_.url(), reason), timed_out);
  }
  set_io_timeout(options_.io_timeout);
}

Connection::~Connection() {
  if (context_ != nullptr) redisFree(context_);
}

Connection::Connection(Connection&& other) noexcept
    : address_(std::move(other.address_)), options_(other.options_), context_(other.context_) {
  other.context_ = nullptr;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (context_ != nullptr) redisFree(context_);
    address_ = std::move(other.address_);
    options_ = other.options_;
    context_ = other.context_;
    other.context_ = nullptr;
  }
  return *this;
}

void Connection::set_io_timeout(std::chrono::milliseconds timeout) {
  if (context_ == nullptr) throw Error(fmt::format("{}: the connection is closed", address_.url()), false);
  options_.io_timeout = timeout;
  if (redisSetTimeout(context_, to_timeval(timeout)) != REDIS_OK) fail("setting the timeout");
}

void Connection::fail(std::string_view doing) {
  const int saved_errno = errno;
  std::string reason = "the connection is closed";
  bool timed_out = false;
  if (context_ != nullptr) {
    timed_out = context_->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK);
    reason = timed_out                        ? fmt::format("no reply within {} ms", options_.io_timeout.count())
             : context_->err == REDIS_ERR_EOF ? std::string("the server closed the connection")
                                              : std::string(context_->errstr);
    redisFree(context_);
    context_ = nullptr;
  }
  throw Error(fmt::format("{}: {} ({})", address_.url(), reason, doing), timed_out);
}

void Connection::append(const Command& words) {
  if (context_ == nullptr) fail("sending a command");
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(words.size());
  lengths.reserve(words.size());
  for (const std::string& word : words) {
    argv.push_back(word.data());
    lengths.push_back(word.size());
  }
  if (redisAppendCommandArgv(context_, static_cast<int>(words.size()), argv.data(), lengths.data()) != REDIS_OK)
    fail("sending a command");
}

Reply Connection::read_reply() {
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) fail("waiting for a reply");
  const std::unique_ptr<redisReply, ReplyDeleter> reply{static_cast<redisReply*>(raw)};
  return convert(*reply);
}

Reply Connection::command(const Command& words) {
  if (words.empty()) throw std::invalid_argument("redis::Connection::command: an empty command");
  const SigpipeBlocked no_sigpipe;
  append(words);
  Reply reply = read_reply();
  if (reply.is_error()) throw ServerError(reply.text());
  return reply;
}

Reply Connection::command(std::initializer_list<std::string_view> words) {
  Command owned;
  owned.reserve(words.size());
  for (std::string_view word : words) owned.emplace_back(word);
  return command(owned);
}

std::vector<Reply> Connection::pipeline(const std::vector<Command>& commands) {
  const SigpipeBlocked no_sigpipe;
  for (const Command& words : commands) {
    if (words.empty()) throw std::invalid_argument("redis::Connection::pipeline: an empty command");
  }
  for (const Command& words : commands) append(words);
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) replies.push_back(read_reply());
  return replies;
}

std::vector<Reply> Connection::transaction(const std::vector<Command>& commands) {
  std::vector<Command> wrapped;
  wrapped.reserve(commands.size() + 2);
  wrapped.push_back({"MULTI"});
  wrapped.insert(wrapped.end(), commands.begin(), commands.end());
  wrapped.push_back({"EXEC"});
  std::vector<Reply> replies = pipeline(wrapped);
  Reply& exec = replies.back();
  if (exec.is_error()) {
    // EXECABORT: a queued command was refused; say which.
    for (std::size_t i = 1; i + 1 < replies.size(); ++i) {
      if (replies[i].is_error())
        throw ServerError(fmt::format("{} (command {} of the transaction: {})", exec.text(), i, replies[i].text()));
    }
    throw ServerError(exec.text());
  }
  if (exec.is_nil()) throw ServerError("EXECABORT the transaction was aborted: a WATCHed key changed");
  return exec.elements();
}

// ---- LocalServer ----

struct LocalServer::Folder {
  TempDir dir{"redis"};
};

namespace {

// A TCP port of 127.0.0.1 that is free now: the kernel picks it for a socket bound to port 0. Another
// program may take it before the server binds it; start() then says so and the caller tries again.
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(fmt::format("cannot pick a TCP port: socket failed ({})", std::strerror(errno)), false);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  const int error = errno;
  ::close(fd);
  if (!ok) throw Error(fmt::format("cannot pick a TCP port: {}", std::strerror(error)), false);
  return ntohs(address.sin_port);
}

}  // namespace

LocalServer::LocalServer(std::chrono::milliseconds startup_timeout, Listen listen) {
  const auto program = find_on_path("redis-server");
  if (!program) {
    throw Error(
        "redis-server is not installed: sudo apt-get install redis-server (or run scripts/deps), "
        "or give --redis URL of a server you run",
        false);
  }
  folder_ = std::make_unique<Folder>();
  if (listen == Listen::unix_socket) {
    address_.unix = folder_->dir.path() / "redis.sock";
    address_.host.clear();
    start(*program, startup_timeout);
    return;
  }
  for (int attempt = 0;; ++attempt) {  // a port picked may be taken before the server binds it
    address_.host = "127.0.0.1";
    address_.port = free_loopback_port();
    if (start(*program, startup_timeout)) return;
    if (attempt == 4) throw Error("redis-server could not bind a free TCP port in 5 attempts", false);
  }
}

bool LocalServer::start(const std::string& program, std::chrono::milliseconds startup_timeout) {
  const std::filesystem::path& dir = folder_->dir.path();
  const std::string log = (dir / "redis.log").string();
  std::vector<std::string> words = {program,        "--dir",       dir.string(), "--save", "",
                                    "--appendonly", "no",          "--logfile",  log,      "--loglevel",
                                    "warning",      "--daemonize", "no"};
  if (address_.unix.empty()) {
    words.insert(words.end(), {"--port", std::to_string(address_.port), "--bind", address_.host});
  } else {
    words.insert(words.end(), {"--port", "0", "--unixsocket", address_.unix.string(), "--unixsocketperm", "700"});
  }
  // Everything the child needs is made before fork(): after it, only async-signal-safe calls.
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) throw Error(fmt::format("cannot start redis-server: fork failed ({})", std::strerror(errno)), false);
  if (child == 0) {
    ::setpgid(0, 0);                          // its own process group: a terminal's Ctrl-C is not for it
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);       // dies with us, even if we are killed outright
    if (::getppid() != parent) ::_exit(127);  // we died before prctl took effect
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(child, child);  // also here, so it holds whichever process runs first
  pid_ = child;
  // Wait until it answers PING, or has died, or the time is up.
  const auto deadline = std::chrono::steady_clock::now() + startup_timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      const std::string why = last_line(dir / "redis.log");
      if (address_.unix.empty() && why.find("already in use") != std::string::npos) return false;
      throw Error(fmt::format("redis-server stopped at startup{}{}", why.empty() ? "" : ": ", why), false);
    }
    try {
      Connection probe{address_, Options{std::chrono::milliseconds{200}, std::chrono::milliseconds{1000}}};
      if (probe.command({"PING"}).text() == "PONG") return true;
    } catch (const std::exception&) {
      // not listening yet
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw Error(fmt::format("redis-server did not answer within {} ms", startup_timeout.count()), true);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
}

LocalServer::~LocalServer() { stop(); }

void LocalServer::kill() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void LocalServer::stop() noexcept {
  if (pid_ > 0) {
    try {
      Connection admin{address_, Options{std::chrono::milliseconds{500}, std::chrono::milliseconds{1000}}};
      admin.command({"SHUTDOWN", "NOSAVE"});  // the server closes the connection: an Error, expected
    } catch (const std::exception&) {
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{1};
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
    pid_ = -1;
  }
  folder_.reset();
}

}  // namespace streamlab::redis
