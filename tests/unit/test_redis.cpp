// Tests of streamlab::redis (redis.hpp) against a private redis-server: the CTest fixture
// `redis_server` (tests/redis/redis_fixture.sh) starts one and names its URL in the file given by
// STREAMLAB_REDIS_FIXTURE. The LocalServer cases start their own.
#include "streamlab/redis.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <string>

using namespace std::chrono_literals;
using streamlab::redis::Address;
using streamlab::redis::Command;
using streamlab::redis::Connection;
using streamlab::redis::Error;
using streamlab::redis::LocalServer;
using streamlab::redis::Options;
using streamlab::redis::Reply;
using streamlab::redis::ServerError;

namespace {

// The fixture's server (the test fails, rather than passes, when there is none).
Address fixture_address() {
  const char* state = std::getenv("STREAMLAB_REDIS_FIXTURE");
  REQUIRE(state != nullptr);
  std::ifstream in{state};
  std::string url;
  std::getline(in, url);
  REQUIRE(!url.empty());
  return Address::parse(url);
}

// Keys of one test case, apart from every other case and run that shares the server.
std::string key(std::string_view name) { return fmt::format("test_redis:{}:{}", ::getpid(), name); }

}  // namespace

TEST_CASE("URLs: redis://HOST:PORT and unix:///path, anything else a clear error") {
  const Address tcp = Address::parse("redis://10.0.0.5:7000");
  CHECK(tcp.host == "10.0.0.5");
  CHECK(tcp.port == 7000);
  CHECK(tcp.unix.empty());
  CHECK(tcp.url() == "redis://10.0.0.5:7000");
  CHECK(Address::parse("redis://localhost").port == 6379);
  CHECK(Address::parse("redis://localhost:6380/").port == 6380);
  const Address local = Address::parse("unix:///tmp/r/redis.sock");
  CHECK(local.unix == "/tmp/r/redis.sock");
  CHECK(local.url() == "unix:///tmp/r/redis.sock");
  for (const char* bad :
       {"", "localhost:6379", "http://x:1", "redis://", "redis://:6379", "redis://h:0", "redis://h:65536",
        "redis://h:port", "redis://user:pw@h:1", "redis://h:1/0", "unix://", "unix://relative.sock"}) {
    INFO(bad);
    CHECK_THROWS_AS(Address::parse(bad), std::invalid_argument);
  }
  CHECK_THROWS_WITH(Address::parse("tcp://h:1"), Catch::Contains("'tcp://h:1' is not a Redis URL"));
}

TEST_CASE("connecting to nothing throws an Error that names the URL") {
  Address nowhere = Address::parse("unix:///nonexistent-streamlab-dir/redis.sock");
  CHECK_THROWS_WITH(Connection{nowhere}, Catch::Contains("cannot connect to unix:///nonexistent-streamlab-dir"));
  // A TCP port nobody listens on: take a free one from the kernel, then close it.
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(probe >= 0);
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(probe, reinterpret_cast<sockaddr*>(&any), sizeof any) == 0);
  socklen_t size = sizeof any;
  REQUIRE(::getsockname(probe, reinterpret_cast<sockaddr*>(&any), &size) == 0);
  ::close(probe);
  const auto url = fmt::format("redis://127.0.0.1:{}", ntohs(any.sin_port));
  try {
    Connection refused{Address::parse(url), Options{500ms, 500ms}};
    FAIL("connected to a closed port");
  } catch (const Error& error) {
    CHECK_THAT(error.what(), Catch::Contains("cannot connect to " + url));
    CHECK_FALSE(error.timed_out());
  }
}

