// Redis client: a small RAII wrapper of hiredis (commands, pipelines, MULTI/EXEC) and a private redis-server.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;  // hiredis's connection; only redis.cpp includes <hiredis/hiredis.h>

namespace streamlab::redis {

/// Where a Redis server listens: `redis://HOST:PORT` (TCP; the port defaults to 6379) or
/// `unix:///path/to.sock` (a unix socket).
struct Address {
  std::string host;            ///< TCP host name or address; empty for a unix socket
  int port = 6379;             ///< TCP port
  std::filesystem::path unix;  ///< socket path; empty for TCP

  /// Parses a URL; throws std::invalid_argument with a sentence saying what is wrong
  /// (`redis://` and `unix://` are the only schemes; no user, password or database number).
  static Address parse(std::string_view url);
  /// The address as a URL, e.g. `unix:///tmp/x/redis.sock` or `redis://127.0.0.1:6379`.
  std::string url() const;
};

/// The server could not be reached, the connection broke, or a reply did not come within the
/// timeout. The connection that threw it is closed: make a new one to go on.
class Error : public std::runtime_error {
 public:
  /// `timed_out`: no reply within Options::io_timeout (the server may still run the command).
  Error(const std::string& message, bool timed_out) : std::runtime_error(message), timed_out_(timed_out) {}
  /// Whether the cause was a timeout rather than a refused or broken connection.
  bool timed_out() const noexcept { return timed_out_; }

 private:
  bool timed_out_;
};

/// The server answered a command with an error reply, e.g. `NOGROUP No such key ...`. The
/// connection is fine and can be used again.
class ServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  /// The error's first word, e.g. `NOGROUP`, `BUSYGROUP`, `WRONGTYPE`, `ERR`.
  std::string code() const;
};

/// One reply, copied out of hiredis into plain C++ values (RESP2: a string, a status such as
/// `OK`, an integer, nil, an array of replies, or an error).
class Reply {
 public:
  /// What kind of reply this is.
  enum class Type { string, status, integer, nil, array, error };

  Reply() = default;
  /// A reply of `type` with text (string, status, error) or integer.
  Reply(Type type, std::string text, long long integer = 0) : type_(type), text_(std::move(text)), integer_(integer) {}
  /// An array reply.
  explicit Reply(std::vector<Reply> elements) : type_(Type::array), elements_(std::move(elements)) {}

  /// The kind of reply.
  Type type() const noexcept { return type_; }
  /// Whether the reply is nil (a missing key, a BLOCK that timed out, an aborted EXEC).
  bool is_nil() const noexcept { return type_ == Type::nil; }
  /// Whether the reply is an error reply.
  bool is_error() const noexcept { return type_ == Type::error; }
  /// The text of a string, status or error reply; throws std::logic_error for other types.
  const std::string& text() const;
  /// An integer reply, or a string reply that holds a whole number (hash fields, XINFO values);
  /// throws std::logic_error otherwise.
  long long integer() const;
  /// The elements of an array reply (none for nil); throws std::logic_error for other types.
  const std::vector<Reply>& elements() const;
  /// Element `i` of an array reply; throws std::logic_error when out of range.
  const Reply& operator[](std::size_t i) const;
  /// In a flat array of name/value pairs (HGETALL, XINFO GROUPS entries): the value after `name`,
  /// or nullptr when there is none.
  const Reply* field(std::string_view name) const;

 private:
  Type type_ = Type::nil;
  std::string text_;
  long long integer_ = 0;
  std::vector<Reply> elements_;
};

/// A command as its words, e.g. `{"XACK", "readings", "stats", "1700000000000-0"}`. Words are
/// sent as binary-safe strings (no quoting, no formatting).
using Command = std::vector<std::string>;

/// Settings of a Connection.
struct Options {
  /// How long connecting may take.
  std::chrono::milliseconds connect_timeout{2000};
  /// How long one reply may take. A blocking command (XREADGROUP ... BLOCK T) needs more than T.
  std::chrono::milliseconds io_timeout{5000};
};

