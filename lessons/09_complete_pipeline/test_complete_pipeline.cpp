// Tests of lesson 09 as a program: it runs the lesson binary (LESSON_BINARY) and checks its files,
// its exit status and its summary against an independent single-threaded computation.
#include "streamlab/csv.hpp"
#include "streamlab/stats.hpp"
#include "streamlab/temp_dir.hpp"

#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Result {
  int status = -1;  // exit status, or 128 + signal
  std::string out;
};

// Runs the lesson with `args` through the shell, stdout and stderr to files in `folder`.
Result run_lesson(const std::vector<std::string>& args, const fs::path& folder) {
  const fs::path out = folder / "stdout.txt";
  std::string command = LESSON_BINARY;
  for (const auto& arg : args) command += " '" + arg + "'";
  command += " >'" + out.string() + "' 2>'" + (folder / "stderr.txt").string() + "' </dev/null";
  const int raw = std::system(command.c_str());
  Result result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  std::ifstream in(out);
  std::ostringstream text;
  text << in.rdbuf();
  result.out = text.str();
  return result;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A small input with good rows of 5 sensors and one bad row of every kind (line numbers known).
std::string small_input(std::map<std::uint64_t, std::string>& bad_lines) {
  std::string csv = "timestamp_ms,sensor_id,value\n";
  std::uint64_t line = 1;
  auto add = [&](const std::string& row, const char* reason = nullptr) {
    csv += row + "\n";
    ++line;
    if (reason) bad_lines[line] = reason;
  };
  for (int i = 0; i < 3000; ++i) {
    add(fmt::format("{},{},{}", 1000 + i, i % 5, 10.0 + (i % 5) + 0.25 * ((i * 7919) % 13)));
    if (i == 100) add("1,2", "wrong_field_count");
    if (i == 200) add("1,,3.5", "empty_field(sensor_id)");
    if (i == 300) add("1,2,abc", "not_a_number(value)");
    if (i == 400) add("1,2,1e400", "out_of_range(value)");
    if (i == 500) add("1,2,inf", "non_finite(value)");
    if (i == 600) add("1,2," + std::string(5000, '1'), "line_too_long");
    if (i == 700) add(std::string("1,2,3") + '\0', "nul_byte");
  }
  add("1,2,\"3.5", "unterminated_quote");
  return csv;
}

// The number after `"key": ` in a JSON text.
double json_number(const std::string& json, const std::string& key, std::size_t from = 0) {
  const auto at = json.find("\"" + key + "\": ", from);
  REQUIRE(at != std::string::npos);
  return std::strtod(json.c_str() + at + key.size() + 4, nullptr);
}

}  // namespace

TEST_CASE("the summary equals a single-threaded computation, and every bad row is a dead letter") {
  streamlab::TempDir dir;
  std::map<std::uint64_t, std::string> bad;
  const std::string csv = small_input(bad);
  std::ofstream(dir.path() / "in.csv", std::ios::binary) << csv;
  const auto result =
      run_lesson({"--input", (dir.path() / "in.csv").string(), "--output", (dir.path() / "out.csv").string(),
                  "--dead-letter", (dir.path() / "dead.csv").string(), "--summary-json",
                  (dir.path() / "summary.json").string(), "--workers", "2", "--batch-size", "64"},
                 dir.path());
  REQUIRE(result.status == 0);

  // Independent: one CsvReader, one loop, OnlineStats per sensor (its id a string, as given).
  std::map<std::string, streamlab::OnlineStats> expected;
  auto reader = streamlab::CsvReader::from_string(csv);
  std::uint64_t read = 0;
  while (auto row = reader.next()) {
    ++read;
    if (!row->ok()) continue;
    const std::string sensor{(*row)[1]};
    auto value = row->get<double>(2);
    if (!sensor.empty() && value && row->get<std::int64_t>(0)) expected[sensor].add(value.value);
  }
  const std::string json = slurp(dir.path() / "summary.json");
  CHECK(json.find("{\"status\": \"complete\", ") == 0);
  CHECK(json_number(json, "rows_read") == Approx(static_cast<double>(read)));
  CHECK(json_number(json, "rows_valid") == 3000);
  CHECK(json_number(json, "rows_written") == 3000);
  CHECK(json_number(json, "elapsed_seconds") > 0);
  CHECK(json_number(json, "throughput_rows_per_second") > 0);
  CHECK(json_number(json, "peak_rss_bytes") > 1e6);
  CHECK(json_number(json, "p50") > 0);
  CHECK(json_number(json, "p99") >= json_number(json, "p50"));
  for (const auto& [id, stats] : expected) {
    const auto at = json.find(fmt::format("\"{}\": {{", id));
    REQUIRE(at != std::string::npos);
    CHECK(json_number(json, "count", at) == static_cast<double>(stats.count()));
    CHECK(json_number(json, "mean", at) == stats.mean());  // same additions in the same order: exact
    CHECK(json_number(json, "variance", at) == stats.variance());
    CHECK(json_number(json, "min", at) == stats.min());
    CHECK(json_number(json, "max", at) == stats.max());
  }
  for (const auto& [line, reason] : bad) {
    CHECK(json_number(json, reason) == 1);
  }
  // Dead letters: a header, then one line per bad row: its line number and reason.
  const std::string dead = slurp(dir.path() / "dead.csv");
  CHECK(count_lines(dead) == 1 + bad.size());
  for (const auto& [line, reason] : bad) {
    CHECK(dead.find(fmt::format("\n{},{},", line, reason)) != std::string::npos);
  }
  // Output: a header and one row per valid reading.
  CHECK(count_lines(slurp(dir.path() / "out.csv")) == 1 + 3000);
}