TEST_CASE("commands: replies of every type, error replies as ServerError") {
  Connection redis{fixture_address()};
  CHECK(redis.command({"PING"}).text() == "PONG");
  CHECK(redis.command({"PING"}).type() == Reply::Type::status);
  CHECK(redis.command({"SET", key("s"), std::string("a\0b", 3)}).text() == "OK");
  CHECK(redis.command({"GET", key("s")}).text() == std::string("a\0b", 3));  // binary safe
  CHECK(redis.command({"GET", key("missing")}).is_nil());
  CHECK(redis.command({"INCRBY", key("n"), "41"}).integer() == 41);
  redis.command({"HSET", key("h"), "count", "7", "name", "x"});
  const Reply all = redis.command({"HGETALL", key("h")});
  REQUIRE(all.type() == Reply::Type::array);
  REQUIRE(all.field("count") != nullptr);
  CHECK(all.field("count")->integer() == 7);  // a string that holds a number
  CHECK(all.field("nothing") == nullptr);
  CHECK_THROWS_AS(all.field("name")->integer(), std::logic_error);
  try {
    redis.command({"XREADGROUP", "GROUP", "nogroup", "c", "STREAMS", key("nostream"), ">"});
    FAIL("no error reply");
  } catch (const ServerError& error) {
    CHECK(error.code() == "NOGROUP");
  }
  CHECK(redis.command({"PING"}).text() == "PONG");  // an error reply leaves the connection usable
  CHECK_THROWS_AS(redis.command(Command{}), std::invalid_argument);
  redis.command({"DEL", key("s"), key("n"), key("h")});
}

TEST_CASE("pipelining: many commands in one round trip, replies in order, an error reply is one value") {
  Connection redis{fixture_address()};
  std::vector<Command> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back({"INCR", key("counter")});
  batch.insert(batch.begin() + 500, Command{"HSET", key("counter"), "f", "v"});  // WRONGTYPE
  const auto replies = redis.pipeline(batch);
  REQUIRE(replies.size() == 1001);
  CHECK(replies[0].integer() == 1);
  CHECK(replies[499].integer() == 500);
  CHECK(replies[500].is_error());
  CHECK_THAT(replies[500].text(), Catch::StartsWith("WRONGTYPE"));
  CHECK(replies[1000].integer() == 1000);  // the commands after the error ran
  CHECK(redis.pipeline({}).empty());
  redis.command({"DEL", key("counter")});
}

TEST_CASE("transactions: MULTI/EXEC runs all or nothing") {
  Connection redis{fixture_address()};
  redis.command({"DEL", key("stream"), key("state")});
  redis.command({"XADD", key("stream"), "*", "v", "1"});
  redis.command({"XGROUP", "CREATE", key("stream"), "g", "0"});
  const Reply read = redis.command({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "10", "STREAMS", key("stream"), ">"});
  const std::string id = read[0][1][0][0].text();
  // State and acknowledgement together: lesson 10's commit.
  const auto results = redis.transaction({{"HSET", key("state"), "count", "1"}, {"XACK", key("stream"), "g", id}});
  REQUIRE(results.size() == 2);
  CHECK(results[0].integer() == 1);
  CHECK(results[1].integer() == 1);
  CHECK(redis.command({"XPENDING", key("stream"), "g"})[0].integer() == 0);

  SECTION("a malformed command refuses the whole transaction: nothing runs") {
    CHECK_THROWS_WITH(redis.transaction({{"HSET", key("state"), "count", "2"}, {"XACK", key("stream")}}),
                      Catch::StartsWith("EXECABORT") && Catch::Contains("command 2 of the transaction"));
    CHECK(redis.command({"HGET", key("state"), "count"}).text() == "1");
  }
  SECTION("a WATCHed key changed by another client aborts it") {
    Connection other{fixture_address()};
    redis.command({"WATCH", key("state")});
    other.command({"HSET", key("state"), "count", "5"});
    CHECK_THROWS_WITH(redis.transaction({{"HSET", key("state"), "count", "2"}}), Catch::Contains("WATCH"));
    CHECK(redis.command({"HGET", key("state"), "count"}).text() == "5");
  }
  redis.command({"DEL", key("stream"), key("state")});
}