/// One connection to a Redis server (hiredis, blocking I/O with timeouts), closed by the
/// destructor. Use it from one thread at a time.
///
/// - command() sends one command and waits for its reply: one round trip.
/// - pipeline() sends many commands in one write and then reads all their replies: one round
///   trip for the lot, which is what makes a stream of small commands fast (lesson 02's batching,
///   over a socket).
/// - transaction() wraps commands in MULTI/EXEC, pipelined: they run all together or not at all,
///   and no other client's command runs between them.
/// - Every wait has a timeout (Options): a dead server is an Error, never a hang.
///
/// **Example**
/// \code
/// streamlab::redis::Connection redis{streamlab::redis::Address::parse("unix:///tmp/r/redis.sock")};
/// redis.command({"XADD", "readings", "*", "sensor", "3", "value", "20.5"});
/// std::vector<streamlab::redis::Command> batch;
/// for (int i = 0; i < 100; ++i) batch.push_back({"XADD", "readings", "*", "i", std::to_string(i)});
/// auto replies = redis.pipeline(batch);          // 100 entry IDs, one round trip
/// redis.transaction({{"HSET", "state", "n", "100"}, {"XACK", "readings", "group", id}});
/// \endcode
class Connection {
 public:
  /// Connects; throws Error naming the URL and the reason (refused, no such socket, timeout).
  explicit Connection(Address address, Options options = {});
  /// Closes the connection.
  ~Connection();
  /// Takes over `other`'s connection; `other` is left closed.
  Connection(Connection&& other) noexcept;
  /// Closes this connection and takes over `other`'s.
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Sends one command and returns its reply. Throws ServerError on an error reply, Error when
  /// the connection fails or the reply takes longer than the I/O timeout.
  Reply command(const Command& words);
  /// command() with the words written in place: `redis.command({"PING"})`.
  Reply command(std::initializer_list<std::string_view> words);
  /// Sends all `commands` at once, then reads their replies, in order. An error reply is a value
  /// in the result (Reply::is_error), not an exception: the others have run. Throws Error when
  /// the connection fails.
  std::vector<Reply> pipeline(const std::vector<Command>& commands);
  /// Runs `commands` as one MULTI/EXEC transaction, pipelined in one round trip, and returns
  /// EXEC's replies, one per command. Throws ServerError when the transaction was refused
  /// (EXECABORT: a command was malformed, so none ran) or aborted (a WATCHed key changed).
  std::vector<Reply> transaction(const std::vector<Command>& commands);

  /// Changes the I/O timeout from now on (e.g. before a long BLOCK).
  void set_io_timeout(std::chrono::milliseconds timeout);
  /// The I/O timeout in force.
  std::chrono::milliseconds io_timeout() const noexcept { return options_.io_timeout; }
  /// The server this connection is to.
  const Address& address() const noexcept { return address_; }
  /// Whether the connection is still usable (false after an Error, or once moved from).
  bool is_open() const noexcept { return context_ != nullptr; }

 private:
  void append(const Command& words);
  Reply read_reply();
  [[noreturn]] void fail(std::string_view doing);  // closes and throws Error

  Address address_;
  Options options_;
  redisContext* context_ = nullptr;
};

/// How a LocalServer listens: on a unix socket in its folder (the default: no port to clash with), or
/// on TCP at 127.0.0.1, on a free port the kernel picks when it starts — a real network stack, as
/// a client on another machine meets it (bench_redis_stream measures both).
enum class Listen { unix_socket, tcp_loopback };

/// A private redis-server for one program or test run: it listens on a unix socket in a fresh
/// temporary folder (no TCP port, so it cannot clash with another server) or, if asked, on a TCP
/// port of 127.0.0.1 chosen at run time (never a fixed one), keeps nothing on disk
/// (no RDB snapshot, no AOF), and runs in its own process group, so a Ctrl-C at the terminal
/// reaches the program, which then stops the server itself. If the program is killed outright,
/// the server is killed too (Linux's parent-death signal).
///
/// The constructor returns once the server answers PING; stop() or the destructor shuts it down
/// (SHUTDOWN NOSAVE, then SIGKILL after a second) and removes the folder.
///
/// **Example**
/// \code
/// streamlab::redis::LocalServer server;   // throws if redis-server is missing or does not start
/// streamlab::redis::Connection redis{server.address()};
/// \endcode
class LocalServer {
 public:
  /// Starts `redis-server` (found on PATH); throws Error if it is not installed (naming the
  /// package) or does not answer within `startup_timeout`.
  explicit LocalServer(std::chrono::milliseconds startup_timeout = std::chrono::milliseconds{5000},
                       Listen listen = Listen::unix_socket);
  /// Stops the server and removes its folder.
  ~LocalServer();
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  /// Its address (`unix://…/redis.sock`, or `redis://127.0.0.1:PORT` for Listen::tcp_loopback).
  const Address& address() const noexcept { return address_; }
  /// The server's process id (-1 once stopped).
  pid_t pid() const noexcept { return pid_; }
  /// Kills the server at once with SIGKILL, as a crash would (for tests of a server that dies).
  void kill() noexcept;
  /// Shuts the server down and waits for it; safe to call more than once.
  void stop() noexcept;

 private:
  struct Folder;
  bool start(const std::string& program, std::chrono::milliseconds startup_timeout);  // false: port taken

  std::unique_ptr<Folder> folder_;
  Address address_;
  pid_t pid_ = -1;
};

}  // namespace streamlab::redis