TEST_CASE("results are identical with 1 and 4 workers and across runs") {
  streamlab::TempDir dir;
  std::vector<std::string> summaries, outputs;
  // Small batches and 4 workers: many batches, each split four ways and merged again by the sink.
  for (const char* workers : {"1", "4", "4"}) {
    const auto json = dir.path() / fmt::format("summary{}.json", summaries.size());
    const auto out = dir.path() / fmt::format("out{}.csv", outputs.size());
    const auto result = run_lesson({"--rows", "30000", "--workers", workers, "--batch-size", "100", "--summary-json",
                                    json.string(), "--output", out.string()},
                                   dir.path());
    REQUIRE(result.status == 0);
    summaries.push_back(slurp(json));
    outputs.push_back(slurp(out));
  }
  // The counts and the per-sensor statistics: everything but the measured times, rates and memory.
  const auto results = [](const std::string& json) {
    return json.substr(0, json.find("\"elapsed_seconds\"")) + json.substr(json.find("\"sensors\""));
  };
  CHECK(results(summaries[0]) == results(summaries[1]));
  CHECK(results(summaries[1]) == results(summaries[2]));
  // The output file too, byte for byte, and in input order: line numbers only go up.
  CHECK(outputs[0] == outputs[1]);
  CHECK(outputs[1] == outputs[2]);
  std::istringstream rows{outputs[1]};
  std::string row;
  std::getline(rows, row);  // the header
  std::uint64_t previous = 0, count = 0, out_of_order = 0;
  while (std::getline(rows, row)) {
    const std::uint64_t line = std::stoull(row.substr(0, row.find(',')));
    if (line <= previous) ++out_of_order;
    previous = line;
    ++count;
  }
  CHECK(out_of_order == 0);
  CHECK(count > 29'000);
}

TEST_CASE("an exception in any stage stops the pipeline: exit 1, the stage named, no output file") {
  for (const char* stage : {"source", "transform", "process", "sink"}) {
    INFO("stage " << stage);
    streamlab::TempDir dir;
    const auto out = dir.path() / "out.csv";
    const auto result = run_lesson(
        {"--rows", "20000", "--batch-size", "100", "--workers", "2", "--output", out.string(), "--fail-stage", stage},
        dir.path());
    CHECK(result.status == 1);
    CHECK(slurp(dir.path() / "stderr.txt").find(fmt::format("injected failure in {}", stage)) != std::string::npos);
    CHECK(result.out.find("Partial results: stage") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    // Nothing else left in the folder: no temporary output file.
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path()))
      files += entry.path().filename().string().find(".tmp-") != std::string::npos;
    CHECK(files == 0);
  }
}

