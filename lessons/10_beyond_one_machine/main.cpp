// Lesson 10 · Beyond one machine — lesson 09's readings over a real distributed log: a Redis
// stream read by a consumer group of separate processes, a crashed consumer's entries taken over
// by a live one, state and acknowledgement committed together (exactly-once results) or apart
// (at-least-once: double counts), and retention that is not backpressure.
//
// Run:    scripts/run-lessons 10       (or build/release/lessons/10_beyond_one_machine --help)
//         on several machines, against one server (redis-server --port 6379 --save ''):
//           10_beyond_one_machine --redis redis://HOST:6379 produce --input readings.csv
//           10_beyond_one_machine --redis redis://HOST:6379 consume --group stats --name a   (each machine)
//           10_beyond_one_machine --redis redis://HOST:6379 report --group stats --summary-json s.json
// Golden: expected_output/10_beyond_one_machine.txt
//
// Without --redis the lesson starts a private redis-server (a unix socket in a temporary folder,
// no TCP port, nothing saved) and stops it on every way out. Exit status: 0 done; 1 the server
// failed or went away (what was committed is printed); 2 bad usage, an unreachable server or an
// unreadable input; 130 Ctrl-C, 143 SIGTERM (partial counts printed).
#include "streamlab/atomic_file.hpp"
#include "streamlab/chart.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/csv.hpp"
#include "streamlab/dead_letters.hpp"
#include "streamlab/interrupt.hpp"
#include "streamlab/json_writer.hpp"
#include "streamlab/output.hpp"
#include "streamlab/redis.hpp"
#include "streamlab/sensor_data.hpp"
#include "streamlab/stats.hpp"
#include "streamlab/summary_json.hpp"
#include "streamlab/temp_dir.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace redis = streamlab::redis;
using namespace std::chrono_literals;
using MonotonicClock = std::chrono::steady_clock;  // timeouts and rates (not streamlab::Clock, the injectable one)
using streamlab::OnlineStats;
using streamlab::RowError;

constexpr int exit_failed = 1;
constexpr std::size_t max_record_bytes = 4096;  // lesson 09's limit: a longer line is a bad row
constexpr auto block_time = 100ms;              // XREADGROUP ... BLOCK: how long one read may wait
constexpr std::int64_t retention = 5000;        // MAXLEN of the retention section's streams
constexpr std::int64_t demo_consumers = 3;      // consumer processes per group in the demo
constexpr const char* command_name = "10_beyond_one_machine";

// ---- Options: the demo's, and the subcommands' ----

struct Options {
  std::string redis;  // empty: start a private server
  std::string stream = "readings";
  std::int64_t batch = 100;
  std::int64_t claim_idle_ms = 500;
  std::int64_t rows = 20'000;
  std::uint64_t seed = 42;
  // produce
  std::string input;
  std::string delimiter = ",";
  // consume, report
  std::string group;
  std::string name;
  std::int64_t idle_exit_ms = 0;  // 0: until Ctrl-C or SIGTERM
  bool at_least_once = false;
  std::int64_t work_ms = 0;        // a slow consumer: this long per batch
  std::int64_t crash_at_line = 0;  // hidden: SIGKILL itself after reading this line, before committing
  std::string summary_json;
  // generate
  std::string output;
  streamlab::ChartOptions charts;  // the demo's chart: --no-charts, --plot-data DIR
};

// ---- The keys: everything about one stream lives under its name ----

//! [keys]
// readings                       the stream: one entry per reading (line, ts, sensor, value)
// readings:dead                  dead letters: bad rows and malformed entries, with the reason
// readings:producer              a hash: the producers' counts (rows read, valid, rejected by reason)
// readings:GROUP:consumers       a set: the group's consumers that have committed something
// readings:GROUP:partial:NAME    a hash: consumer NAME's committed state — per-sensor statistics
//                                (OnlineStats::State) and its counters
struct Keys {
  std::string stream;
  std::string dead() const { return stream + ":dead"; }
  std::string producer() const { return stream + ":producer"; }
  std::string consumers(const std::string& group) const { return fmt::format("{}:{}:consumers", stream, group); }
  std::string partial(const std::string& group, const std::string& name) const {
    return fmt::format("{}:{}:partial:{}", stream, group, name);
  }
};
//! [keys]

// A sensor's statistics as one hash value: the exact state, doubles in shortest round-trip form.
std::string encode(const OnlineStats& stats) {
  const OnlineStats::State s = stats.state();
  return fmt::format("{} {} {} {} {} {}", s.count, s.mean, s.mean_low, s.m2, s.min, s.max);
}

std::optional<OnlineStats> decode(std::string_view text) {
  std::array<std::string_view, 6> parts{};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto space = text.find(' ');
    parts[i] = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
  }
  const auto count = streamlab::parse_number<std::uint64_t>(parts[0]);
  std::array<double, 5> numbers{};
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const auto number = streamlab::parse_number<double>(parts[i + 1]);
    if (!number) return std::nullopt;
    numbers[i] = number.value;
  }
  if (!count || !text.empty()) return std::nullopt;
  return OnlineStats::from_state({count.value, numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]});
}

// ---- The data: lesson 09's generated readings, as a CSV file ----

// 16 sensors with rare spikes and about 1 row in 500 broken on purpose (streamlab::write_sensor_data,
// the data of lesson 09), written whole or not at all: false, and no file, when Ctrl-C or SIGTERM stopped it.
bool write_readings(const fs::path& path, std::int64_t rows, std::uint64_t seed) {
  return streamlab::write_sensor_csv(path, rows, seed, [] { return !streamlab::interrupted(); }).complete;
}

// ---- Produce: CSV rows → XADD, pipelined in batches ----

struct ProduceSettings {
  std::size_t batch = 100;
  std::optional<std::int64_t> maxlen;     // XADD ... MAXLEN n: retention
  std::optional<std::string> pace_group;  // wait while this group's backlog is above pace_limit
  std::int64_t pace_limit = 0;
  bool remember_lines = false;  // keep each entry's line number (the demo picks its crash point with them)
};

struct Produced {
  std::uint64_t rows = 0;   // records read, good and bad
  std::uint64_t valid = 0;  // entries appended
  std::array<std::uint64_t, streamlab::row_error_count> rejected{};
  std::map<std::uint64_t, OnlineStats> truth;  // one process over the same readings
  std::vector<std::uint64_t> lines;            // each entry's CSV line, when remember_lines
  std::uint64_t waits = 0;                     // backpressure: times the producer waited
  double seconds = 0;
  bool interrupted = false;

  std::uint64_t bad() const {
    std::uint64_t n = 0;
    for (auto r : rejected) n += r;
    return n;
  }
};

// One group's entry of XINFO GROUPS (name, consumers, pending, last-delivered-id, entries-read,
// lag), or nothing when the stream or the group does not exist yet.
std::optional<redis::Reply> group_info(redis::Connection& redis, const std::string& stream, const std::string& group) {
  if (redis.command({"EXISTS", stream}).integer() == 0) return std::nullopt;
  const redis::Reply groups = redis.command({"XINFO", "GROUPS", stream});  // kept: the loop refers into it
  for (const redis::Reply& g : groups.elements()) {
    if (g.field("name")->text() == group) return g;
  }
  return std::nullopt;
}

// The group's backlog: entries not yet delivered (lag) plus delivered but not acknowledged (pending).
std::int64_t backlog(redis::Connection& redis, const std::string& stream, const std::string& group) {
  const auto info = group_info(redis, stream, group);
  if (!info) return 0;
  const redis::Reply* lag = info->field("lag");
  const long long undelivered = lag != nullptr && !lag->is_nil() ? lag->integer() : 0;
  return undelivered + info->field("pending")->integer();
}