TEST_CASE("timeouts: a reply that does not come in time is an Error, and the connection is closed") {
  Connection redis{fixture_address(), Options{1000ms, 100ms}};
  const auto start = std::chrono::steady_clock::now();
  try {
    redis.command({"BLPOP", key("empty-list"), "2"});  // the server would wait 2 s
    FAIL("no timeout");
  } catch (const Error& error) {
    CHECK(error.timed_out());
    CHECK_THAT(error.what(), Catch::Contains("no reply within 100 ms"));
  }
  CHECK(std::chrono::steady_clock::now() - start < 1900ms);
  CHECK_FALSE(redis.is_open());
  CHECK_THROWS_AS(redis.command({"PING"}), Error);
  // A longer timeout for a long BLOCK: set before the command.
  Connection patient{fixture_address(), Options{1000ms, 100ms}};
  patient.set_io_timeout(2000ms);
  CHECK(patient.command({"BLPOP", key("empty-list"), "0.3"}).is_nil());
}

TEST_CASE("a connection moves, and the moved-from one is closed") {
  Connection a{fixture_address()};
  Connection b = std::move(a);
  CHECK_FALSE(a.is_open());  // NOLINT(bugprone-use-after-move): that is the point
  CHECK(b.command({"PING"}).text() == "PONG");
  Connection c{fixture_address()};
  c = std::move(b);
  CHECK(c.command({"PING"}).text() == "PONG");
}

TEST_CASE("LocalServer: a private server on a unix socket, gone with its folder when stopped") {
  std::filesystem::path folder;
  pid_t pid = -1;
  {
    LocalServer server;
    REQUIRE(!server.address().unix.empty());
    folder = server.address().unix.parent_path();
    pid = server.pid();
    CHECK(std::filesystem::exists(server.address().unix));
    Connection redis{server.address()};
    CHECK(redis.command({"PING"}).text() == "PONG");
    CHECK(redis.command({"CONFIG", "GET", "port"})[1].text() == "0");   // no TCP port
    CHECK(redis.command({"CONFIG", "GET", "save"})[1].text().empty());  // no snapshots
  }
  CHECK_FALSE(std::filesystem::exists(folder));
  CHECK(::kill(pid, 0) == -1);  // reaped, not a zombie
  CHECK(errno == ESRCH);
}

TEST_CASE("LocalServer on TCP: 127.0.0.1 on a port picked at run time, two at once never clash") {
  pid_t pid = -1;
  {
    LocalServer a{std::chrono::milliseconds{5000}, streamlab::redis::Listen::tcp_loopback};
    LocalServer b{std::chrono::milliseconds{5000}, streamlab::redis::Listen::tcp_loopback};
    REQUIRE(a.address().unix.empty());
    CHECK(a.address().host == "127.0.0.1");
    CHECK(a.address().port > 0);
    CHECK(a.address().port != b.address().port);
    CHECK(a.address().url() == fmt::format("redis://127.0.0.1:{}", a.address().port));
    pid = a.pid();
    Connection redis{Address::parse(a.address().url())};
    CHECK(redis.command({"CONFIG", "GET", "port"})[1].text() == std::to_string(a.address().port));
    CHECK(redis.command({"CONFIG", "GET", "bind"})[1].text() == "127.0.0.1");  // loopback only
  }
  CHECK(::kill(pid, 0) == -1);  // stopped and reaped
  CHECK(errno == ESRCH);
}

TEST_CASE("a server that dies mid-run: the next command is an Error, not a hang") {
  LocalServer server;
  Connection redis{server.address(), Options{1000ms, 1000ms}};
  CHECK(redis.command({"PING"}).text() == "PONG");
  server.kill();
  CHECK_THROWS_AS(redis.command({"PING"}), Error);
  CHECK_FALSE(redis.is_open());
  CHECK_THROWS_WITH(Connection{server.address()}, Catch::Contains("cannot connect"));
  server.stop();
  server.stop();  // twice is fine
}