TEST_CASE("the output is written atomically: an existing file is replaced only on success") {
  streamlab::TempDir dir;
  const auto out = dir.path() / "out.csv";
  std::ofstream(out) << "previous\n";
  auto failed = run_lesson({"--rows", "5000", "--output", out.string(), "--fail-stage", "sink"}, dir.path());
  CHECK(failed.status == 1);
  CHECK(slurp(out) == "previous\n");
  auto done = run_lesson({"--rows", "5000", "--output", out.string()}, dir.path());
  CHECK(done.status == 0);
  CHECK(slurp(out).rfind("line,timestamp_ms,sensor_id,value,zscore,prediction,anomaly\n", 0) == 0);
}

TEST_CASE("bad options and inputs: exit 2") {
  streamlab::TempDir dir;
  CHECK(run_lesson({"--workers", "0"}, dir.path()).status == 2);
  CHECK(run_lesson({"--input", (dir.path() / "missing.csv").string()}, dir.path()).status == 2);
  CHECK(run_lesson({"--input", dir.path().string()}, dir.path()).status == 2);
  std::ofstream(dir.path() / "empty.csv").flush();
  CHECK(run_lesson({"--input", (dir.path() / "empty.csv").string()}, dir.path()).status == 2);
  std::ofstream(dir.path() / "cols.csv") << "a,b\n1,2\n";
  CHECK(run_lesson({"--input", (dir.path() / "cols.csv").string()}, dir.path()).status == 2);
  CHECK(run_lesson({"--output", (dir.path() / "no" / "out.csv").string()}, dir.path()).status == 2);
  CHECK(run_lesson({"--delimiter", ";;"}, dir.path()).status == 2);
  CHECK(run_lesson({"--delimiter", "\""}, dir.path()).status == 2);  // a quote cannot separate fields
  CHECK(run_lesson({"--max-reject-rate", "1.5"}, dir.path()).status == 2);
  CHECK(run_lesson({"--max-reject-rate", "0"}, dir.path()).status == 2);  // above 0
}