//! [produce]
// Each batch is one MULTI/EXEC, pipelined (one round trip): the XADDs of its readings and dead
// letters, and the producer's counts, so the counts always match the entries. A bad row is a
// dead letter with its line and reason, as in lesson 09; the good rows go on.
Produced produce(redis::Connection& redis, const Keys& keys, streamlab::CsvReader& reader,
                 const ProduceSettings& settings) {
  const auto start = MonotonicClock::now();
  const std::size_t ts_col = reader.require_column("timestamp_ms");
  const std::size_t sensor_col = reader.require_column("sensor_id");
  const std::size_t value_col = reader.require_column("value");
  Produced out;
  std::vector<redis::Command> batch;
  std::uint64_t batch_rows = 0, batch_valid = 0;
  std::array<std::uint64_t, streamlab::row_error_count> batch_rejected{};
  std::map<std::string, std::uint64_t> batch_labels;  // by reason and column, as lesson 09 counts them
  auto send = [&] {
    if (settings.pace_group) {  // backpressure: wait for the consumers rather than outrun them
      const auto waited_from = MonotonicClock::now();
      while (backlog(redis, keys.stream, *settings.pace_group) > settings.pace_limit && !streamlab::interrupted()) {
        if (MonotonicClock::now() - waited_from > 60s)
          throw std::runtime_error("the consumers took no entries for 60 s: are they running?");
        ++out.waits;
        std::this_thread::sleep_for(2ms);
      }
    }
    batch.push_back({"HINCRBY", keys.producer(), "rows_read", std::to_string(batch_rows)});
    batch.push_back({"HINCRBY", keys.producer(), "rows_valid", std::to_string(batch_valid)});
    for (RowError e : streamlab::all_row_errors) {
      if (const auto n = batch_rejected[streamlab::row_error_index(e)]; n > 0)
        batch.push_back(
            {"HINCRBY", keys.producer(), fmt::format("rejected:{}", streamlab::row_error_name(e)), std::to_string(n)});
    }
    for (const auto& [label, n] : batch_labels)
      batch.push_back({"HINCRBY", keys.producer(), "rejected_as:" + label, std::to_string(n)});
    redis.transaction(batch);
    batch.clear();
    batch_rows = batch_valid = 0;
    batch_rejected = {};
    batch_labels.clear();
  };
  // A rejected row: counted by reason, and by reason and column (`not_a_number(value)`; no column
  // for a fault of the whole record), as lesson 09's summary counts it.
  auto dead_letter = [&](const streamlab::CsvRow& row, RowError reason, std::string_view column) {
    ++out.rejected[streamlab::row_error_index(reason)];
    ++batch_rejected[streamlab::row_error_index(reason)];
    ++batch_labels[streamlab::DeadLetters::label(reason, column)];
    batch.push_back({"XADD", keys.dead(), "*", "line", std::to_string(row.line()), "reason",
                     std::string(streamlab::row_error_name(reason)), "text",
                     std::string(row.raw().substr(0, streamlab::BadRow::max_text_bytes))});
  };
  while (auto row = reader.next()) {
    ++out.rows;
    ++batch_rows;
    if (!row->ok()) {
      dead_letter(*row, *row->error(), "");
    } else {
      const auto ts = row->get<std::int64_t>(ts_col, 0);  // as lesson 09: no time before 1970, no value past 1e12
      const auto sensor = row->get<std::uint64_t>(sensor_col);
      const auto value = row->get<double>(value_col, -streamlab::max_sensor_value, streamlab::max_sensor_value);
      const auto [error, column] = ts.error       ? std::pair{ts.error, "timestamp_ms"}
                                   : sensor.error ? std::pair{sensor.error, "sensor_id"}
                                                  : std::pair{value.error, "value"};
      if (error) {
        dead_letter(*row, *error, column);
      } else {
        redis::Command xadd{"XADD", keys.stream};
        if (settings.maxlen) xadd.insert(xadd.end(), {"MAXLEN", std::to_string(*settings.maxlen)});
        xadd.insert(xadd.end(), {"*", "line", std::to_string(row->line()), "ts", std::to_string(ts.value), "sensor",
                                 std::to_string(sensor.value), "value", fmt::format("{}", value.value)});
        batch.push_back(std::move(xadd));
        out.truth[sensor.value].add(value.value);
        if (settings.remember_lines) out.lines.push_back(row->line());
        ++out.valid;
        ++batch_valid;
      }
    }
    if (batch_rows >= settings.batch) {
      send();
      if (streamlab::interrupted()) {
        out.interrupted = true;
        break;
      }
    }
  }
  if (batch_rows > 0) send();
  out.seconds = std::chrono::duration<double>(MonotonicClock::now() - start).count();
  return out;
}
//! [produce]

// ---- Consume: XREADGROUP, per-sensor statistics, commit ----

struct ConsumerState {
  std::map<std::uint64_t, OnlineStats> sensors;
  std::uint64_t delivered = 0;    // entries read as new ('>')
  std::uint64_t redelivered = 0;  // entries taken over from another consumer (XAUTOCLAIM)
  std::uint64_t committed = 0;    // entries acknowledged with their state
  std::array<std::uint64_t, streamlab::row_error_count> rejected{};  // malformed entries
};

// The consumer's committed state, read back (a restarted consumer goes on from it).
ConsumerState load_state(redis::Connection& redis, const std::string& key) {
  ConsumerState state;
  const redis::Reply all = redis.command({"HGETALL", key});
  const auto& fields = all.elements();
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& name = fields[i].text();
    const std::string& value = fields[i + 1].text();
    if (name.starts_with("sensor:")) {
      const auto id = streamlab::parse_number<std::uint64_t>(std::string_view(name).substr(7));
      const auto stats = decode(value);
      if (!id || !stats) throw std::runtime_error(fmt::format("{}: field {} is not a sensor's state", key, name));
      state.sensors[id.value] = *stats;
    } else if (name == "delivered") {
      state.delivered = static_cast<std::uint64_t>(fields[i + 1].integer());
    } else if (name == "redelivered") {
      state.redelivered = static_cast<std::uint64_t>(fields[i + 1].integer());
    } else if (name == "committed") {
      state.committed = static_cast<std::uint64_t>(fields[i + 1].integer());
    } else if (name.starts_with("rejected:")) {
      for (RowError e : streamlab::all_row_errors) {
        if (name.substr(9) == streamlab::row_error_name(e))
          state.rejected[streamlab::row_error_index(e)] = static_cast<std::uint64_t>(fields[i + 1].integer());
      }
    }
  }
  return state;
}

struct Entry {
  std::string id;
  std::optional<RowError> error;
  std::uint64_t line = 0;
  std::uint64_t sensor = 0;
  double value = 0;
};

// One stream entry, parsed as the producer wrote it; a malformed one carries its reason.
Entry parse_entry(const redis::Reply& entry) {
  Entry e{entry[0].text(), std::nullopt};
  const redis::Reply& fields = entry[1];
  const redis::Reply* sensor = fields.is_nil() ? nullptr : fields.field("sensor");
  const redis::Reply* value = fields.is_nil() ? nullptr : fields.field("value");
  if (sensor == nullptr || value == nullptr) {
    e.error = RowError::wrong_field_count;
    return e;
  }
  if (const redis::Reply* line = fields.field("line")) {
    e.line = streamlab::parse_number<std::uint64_t>(line->text()).value;
  }
  const auto s = streamlab::parse_number<std::uint64_t>(sensor->text());
  const auto v = streamlab::parse_number<double>(value->text());
  e.error = streamlab::first_error(s, v);
  e.sensor = s.value;
  e.value = v.value;
  return e;
}

class Consumer {
 public:
  Consumer(redis::Connection& redis, const Keys& keys, const Options& options)
      : redis_(redis), keys_(keys), options_(options), key_(keys.partial(options.group, options.name)) {
    try {
      redis_.command({"XGROUP", "CREATE", keys_.stream, options_.group, "0", "MKSTREAM"});  // from the start
    } catch (const redis::ServerError& error) {
      if (error.code() != "BUSYGROUP") throw;  // the group exists already: join it
    }
    state_ = load_state(redis_, key_);
  }

  const ConsumerState& state() const { return state_; }

  //! [consume]
  // The loop: take over entries another consumer left pending too long (XAUTOCLAIM), else read
  // new ones (XREADGROUP ... BLOCK: the server holds the call until entries come or the block
  // time ends, so an idle consumer costs nothing); process the batch, then commit it.
  void run() {
    auto last_claim = MonotonicClock::now() - std::chrono::milliseconds(options_.claim_idle_ms);
    auto last_read = MonotonicClock::now();
    const auto count = std::to_string(options_.batch);
    while (!streamlab::interrupted()) {
      std::vector<redis::Reply> entries;
      bool redelivery = false;
      if (MonotonicClock::now() - last_claim >= std::chrono::milliseconds(options_.claim_idle_ms) / 4) {
        const redis::Reply claimed = redis_.command({"XAUTOCLAIM", keys_.stream, options_.group, options_.name,
                                                     std::to_string(options_.claim_idle_ms), "0-0", "COUNT", count});
        last_claim = MonotonicClock::now();
        entries = claimed[1].elements();
        redelivery = !entries.empty();
      }
      if (entries.empty()) {
        const redis::Reply read =
            redis_.command({"XREADGROUP", "GROUP", options_.group, options_.name, "COUNT", count, "BLOCK",
                            std::to_string(block_time.count()), "STREAMS", keys_.stream, ">"});
        if (!read.is_nil()) entries = read[0][1].elements();
      }
      if (entries.empty()) {
        if (options_.idle_exit_ms > 0 &&
            MonotonicClock::now() - last_read >= std::chrono::milliseconds(options_.idle_exit_ms) &&
            group_pending() == 0)
          return;
        continue;
      }
      last_read = MonotonicClock::now();
      if (options_.work_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(options_.work_ms));
      process(entries, redelivery);
    }
  }
  //! [consume]

  //! [commit]
  // Exactly-once results: the batch's statistics are applied to a copy of the state, and the
  // copy is committed with the acknowledgement in one MULTI/EXEC — both happen or neither does.
  // A consumer killed before EXEC leaves its entries pending and its committed state as it was,
  // so whoever takes the entries over counts them once. Only after EXEC does the copy become the
  // state. (--at-least-once does it in two steps, state then XACK: a crash between them counts
  // the batch twice.)
  void process(const std::vector<redis::Reply>& entries, bool redelivery) {
    ConsumerState next = state_;
    std::vector<redis::Command> commit;
    redis::Command ack{"XACK", keys_.stream, options_.group};
    bool crash = false;
    std::set<std::uint64_t> touched;
    for (const redis::Reply& raw : entries) {
      const Entry entry = parse_entry(raw);
      ack.push_back(entry.id);
      (redelivery ? next.redelivered : next.delivered) += 1;
      crash = crash || (!redelivery && options_.crash_at_line > 0 &&
                        entry.line == static_cast<std::uint64_t>(options_.crash_at_line));
      if (entry.error) {  // a malformed entry: a dead letter, and the rest goes on
        ++next.rejected[streamlab::row_error_index(*entry.error)];
        commit.push_back({"XADD", keys_.dead(), "*", "entry", entry.id, "reason",
                          std::string(streamlab::row_error_name(*entry.error)), "consumer", options_.name});
        continue;
      }
      next.sensors[entry.sensor].add(entry.value);
      touched.insert(entry.sensor);
    }
    next.committed += entries.size();
    redis::Command save{"HSET",        key_,
                        "delivered",   std::to_string(next.delivered),
                        "redelivered", std::to_string(next.redelivered),
                        "committed",   std::to_string(next.committed)};
    for (std::uint64_t sensor : touched) {
      save.push_back(fmt::format("sensor:{}", sensor));
      save.push_back(encode(next.sensors[sensor]));
    }
    for (RowError e : streamlab::all_row_errors) {
      if (const auto n = next.rejected[streamlab::row_error_index(e)]; n > 0) {
        save.push_back(fmt::format("rejected:{}", streamlab::row_error_name(e)));
        save.push_back(std::to_string(n));
      }
    }
    if (options_.at_least_once) {
      for (const redis::Reply& reply :
           redis_.pipeline({save, {"SADD", keys_.consumers(options_.group), options_.name}}))
        if (reply.is_error()) throw redis::ServerError(reply.text());  // 1. the state
      if (crash) ::kill(::getpid(), SIGKILL);  // the lesson's crash: state saved, not acknowledged
      redis_.command(ack);                     // 2. the acknowledgement
    } else {
      if (crash) ::kill(::getpid(), SIGKILL);  // the lesson's crash: read and processed, not committed
      commit.push_back(std::move(save));
      commit.push_back({"SADD", keys_.consumers(options_.group), options_.name});
      commit.push_back(std::move(ack));
      redis_.transaction(commit);
    }
    state_ = std::move(next);
  }
  //! [commit]

 private:
  std::int64_t group_pending() { return redis_.command({"XPENDING", keys_.stream, options_.group})[0].integer(); }

  redis::Connection& redis_;
  const Keys& keys_;
  const Options& options_;
  std::string key_;
  ConsumerState state_;
};

// ---- Report: merge every consumer's committed partials ----

struct Report {
  std::uint64_t rows = 0, valid = 0;
  std::array<std::uint64_t, streamlab::row_error_count> rejected{};
  std::map<std::string, std::uint64_t> rejected_as;  // by reason and column: `not_a_number(value)`
  std::map<std::uint64_t, OnlineStats> sensors;
  std::map<std::string, ConsumerState> consumers;  // by name

  std::uint64_t committed() const {
    std::uint64_t n = 0;
    for (const auto& [name, c] : consumers) n += c.committed;
    return n;
  }
  std::uint64_t counted() const {
    std::uint64_t n = 0;
    for (const auto& [id, s] : sensors) n += s.count();
    return n;
  }
};

//! [merge]
// The group's result: each consumer's committed partials merged sensor by sensor (lesson 07's
// OnlineStats::merge), in consumer-name order, with the producers' counts.
Report make_report(redis::Connection& redis, const Keys& keys, const std::string& group) {
  Report report;
  const redis::Reply producer = redis.command({"HGETALL", keys.producer()});
  if (const auto* n = producer.field("rows_read")) report.rows = static_cast<std::uint64_t>(n->integer());
  if (const auto* n = producer.field("rows_valid")) report.valid = static_cast<std::uint64_t>(n->integer());
  for (RowError e : streamlab::all_row_errors) {
    if (const auto* n = producer.field(fmt::format("rejected:{}", streamlab::row_error_name(e))))
      report.rejected[streamlab::row_error_index(e)] = static_cast<std::uint64_t>(n->integer());
  }
  const auto& fields = producer.elements();
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].text().starts_with("rejected_as:"))
      report.rejected_as[fields[i].text().substr(12)] = static_cast<std::uint64_t>(fields[i + 1].integer());
  }
  const redis::Reply names = redis.command({"SMEMBERS", keys.consumers(group)});
  for (const redis::Reply& name : names.elements())
    report.consumers[name.text()] = load_state(redis, keys.partial(group, name.text()));
  for (const auto& [name, consumer] : report.consumers) {
    for (const auto& [id, stats] : consumer.sensors) report.sensors[id].merge(stats);
    for (RowError e : streamlab::all_row_errors) {
      const auto n = consumer.rejected[streamlab::row_error_index(e)];
      report.rejected[streamlab::row_error_index(e)] += n;
      if (n > 0) report.rejected_as[std::string(streamlab::row_error_name(e))] += n;  // a malformed entry
    }
  }
  return report;
}
//! [merge]