TEST_CASE("Ctrl-C mid-run: exit 130, what was read is processed, the partial summary adds up") {
  streamlab::TempDir dir;
  const auto out = dir.path() / "out.csv";
  const auto json = dir.path() / "summary.json";
  int to_lesson[2];
  REQUIRE(::pipe(to_lesson) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(to_lesson[0], 0);
    ::close(to_lesson[0]);
    ::close(to_lesson[1]);
    const std::string out_s = out.string(), json_s = json.string();
    ::execl(LESSON_BINARY, LESSON_BINARY, "--input", "-", "--output", out_s.c_str(), "--summary-json", json_s.c_str(),
            "--batch-timeout-ms", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(to_lesson[0]);
  ::signal(SIGPIPE, SIG_IGN);
  auto send = [&](const std::string& text) {
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
      const ssize_t n = ::write(to_lesson[1], p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;  // EPIPE: the lesson has exited
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    return true;
  };
  // Write 200,000 rows: a pipe holds 64 KiB, so once they are written the lesson has read most
  // of them (waiting on its progress, not on a clock). Then Ctrl-C, and keep writing rows so that
  // its blocked read returns, until it exits and the pipe breaks.
  send("timestamp_ms,sensor_id,value\n");
  std::string chunk;
  std::int64_t i = 0;
  for (; i < 200'000; ++i) {
    chunk += fmt::format("{},{},{}.5\n", i, i % 7, i % 100);
    if (chunk.size() > 8192) {
      REQUIRE(send(chunk));
      chunk.clear();
    }
  }
  ::kill(child, SIGINT);
  for (int more = 0; more < 100'000 && send(fmt::format("{},1,2.5\n", i++)); ++more) {
  }
  ::close(to_lesson[1]);
  int raw = 0;
  ::waitpid(child, &raw, 0);
  REQUIRE(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 130);
  const std::string summary = slurp(json);
  const double read = json_number(summary, "rows_read");
  const double valid = json_number(summary, "rows_valid");
  CHECK(summary.find("\"status\": \"interrupted\"") != std::string::npos);
  CHECK(read >= 190'000);
  CHECK(read < static_cast<double>(i) + 1);
  CHECK(valid == read);  // every row was good
  // The output holds exactly the readings that were read: drained and flushed, not cut short.
  CHECK(count_lines(slurp(out)) == static_cast<std::size_t>(valid) + 1);
}

TEST_CASE("a temporary file that cannot be written or made: exit 1, one error line, nothing left behind") {
  streamlab::TempDir dir;
  const fs::path tmp = dir.path() / "tmp";
  fs::create_directory(tmp);
  const auto run_with = [&](const std::string& setup, const std::string& tmpdir) {
    const std::string command =
        fmt::format("{} TMPDIR='{}' exec '{}' --rows 1000000 >'{}' 2>'{}' </dev/null", setup, tmpdir, LESSON_BINARY,
                    (dir.path() / "stdout.txt").string(), (dir.path() / "stderr.txt").string());
    const int raw = std::system(command.c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  };
  // Files of at most about 1 MB (ulimit -f; SIGXFSZ ignored, so a write fails with EFBIG instead
  // of killing the lesson): the generated data, some 33 MB, cannot be written. The exception
  // leaves run(), and the temporary folder and file must still be removed.
  CHECK(run_with("ulimit -f 2000; trap '' XFSZ;", tmp.string()) == 1);
  std::string err = slurp(dir.path() / "stderr.txt");
  CHECK(count_lines(err) == 1);
  CHECK(err.find("09_complete_pipeline: error: ") == 0);
  CHECK(err.find("File too large") != std::string::npos);
  CHECK(fs::is_empty(tmp));
  // No temporary folder at all: one line, exit 1, not an abort.
  CHECK(run_with("", (dir.path() / "missing").string()) == 1);
  err = slurp(dir.path() / "stderr.txt");
  CHECK(count_lines(err) == 1);
  CHECK(err.find("09_complete_pipeline: error: ") == 0);
}

TEST_CASE("a real file: string sensor ids kept as given, another delimiter, reasons that name their column") {
  streamlab::TempDir dir;
  // Semicolons, the columns in another order and one more; ids with a dash, a space, a comma and a
  // leading zero; then a value that is not a number (line 302) and a missing id (line 303).
  const char* ids[] = {"temp-1", "pump 7", "\"a,b\"", "07"};
  std::string csv = "sensor_id;timestamp_ms;value;unit\n";
  for (int i = 0; i < 300; ++i) csv += fmt::format("{};{};{};C\n", ids[i % 4], 1000 + i, 20 + i % 3);
  csv += "temp-1;2000;warm;C\n;2001;1.5;C\n";
  std::ofstream(dir.path() / "in.csv", std::ios::binary) << csv;
  const auto result = run_lesson(
      {"--input", (dir.path() / "in.csv").string(), "--delimiter", ";", "--output", (dir.path() / "out.csv").string(),
       "--dead-letter", (dir.path() / "dead.csv").string(), "--summary-json", (dir.path() / "summary.json").string()},
      dir.path());
  REQUIRE(result.status == 0);
  const std::string out = slurp(dir.path() / "out.csv");
  CHECK(count_lines(out) == 301);
  CHECK(out.find("\n2,1000,temp-1,20,") != std::string::npos);  // the output is comma-separated
  CHECK(out.find(",pump 7,") != std::string::npos);
  CHECK(out.find(",\"a,b\",") != std::string::npos);  // quoted again, as CSV needs
  CHECK(out.find(",07,") != std::string::npos);       // kept as given, not read as the number 7
  const std::string dead = slurp(dir.path() / "dead.csv");
  CHECK(dead.find("\n302,not_a_number(value),\"temp-1;2000;warm;C\"\n") != std::string::npos);
  CHECK(dead.find("\n303,empty_field(sensor_id),") != std::string::npos);
  const std::string json = slurp(dir.path() / "summary.json");
  for (const char* id : {"temp-1", "pump 7", "a,b", "07"})
    CHECK(json_number(json, "count", json.find(fmt::format("\"{}\": {{", id))) == 75);
  CHECK(json_number(json, "not_a_number(value)") == 1);
  CHECK(json_number(json, "empty_field(sensor_id)") == 1);

  // Tab-separated, the tab given as itself ($'\t' in a shell).
  std::ofstream(dir.path() / "in.tsv", std::ios::binary) << "timestamp_ms\tsensor_id\tvalue\n1\tx\t2.5\n2\ty\t3.5\n";
  const auto tsv = run_lesson(
      {"--input", (dir.path() / "in.tsv").string(), "--delimiter", "\t", "--output", (dir.path() / "tsv.csv").string()},
      dir.path());
  CHECK(tsv.status == 0);
  CHECK(slurp(dir.path() / "tsv.csv").find("\n3,2,y,3.5,") != std::string::npos);
}

TEST_CASE("a limit on rejected rows (--max-reject-rate): over it, a failure; over half of them, a warning") {
  streamlab::TempDir dir;
  const auto input = [&](int good, int bad) {
    std::string csv = "timestamp_ms,sensor_id,value\n";
    for (int i = 0; i < good + bad; ++i) csv += i < good ? fmt::format("{},s,{}\n", i, i) : fmt::format("{},s,x\n", i);
    std::ofstream(dir.path() / "in.csv", std::ios::binary) << csv;
    return (dir.path() / "in.csv").string();
  };
  const auto out = dir.path() / "out.csv";
  const auto json = dir.path() / "summary.json";
  // 40 of 140 rows rejected: 28.6 %.
  auto failed = run_lesson({"--input", input(100, 40), "--max-reject-rate", "0.2", "--output", out.string(),
                            "--summary-json", json.string(), "--dead-letter", (dir.path() / "dead.csv").string()},
                           dir.path());
  CHECK(failed.status == 1);
  const std::string err = slurp(dir.path() / "stderr.txt");
  CHECK(err ==
        "09_complete_pipeline: error: 28.6% of the rows were rejected, more than --max-reject-rate 0.2 allows\n");
  CHECK_FALSE(fs::exists(out));
  CHECK(count_lines(slurp(dir.path() / "dead.csv")) == 41);  // the dead letters are written all the same
  CHECK(slurp(json).find("{\"status\": \"failed\", ") == 0);
  auto passed =
      run_lesson({"--input", input(100, 40), "--max-reject-rate", "0.3", "--output", out.string()}, dir.path());
  CHECK(passed.status == 0);
  CHECK(fs::exists(out));
  CHECK(slurp(dir.path() / "stderr.txt").empty());
  // 60 of 100 rejected, no limit given: it runs, and warns.
  auto warned = run_lesson({"--input", input(40, 60)}, dir.path());
  CHECK(warned.status == 0);
  CHECK(slurp(dir.path() / "stderr.txt") ==
        "09_complete_pipeline: warning: 60.0% of the rows were rejected (is --delimiter right?)\n");
}

TEST_CASE("a -999999 sentinel in a sensor's warm-up does not blind its error scale: later spikes are flagged") {
  streamlab::TempDir dir;
  // One sensor: a slow wave around 20 with a little noise; its 5th reading is a sentinel, its 200th
  // and 300th are spikes of +12 — the anomalies the model must flag.
  std::string csv = "timestamp_ms,sensor_id,value\n";
  for (int i = 1; i <= 400; ++i) {
    double value = 20 + 2 * std::sin(i / 50.0) + 0.3 * std::sin(i * 1.7);
    if (i == 5) value = -999999;
    if (i == 200 || i == 300) value += 12;
    csv += fmt::format("{},1,{:.3f}\n", i, value);
  }
  std::ofstream(dir.path() / "in.csv", std::ios::binary) << csv;
  const auto out = dir.path() / "out.csv";
  REQUIRE(run_lesson({"--input", (dir.path() / "in.csv").string(), "--output", out.string()}, dir.path()).status == 0);
  std::istringstream rows{slurp(out)};
  std::string row;
  std::getline(rows, row);             // the header
  std::vector<std::uint64_t> flagged;  // the input lines of the readings flagged as anomalies
  while (std::getline(rows, row)) {
    if (row.ends_with(",1")) flagged.push_back(std::stoull(row.substr(0, row.find(','))));
  }
  CHECK(flagged == std::vector<std::uint64_t>{201, 301});  // readings 200 and 300 (line = reading + 1)
}