// Lesson 09's summary schema (summary_json.hpp): status, counts, rejections by reason and column, per-sensor
// count, mean, sample variance, min and max (lesson 09's timings are its own run's, and its per-sensor anomalies
// come from its model: not here).
std::string summary_json(const Report& r) {
  streamlab::JsonWriter json;
  json.begin_object();
  streamlab::write_run_counts(json,
                              {"complete", r.rows, r.valid, r.counted(), {r.rejected_as.begin(), r.rejected_as.end()}});
  json.key("sensors").begin_object();
  for (const auto& [id, s] : r.sensors) {
    json.key(std::to_string(id)).begin_object();
    streamlab::write_stats(json, s);
    json.end_object();
  }
  json.end_object().end_object();
  return json.str() + "\n";
}

// ---- Child processes: the demo re-runs itself as `consume` ----

struct Child {
  pid_t pid = -1;
  std::string name;
  int status = 0;  // as waitpid reports it, once reaped
  bool done = false;
};

// Starts this program with `args` (stdout to /dev/null: the parent prints the results). The child
// dies with the parent (PR_SET_PDEATHSIG), so a killed demo leaves no consumer behind.
Child spawn_self(const std::vector<std::string>& args, std::string name) {
  std::vector<std::string> words{"/proc/self/exe"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  // SIGINT and SIGTERM stay blocked from before fork() until the child has installed its own
  // handlers: one that came between fork() and exec() would otherwise run our handler in the child
  // and be forgotten at exec(), and the child would never stop.
  sigset_t stop_signals, previous;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, &previous);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, 1);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  const int fork_error = errno;
  sigprocmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) throw std::system_error(fork_error, std::generic_category(), "fork");
  return Child{pid, std::move(name)};
}

// Owns the demo's consumer processes: on any way out of a section (an error, Ctrl-C, SIGTERM) the ones
// still running are killed and reaped before the server stops, so none is left behind and none
// prints an error about a server that went away.
class Children {
 public:
  ~Children() {
    for (Child& c : list) {
      if (c.done) continue;
      ::kill(c.pid, SIGKILL);
      ::waitpid(c.pid, &c.status, 0);
    }
  }
  std::vector<Child> list;
};

std::string describe(const Child& c) {
  if (WIFSIGNALED(c.status)) return fmt::format("{} was killed by signal {}", c.name, WTERMSIG(c.status));
  return fmt::format("{} exited with status {}", c.name, WEXITSTATUS(c.status));
}

// Whether the group has read the whole stream and acknowledged all of it.
bool drained(redis::Connection& redis, const std::string& stream, const std::string& group) {
  const redis::Reply info = redis.command({"XINFO", "STREAM", stream});
  const auto group_now = group_info(redis, stream, group);
  return group_now && group_now->field("last-delivered-id")->text() == info.field("last-generated-id")->text() &&
         group_now->field("pending")->integer() == 0;
}

// The demo's consumers, one group or several: waits until every group has drained its stream
// (a consumer that crashed is reaped on the way), then stops the rest with SIGTERM, as an
// operator would, and reaps them. Throws if a consumer fails or all stop before the end.
void run_until_drained(redis::Connection& redis, std::vector<Child>& children,
                       const std::vector<std::pair<std::string, std::string>>& stream_groups) {
  const auto reap = [&] {
    for (Child& c : children) {
      if (!c.done && ::waitpid(c.pid, &c.status, WNOHANG) == c.pid) c.done = true;
    }
  };
  const auto progress_at = MonotonicClock::now();  // a bound: a bug shows as an error, not a hang
  for (;;) {
    reap();
    if (streamlab::interrupted()) break;
    bool all = true;
    for (const auto& [stream, group] : stream_groups) all = all && drained(redis, stream, group);
    if (all) break;
    for (const Child& c : children) {
      if (c.done && !WIFSIGNALED(c.status) && WEXITSTATUS(c.status) != 0)
        throw std::runtime_error(fmt::format("consumer {}", describe(c)));
    }
    if (std::all_of(children.begin(), children.end(), [](const Child& c) { return c.done; }))
      throw std::runtime_error("every consumer stopped before the stream was read");
    if (MonotonicClock::now() - progress_at > 60s) throw std::runtime_error("the consumers did not finish within 60 s");
    std::this_thread::sleep_for(5ms);
  }
  for (Child& c : children) {
    if (!c.done) ::kill(c.pid, SIGTERM);
  }
  // A consumer ends its current call (at most a BLOCK of 100 ms) and exits; one that does not
  // within 5 s is killed, and Children's destructor reaps it.
  const auto stop_at = MonotonicClock::now();
  while (std::any_of(children.begin(), children.end(), [](const Child& c) { return !c.done; }) &&
         MonotonicClock::now() - stop_at < 5s) {
    reap();
    std::this_thread::sleep_for(2ms);
  }
}

std::vector<std::string> consume_args(const Options& options, const std::string& url, const std::string& stream,
                                      const std::string& group, const std::string& name) {
  return {"--redis",
          url,
          "--stream",
          stream,
          "--batch",
          std::to_string(options.batch),
          "--claim-idle-ms",
          std::to_string(options.claim_idle_ms),
          "consume",
          "--group",
          group,
          "--name",
          name};
}

// ---- The crash again, step by step: the data of the demo's chart ----

// The group above races: which consumer reads what, and how far the others have got when one is
// killed, changes from run to run. For a picture that does not, this process replays the crash
// in a third group, `replay`, on the same stream: three consumers that it runs itself, in turns,
// one batch each a round, each batch committed as `consume` commits it (Consumer::process). The
// one that reads the crash line stops there, its batch read and not committed; a consumer that
// finds nothing new waits until that batch has been idle --claim-idle-ms and takes it over
// (XAUTOCLAIM). Every round's numbers are the server's own (XINFO), and the same in every run.
struct Replay {
  std::string killed;           // the consumer that read the crash line
  std::string reclaimer;        // the one that took its batch over
  std::size_t crash_round = 0;  // rounds count from 1
  std::size_t crash_batch = 0;  // entries in the batch it read and never committed
  std::size_t reclaim_round = 0;
  std::vector<double> rounds;   // 0 (before the first round), 1, 2, ...
  std::vector<double> backlog;  // after each round: the group's lag + pending = produced − acknowledged
  std::vector<double> stuck;    // after each round: the killed consumer's pending entries
};

Replay replay_crash(redis::Connection& redis, const Keys& keys, const Options& options, std::uint64_t crash_line) {
  const std::string group = "replay";
  std::deque<Options> settings;  // a deque: each Consumer keeps a reference to its options
  std::deque<Consumer> consumers;
  for (int i = 1; i <= demo_consumers; ++i) {
    Options& own = settings.emplace_back(options);
    own.group = group;
    own.name = fmt::format("consumer-{}", i);
    consumers.emplace_back(redis, keys, own);
  }
  std::vector<bool> alive(consumers.size(), true);
  const std::string count = std::to_string(options.batch);
  Replay replay;
  const auto record = [&] {
    long long stuck = 0;
    if (!replay.killed.empty()) {
      const redis::Reply all =
          redis.command({"XINFO", "CONSUMERS", keys.stream, group});  // kept: the loop refers into it
      for (const redis::Reply& c : all.elements()) {
        if (c.field("name")->text() == replay.killed) stuck = c.field("pending")->integer();
      }
    }
    replay.rounds.push_back(static_cast<double>(replay.rounds.size()));
    replay.backlog.push_back(static_cast<double>(backlog(redis, keys.stream, group)));
    replay.stuck.push_back(static_cast<double>(stuck));
  };
  const auto started = MonotonicClock::now();  // a bound: a bug shows as an error, not a hang
  const auto check_time = [&] {
    if (MonotonicClock::now() - started > 60s) throw std::runtime_error("the replay did not finish within 60 s");
  };
  record();
  for (std::size_t round = 1; replay.backlog.back() > 0 && !streamlab::interrupted(); ++round) {
    for (std::size_t i = 0; i < consumers.size() && !streamlab::interrupted(); ++i) {
      if (!alive[i]) continue;
      const std::string& name = settings[i].name;
      const redis::Reply read =
          redis.command({"XREADGROUP", "GROUP", group, name, "COUNT", count, "STREAMS", keys.stream, ">"});
      if (!read.is_nil() && !read[0][1].elements().empty()) {  // (nil, or no entries: nothing new)
        const std::vector<redis::Reply>& entries = read[0][1].elements();
        if (std::any_of(entries.begin(), entries.end(),
                        [&](const redis::Reply& e) { return parse_entry(e).line == crash_line; })) {
          alive[i] = false;  // the crash: read, never committed
          replay.killed = name;
          replay.crash_round = round;
          replay.crash_batch = entries.size();
        } else {
          consumers[i].process(entries, false);
        }
        continue;
      }
      // Nothing new to read: take over all that the killed consumer left, once it has been idle long
      // enough. (One XAUTOCLAIM may take only part of the batch: the server timed each entry's delivery
      // on its own, so on a busy machine the first of them cross the idle limit a little earlier.)
      while (!streamlab::interrupted() && redis.command({"XPENDING", keys.stream, group})[0].integer() > 0) {
        check_time();
        const redis::Reply claimed = redis.command(
            {"XAUTOCLAIM", keys.stream, group, name, std::to_string(options.claim_idle_ms), "0-0", "COUNT", count});
        if (!claimed[1].elements().empty()) {
          consumers[i].process(claimed[1].elements(), true);
          if (replay.reclaimer.empty()) replay.reclaimer = name, replay.reclaim_round = round;
          continue;
        }
        std::this_thread::sleep_for(5ms);
      }
    }
    record();
    check_time();
  }
  return replay;
}

// ---- The demo's sections ----

struct Demo {
  const Options& options;
  redis::Connection& redis;
  std::string url;
  Keys readings{"readings"};
  Produced produced;
};

streamlab::CsvReader open_csv(const fs::path& path, char delimiter) {
  streamlab::CsvOptions csv;
  csv.max_record_bytes = max_record_bytes;
  csv.records_span_lines = false;  // as lesson 09: a stray quote costs its own line only
  csv.delimiter = delimiter;
  auto reader = streamlab::CsvReader::open(path, csv);
  if (reader.empty()) throw std::invalid_argument(fmt::format("{}: the input is empty", path.string()));
  for (const char* column : {"timestamp_ms", "sensor_id", "value"}) reader.require_column(column);
  return reader;
}

std::string reasons(const std::array<std::uint64_t, streamlab::row_error_count>& rejected) {
  std::string out;
  for (RowError e : streamlab::all_row_errors) {
    if (const auto n = rejected[streamlab::row_error_index(e)]; n > 0)
      out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, streamlab::row_error_name(e));
  }
  return out.empty() ? "none" : out;
}

// Notice: one round trip per batch of 100 XADDs, not one per reading; the counts go in the same
// transaction as the entries.
void show_produce(Demo& demo, const fs::path& csv) {
  streamlab::section("Produce: readings appended to a Redis stream");
  auto reader = open_csv(csv, ',');
  ProduceSettings settings;
  settings.batch = static_cast<std::size_t>(demo.options.batch);
  settings.remember_lines = true;
  demo.produced = produce(demo.redis, demo.readings, reader, settings);
  const Produced& p = demo.produced;
  fmt::print("Lesson 09's readings: {} rows (seed {}), 16 sensors, some rows broken on purpose.\n",
             fmt::group_digits(static_cast<std::uint64_t>(demo.options.rows)), demo.options.seed);
  fmt::print("Each good row: XADD readings * line N ts T sensor S value V — the server gives the entry an ID,\n");
  fmt::print("its offset in the log. {} commands a round trip (pipelined), in MULTI/EXEC with the counts.\n",
             demo.options.batch);
  fmt::print("  rows read: {}\n", fmt::group_digits(p.rows));
  fmt::print("  entries appended to `readings`: {}\n", fmt::group_digits(p.valid));
  fmt::print("  bad rows to `readings:dead`, with line and reason: {} ({})\n", fmt::group_digits(p.bad()),
             reasons(p.rejected));
  streamlab::measured("Produce rate", p.seconds > 0 ? static_cast<double>(p.rows) / p.seconds : 0, "rows/s", 0);
}

struct GroupRun {
  std::string group;
  std::vector<Child> children;
  Report report;
};

// Notice: which consumer got how many entries depends on timing; the totals do not.
void show_group(const GroupRun& run, std::int64_t batch) {
  streamlab::section("A consumer group: three consumer processes");
  fmt::print("XGROUP CREATE readings exactly-once 0, then three copies of this program (`consume`), each:\n");
  fmt::print("  XREADGROUP GROUP exactly-once consumer-N COUNT {} BLOCK {} STREAMS readings >\n", batch,
             block_time.count());
  fmt::print("The server hands each entry to one consumer of the group and remembers it as pending (the\n");
  fmt::print("PEL) until that consumer acknowledges it with XACK. Entries committed per consumer:\n");
  for (const Child& c : run.children) {
    const auto it = run.report.consumers.find(c.name);
    const std::uint64_t committed = it == run.report.consumers.end() ? 0 : it->second.committed;
    const bool killed = WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGKILL;
    streamlab::measured(fmt::format("{}{} committed", c.name, killed ? " (killed)" : ""),
                        static_cast<double>(committed), "entries", 0);
  }
}

// Two charts over the same x range, one above the other, their plot areas in the same columns: the
// one with the narrower y labels is moved right.
std::string stacked(const std::string& upper, const std::string& lower) {
  const auto axis_column = [](const std::string& chart) {
    const std::size_t corner = chart.find("└");
    return corner - (chart.rfind('\n', corner) + 1);  // the margin is spaces: one byte a column
  };
  const auto shifted = [](const std::string& chart, std::size_t columns) {
    std::string out;
    for (std::size_t from = 0; from < chart.size();) {
      const std::size_t end = chart.find('\n', from) + 1;
      out += std::string(columns, ' ') + chart.substr(from, end - from);
      from = end;
    }
    return out;
  };
  const std::size_t a = axis_column(upper);
  const std::size_t b = axis_column(lower);
  return shifted(upper, b > a ? b - a : 0) + "\n" + shifted(lower, a > b ? a - b : 0);
}

// Notice: the killed consumer's batch stays pending, whatever the others do, until the idle time
// has passed and a live consumer takes it over; only then does the group's backlog reach 0.
void show_replay(const Replay& replay, std::uint64_t crash_line, const Options& options) {
  fmt::print("\nStep by step, the same crash in a third group, `replay`, whose three consumers this program\n");
  fmt::print("runs itself in turns, one batch each a round, so that every round is the same in every run:\n");
  fmt::print("{} read line {} in round {} and stopped there; its {} entries stayed pending, owned by a\n",
             replay.killed, fmt::group_digits(crash_line), replay.crash_round, fmt::group_digits(replay.crash_batch));
  fmt::print("consumer that no longer ran, until in round {} {}, finding nothing new to read, took them\n",
             replay.reclaim_round, replay.reclaimer);
  fmt::print("over (XAUTOCLAIM, idle {} ms) and committed them.\n", options.claim_idle_ms);
  if (options.charts.draw) {
    std::vector<double> thousands;
    for (double b : replay.backlog) thousands.push_back(b / 1000);
    streamlab::LineChart backlog_chart{"round", "entries not yet acknowledged, thousands (XINFO GROUPS: lag + pending)",
                                       72, 10};
    backlog_chart.add_line("group replay", replay.rounds, thousands);
    streamlab::LineChart pending_chart{"round", fmt::format("entries pending at {} (XINFO CONSUMERS)", replay.killed),
                                       72, 4};
    pending_chart.add_line(fmt::format("{}, stopped in round {}", replay.killed, replay.crash_round), replay.rounds,
                           replay.stuck);
    fmt::print("\n{}", stacked(backlog_chart.render(), pending_chart.render()));
  }
  if (!options.charts.plot_data_dir.empty()) {
    streamlab::write_columns_csv(options.charts.plot_data_dir / "10_replay.csv", {"round", "backlog", "stuck"},
                                 {replay.rounds, replay.backlog, replay.stuck});
  }
}

// Notice: nothing is lost, and the killed consumer's batch is counted once.
void show_crash(const Demo& demo, redis::Connection& redis, const GroupRun& run, std::uint64_t crash_line,
                const Replay& replay) {
  streamlab::section("A consumer crashes");
  std::uint64_t redelivered = 0;
  for (const auto& [name, c] : run.report.consumers) {
    redelivered += c.redelivered;
  }
  const long long entries_read = group_info(redis, "readings", run.group)->field("entries-read")->integer();
  const long long pending = redis.command({"XPENDING", "readings", run.group})[0].integer();
  fmt::print("The consumer that read line {} was killed (SIGKILL) after reading its batch of {}, before\n",
             fmt::group_digits(crash_line), demo.options.batch);
  fmt::print("committing it. Its entries stayed pending, owned by a consumer that no longer runs. A live\n");
  fmt::print("consumer took them over with XAUTOCLAIM once they had been idle {} ms, and committed them.\n",
             demo.options.claim_idle_ms);
  fmt::print("  produced: {}\n", fmt::group_digits(demo.produced.valid));
  fmt::print("  delivered: {} ({} first deliveries + {} redelivered)\n",
             fmt::group_digits(static_cast<std::uint64_t>(entries_read) + redelivered),
             fmt::group_digits(static_cast<std::uint64_t>(entries_read)), fmt::group_digits(redelivered));
  fmt::print("  acknowledged: {}\n", fmt::group_digits(run.report.committed()));
  fmt::print("  still pending: {}\n", pending);
  show_replay(replay, crash_line, demo.options);
}

// Notice: the merge of three partial states equals one pass over all the readings.
void show_exactly_once(const Demo& demo, const GroupRun& run) {
  streamlab::section("Exactly-once results");
  const auto& truth = demo.produced.truth;
  fmt::print("Each consumer committed its per-sensor OnlineStats with its XACKs in one MULTI/EXEC. Merged\n");
  fmt::print("(lesson 07's merge) against one process over the same readings, first sensors:\n");
  int shown = 0;
  std::size_t equal = 0;
  // Equal to 12 significant digits: the merged value may differ from the single pass in the last
  // bits (the sums are added in another order), never more.
  const auto close = [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::abs(b); };
  for (const auto& [id, one] : truth) {
    const auto it = run.report.sensors.find(id);
    const bool same = it != run.report.sensors.end() && it->second.count() == one.count() &&
                      close(it->second.mean(), one.mean()) && close(it->second.variance(), one.variance());
    if (same) ++equal;
    if (++shown > 3) continue;
    fmt::print("  sensor {}: count {}, mean {:.12g}, variance {:.12g} — merged: {}\n", id,
               fmt::group_digits(one.count()), one.mean(), one.variance(), same ? "the same" : "DIFFERENT");
  }
  fmt::print("  readings counted: {} of {}\n", fmt::group_digits(run.report.counted()),
             fmt::group_digits(demo.produced.valid));
  fmt::print("  sensors equal (count exact, mean and variance to 12 significant digits): {} of {}\n", equal,
             truth.size());
}

// Notice: the same crash, without the transaction, counts a batch twice.
void show_at_least_once(const Demo& demo, const GroupRun& run) {
  streamlab::section("At-least-once, the cost");
  const std::uint64_t counted = run.report.counted();
  fmt::print("The same crash in a second group, at-least-once, whose consumers save their state (HSET) and\n");
  fmt::print("then acknowledge (XACK) in two steps. The killed consumer had saved the batch's statistics but\n");
  fmt::print("not acknowledged it, so its batch was redelivered and counted again:\n");
  fmt::print("  readings counted: {} of {}: {} counted twice\n", fmt::group_digits(counted),
             fmt::group_digits(demo.produced.valid),
             fmt::group_digits(counted - std::min(counted, demo.produced.valid)));
  fmt::print("With state and acknowledgement in one transaction, a crash undoes both, and the redelivery is\n");
  fmt::print("counted once. Kafka does the same with transactions (the consumer's offsets committed with its\n");
  fmt::print("output), and Flink with checkpoints (operator state and source offsets saved together).\n");
}

// Notice: retention drops what nobody read yet; backpressure makes the producer wait instead.
void show_retention(const Produced& trimmed, std::uint64_t read_trimmed, const Produced& paced,
                    std::uint64_t read_paced) {
  streamlab::section("Retention is not backpressure");
  fmt::print("XADD ... MAXLEN {} keeps the stream's newest {} entries. The producer appended to `retained`\n",
             retention, fmt::group_digits(retention));
  fmt::print("while its group's consumers were stopped (a deploy, a crash loop), then they read it:\n");
  fmt::print("  produced: {}; read by the group: {}; lost, trimmed before anyone read them: {}\n",
             fmt::group_digits(trimmed.valid), fmt::group_digits(read_trimmed),
             fmt::group_digits(trimmed.valid - read_trimmed));
  fmt::print("Backpressure instead (lesson 08): before each batch the producer to `paced` reads its group's\n");
  fmt::print("lag + pending (XINFO GROUPS) and waits while that backlog is above {}, half the retention:\n",
             fmt::group_digits(retention / 2));
  fmt::print("  produced: {}; read by the group: {}; lost: {}\n", fmt::group_digits(paced.valid),
             fmt::group_digits(read_paced), fmt::group_digits(paced.valid - std::min(paced.valid, read_paced)));
  streamlab::measured("Producer waits", static_cast<double>(paced.waits), "", 0);
}

void show_closing() {
  streamlab::section("What one Redis node does not give you");
  fmt::print("One server is one machine: no replication (a replica, or Redis Sentinel, keeps a copy), and\n");
  fmt::print("one stream lives on one node (Redis Cluster spreads streams — partitions — over nodes). For\n");
  fmt::print("days of retention, replay and many partitions reach for Kafka; for event-time windows and\n");
  fmt::print("checkpointed state over it, for Flink. The vocabulary is the same one used here.\n");
}

// Ctrl-C or SIGTERM: the sections printed so far are complete; the consumers have stopped, and the server and
// the temporary folder go as run_demo returns.
int interrupted_demo() {
  fmt::print(
      "\n{}: the sections above are complete; the consumers are stopped, and the\n"
      "private server and its folder are removed.\n",
      streamlab::interrupt_name());
  return streamlab::interrupt_exit_status();
}

int run_demo(const CLI::App& app, const Options& options) {
  if (options.rows < 1000) return streamlab::usage_error(app, "--rows must be at least 1000 for the demo");
  streamlab::TempDir temp{"lesson10"};
  std::optional<redis::LocalServer> server;
  std::optional<redis::Connection> connection;
  try {
    if (options.redis.empty()) server.emplace();
    connection.emplace(server ? server->address() : redis::Address::parse(options.redis));
  } catch (const redis::Error& error) {  // not installed, or not reachable: one line, exit 2
    return streamlab::usage_error(app, error.what());
  }
  redis::Connection& redis = *connection;
  const redis::Address& address = redis.address();
  const std::vector<std::string> demo_keys = {"readings", "readings:dead",     "readings:producer",
                                              "retained", "retained:producer", "retained:dead",
                                              "paced",    "paced:producer",    "paced:dead"};
  if (!options.redis.empty()) {  // a shared server: never touch keys someone else made
    for (const std::string& k : demo_keys) {
      if (redis.command({"EXISTS", k}).integer() > 0)
        return streamlab::usage_error(app, fmt::format("{} already has a key '{}': the demo needs a server without "
                                                       "its keys readings*, retained*, paced*",
                                                       address.url(), k));
    }
  }
  Demo demo{options, redis, address.url(), Keys{"readings"}, Produced{}};
  streamlab::banner("10 · Beyond One Machine");
  fmt::print("Server: {}\n", options.redis.empty() ? "a private redis-server (a unix socket in a temporary folder)"
                                                   : "the one given with --redis");

  const fs::path csv = temp.path() / "readings.csv";
  if (!write_readings(csv, options.rows, options.seed)) return interrupted_demo();
  show_produce(demo, csv);
  if (demo.produced.interrupted || streamlab::interrupted()) return interrupted_demo();

  // Two groups read `readings` at once, each with three consumers; in each, the consumer that
  // reads the reading a quarter of the way in is killed before it commits.
  const std::uint64_t crash_line = demo.produced.lines[demo.produced.lines.size() / 4];
  Children children;
  for (const char* group : {"exactly-once", "at-least-once"}) {
    for (int i = 1; i <= demo_consumers; ++i) {
      const std::string name = fmt::format("consumer-{}", i);
      auto args = consume_args(options, demo.url, "readings", group, name);
      args.insert(args.end(), {"--crash-at-line", std::to_string(crash_line)});
      if (std::string_view(group) == "at-least-once") args.push_back("--at-least-once");
      children.list.push_back(spawn_self(args, name));
    }
  }
  // While they run, this process replays the crash step by step in a third group, for the chart.
  const Replay replay = replay_crash(redis, demo.readings, options, crash_line);
  run_until_drained(redis, children.list, {{"readings", "exactly-once"}, {"readings", "at-least-once"}});
  if (streamlab::interrupted()) return interrupted_demo();
  const auto& all = children.list;
  GroupRun exactly{"exactly-once", {all.begin(), all.begin() + demo_consumers}, {}};
  GroupRun at_least{"at-least-once", {all.begin() + demo_consumers, all.end()}, {}};
  exactly.report = make_report(redis, demo.readings, exactly.group);
  at_least.report = make_report(redis, demo.readings, at_least.group);
  show_group(exactly, options.batch);
  show_crash(demo, redis, exactly, crash_line, replay);
  show_exactly_once(demo, exactly);
  show_at_least_once(demo, at_least);

  // Retention: the producer runs while the group's consumers are stopped.
  const std::size_t batch = static_cast<std::size_t>(options.batch);
  redis.command({"XGROUP", "CREATE", "retained", "group", "0", "MKSTREAM"});
  auto reader = open_csv(csv, ',');
  ProduceSettings retain;
  retain.batch = batch;
  retain.maxlen = retention;
  const Produced trimmed = produce(redis, Keys{"retained"}, reader, retain);
  Children late;
  for (int i = 1; i <= demo_consumers; ++i)
    late.list.push_back(spawn_self(consume_args(options, demo.url, "retained", "group", fmt::format("consumer-{}", i)),
                                   fmt::format("consumer-{}", i)));
  run_until_drained(redis, late.list, {{"retained", "group"}});
  if (streamlab::interrupted()) return interrupted_demo();
  // Backpressure: consumers first, and a producer that waits on their backlog.
  redis.command({"XGROUP", "CREATE", "paced", "group", "0", "MKSTREAM"});
  Children live;
  for (int i = 1; i <= demo_consumers; ++i) {
    auto args = consume_args(options, demo.url, "paced", "group", fmt::format("consumer-{}", i));
    args.insert(args.end(), {"--work-ms", "2"});  // consumers slower than the producer, as in lesson 08
    live.list.push_back(spawn_self(args, fmt::format("consumer-{}", i)));
  }
  reader = open_csv(csv, ',');
  ProduceSettings pace = retain;
  pace.pace_group = "group";
  pace.pace_limit = retention / 2;
  const Produced paced = produce(redis, Keys{"paced"}, reader, pace);
  run_until_drained(redis, live.list, {{"paced", "group"}});
  if (streamlab::interrupted()) return interrupted_demo();
  show_retention(trimmed, make_report(redis, Keys{"retained"}, "group").committed(), paced,
                 make_report(redis, Keys{"paced"}, "group").committed());
  show_closing();

  if (!options.redis.empty()) {  // leave a shared server as it was
    for (const std::string stream : {"readings", "retained", "paced"}) {
      const redis::Reply keys = redis.command({"KEYS", stream + ":*"});
      for (const auto& k : keys.elements()) redis.command({"DEL", k.text()});
    }
    for (const std::string& k : demo_keys) redis.command({"DEL", k});
  }
  streamlab::next_lesson("your own cluster — 10_beyond_one_machine --redis redis://HOST:6379 consume --help");
  return 0;
}

// ---- The subcommands ----

int run_produce(const CLI::App& app, const Options& options, redis::Connection& redis) {
  char delimiter = options.delimiter == "\\t" || options.delimiter == "tab" ? '\t' : options.delimiter[0];
  if (options.delimiter.size() != 1 && delimiter != '\t')
    return streamlab::usage_error(app, "--delimiter must be one character (or \\t)");
  std::optional<streamlab::CsvReader> reader;
  try {
    reader.emplace(open_csv(options.input, delimiter));
  } catch (const std::exception& error) {
    return streamlab::usage_error(app, error.what());
  }
  ProduceSettings settings;
  settings.batch = static_cast<std::size_t>(options.batch);
  const Produced p = produce(redis, Keys{options.stream}, *reader, settings);
  fmt::print("{}: {} rows read, {} entries appended to {}, {} bad rows to {} ({})\n", options.input,
             fmt::group_digits(p.rows), fmt::group_digits(p.valid), options.stream, fmt::group_digits(p.bad()),
             Keys{options.stream}.dead(), reasons(p.rejected));
  if (p.interrupted) {
    fmt::print("{}: the rows above were appended; the rest were not.\n", streamlab::interrupt_name());
    return streamlab::interrupt_exit_status();
  }
  return 0;
}

int run_consume(const Options& options, redis::Connection& redis) {
  const Keys keys{options.stream};
  Consumer consumer{redis, keys, options};
  const auto print_counts = [&](std::string_view how) {
    const ConsumerState& s = consumer.state();
    fmt::print(
        "consumer {} of group {}: {} entries committed ({} new, {} taken over), {} malformed; {}\n", options.name,
        options.group, fmt::group_digits(s.committed), fmt::group_digits(s.delivered), fmt::group_digits(s.redelivered),
        [&] {
          std::uint64_t n = 0;
          for (auto r : s.rejected) n += r;
          return n;
        }(),
        how);
  };
  try {
    consumer.run();
  } catch (const redis::Error& error) {
    print_counts("stopped: the server failed");
    throw;
  }
  const int signal = streamlab::interrupt_signal();  // the first one: SIGINT, SIGTERM, or none
  print_counts(signal == SIGINT ? "interrupted (Ctrl-C)" : signal == SIGTERM ? "terminated (SIGTERM)" : "idle: done");
  return streamlab::interrupt_exit_status();  // 130, 143, or 0
}

int run_report(const CLI::App& app, const Options& options, redis::Connection& redis) {
  const Keys keys{options.stream};
  const Report report = make_report(redis, keys, options.group);
  std::optional<streamlab::AtomicFile> json;
  if (!options.summary_json.empty()) {
    try {
      json.emplace(options.summary_json);
    } catch (const std::exception& error) {
      return streamlab::usage_error(app, error.what());
    }
  }
  const auto info = group_info(redis, keys.stream, options.group);
  const long long pending = info ? info->field("pending")->integer() : 0;
  fmt::print("group {} on {}: {} consumer{}, {} entries committed, {} readings in {} sensors, {} pending\n",
             options.group, options.stream, report.consumers.size(), report.consumers.size() == 1 ? "" : "s",
             fmt::group_digits(report.committed()), fmt::group_digits(report.counted()), report.sensors.size(),
             pending);
  fmt::print("producers: {} rows read, {} valid, rejected: {}\n", fmt::group_digits(report.rows),
             fmt::group_digits(report.valid), reasons(report.rejected));
  if (json) {
    json->write(summary_json(report));
    json->commit();
    fmt::print("summary written to {}\n", options.summary_json);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  Options options;
  CLI::App app{
      "Lesson 10: Beyond one machine — lesson 09's readings over a real distributed log: a Redis stream, a "
      "consumer group of processes, a crashed consumer's entries reclaimed, exactly-once results.",
      command_name};
  app.footer(
      "Without a subcommand: the demo, on a private redis-server it starts and stops (or on --redis).\n"
      "With one, against any server (--redis): produce appends a CSV's readings (lesson 09's format),\n"
      "consume runs one consumer of a group, report merges the group's committed results.\n\n"
      "Exit status: 0 done; 1 the server failed or went away (what was committed is printed); 2 bad usage,\n"
      "an unreachable server or an unreadable input; 130 Ctrl-C, 143 SIGTERM (partial counts printed).");
  app.fallthrough();
  app.add_option("--redis", options.redis,
                 "server URL: redis://HOST:PORT or unix:///path/to.sock (default: a private server)");
  app.add_option("--stream", options.stream, "stream name (subcommands)")->capture_default_str();
  streamlab::add_count_option(app, "--batch", options.batch, "entries per XADD pipeline and per XREADGROUP", 100'000);
  streamlab::add_count_option(app, "--claim-idle-ms", options.claim_idle_ms,
                              "take over another consumer's entries pending this long (XAUTOCLAIM)", 3'600'000);
  streamlab::add_count_option(app, "--rows", options.rows, "rows of generated data (the demo, generate)", 10'000'000);
  streamlab::add_seed_option(app, options.seed);
  streamlab::add_chart_options(app, options.charts);

  CLI::App* generate_cmd = app.add_subcommand("generate", "write the demo's readings (lesson 09's) to a CSV file");
  generate_cmd->add_option("--output", options.output, "the CSV file to write (--rows, --seed)")->required();
  CLI::App* produce_cmd = app.add_subcommand("produce", "append a CSV's readings to the stream (XADD)");
  produce_cmd->add_option("--input", options.input, "CSV file: timestamp_ms,sensor_id,value (lesson 09's)")->required();
  produce_cmd->add_option("--delimiter", options.delimiter, "field separator: one character, or \\t")
      ->capture_default_str();
  CLI::App* consume_cmd = app.add_subcommand("consume", "run one consumer of a group until Ctrl-C or SIGTERM");
  consume_cmd->add_option("--group", options.group, "consumer group (made if missing)")->required();
  consume_cmd->add_option("--name", options.name, "this consumer's name in the group")->required();
  streamlab::add_count_option(*consume_cmd, "--idle-exit-ms", options.idle_exit_ms,
                              "exit once nothing was read for this long and the group has nothing pending", 86'400'000);
  consume_cmd->add_flag("--at-least-once", options.at_least_once,
                        "save the state, then acknowledge, in two steps (what the lesson shows goes wrong)");
  streamlab::add_count_option(*consume_cmd, "--work-ms", options.work_ms,
                              "spend this long on each batch, as a slower consumer would", 60'000);
  consume_cmd->add_option("--crash-at-line", options.crash_at_line)->group("");  // the demo's crash
  CLI::App* report_cmd = app.add_subcommand("report", "merge a group's committed partial statistics");
  report_cmd->add_option("--group", options.group, "consumer group")->required();
  report_cmd->add_option("--summary-json", options.summary_json, "write lesson 09's summary JSON to FILE");
  app.require_subcommand(0, 1);

  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;
  if (options.group.empty() && (consume_cmd->parsed() || report_cmd->parsed()))
    return streamlab::usage_error(app, "--group needs a name");
  if (consume_cmd->parsed() && options.name.empty()) return streamlab::usage_error(app, "--name needs a name");
  if (produce_cmd->parsed() && options.input.empty()) return streamlab::usage_error(app, "--input needs a file name");
  // Ctrl-C and SIGTERM only set a flag, streamlab::interrupted(), which every loop checks. A consumer the demo
  // started arrives with both blocked (see spawn_self): one sent before now is pending, and is handled here.
  streamlab::install_interrupt_flag();
  if (generate_cmd->parsed()) {
    if (options.output.empty()) return streamlab::usage_error(app, "--output needs a file name");
    try {
      if (!write_readings(options.output, options.rows, options.seed)) {
        fmt::print("{}: {} not written.\n", streamlab::interrupt_name(), options.output);
        return streamlab::interrupt_exit_status();
      }
    } catch (const std::exception& error) {
      return streamlab::usage_error(app, error.what());
    }
    fmt::print("{}: {} rows of readings (seed {})\n", options.output,
               fmt::group_digits(static_cast<std::uint64_t>(options.rows)), options.seed);
    return 0;
  }
  if (options.stream.empty()) return streamlab::usage_error(app, "--stream needs a name");
  const bool subcommand = produce_cmd->parsed() || consume_cmd->parsed() || report_cmd->parsed();
  if (subcommand && options.redis.empty())
    return streamlab::usage_error(app, "produce, consume and report need --redis URL (the server to use)");
  if (!options.redis.empty()) {
    try {
      redis::Address::parse(options.redis);
    } catch (const std::invalid_argument& error) {
      return streamlab::usage_error(app, error.what());
    }
  }
  try {
    if (!subcommand) return run_demo(app, options);
    std::optional<redis::Connection> redis;
    try {
      // A blocking read may take block_time: the I/O timeout leaves room for it.
      redis.emplace(redis::Address::parse(options.redis), redis::Options{2000ms, block_time + 5000ms});
    } catch (const redis::Error& error) {
      return streamlab::usage_error(app, error.what());
    }
    if (produce_cmd->parsed()) return run_produce(app, options, *redis);
    if (consume_cmd->parsed()) return run_consume(options, *redis);
    return run_report(app, options, *redis);
  } catch (const redis::Error& error) {
    fmt::print(stderr, "{}: error: {}\n", command_name, error.what());
    return exit_failed;
  } catch (const std::exception& error) {
    fmt::print(stderr, "{}: error: {}\n", command_name, error.what());
    return exit_failed;
  }
}
