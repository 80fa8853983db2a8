// Lesson printing: banners, section titles, bullets and measured values, the same in every lesson.
#pragma once

#include <string_view>

namespace streamlab {

struct PipelineMetrics;  // keyed_pipeline.hpp

/// Prints a lesson's opening banner: a rule of `=`, the title indented by two spaces, a rule.
///
/// **Example**
/// \code
/// streamlab::banner("Basic Streaming");
/// streamlab::section("Why streaming matters");
/// streamlab::bullet("Process data that doesn't fit in memory");
/// streamlab::measured("Elapsed", 12.5, "ms");     //   Elapsed: 12.50 ms
/// streamlab::next_lesson("02_batch_processing");
/// \endcode
void banner(std::string_view title);

/// Prints a section title as `=== Title ===`, preceded by a blank line.
void section(std::string_view title);

/// Prints `  • text` (indent counts spaces before the bullet).
void bullet(std::string_view text, int indent = 2);

/// Prints one machine-dependent value on a line of its own: `  label: value unit`.
///
/// Everything a lesson measures (times, rates, memory, speed-ups) goes through this function, so
/// that the golden file can match exactly these lines with a pattern and every other line exactly.
/// `decimals` is the number of digits after the point; `unit` may be empty.
void measured(std::string_view label, double value, std::string_view unit, int decimals = 2, int indent = 2);

/// Prints what a pipeline run measured (KeyedPipeline::metrics()), a measured line each — the
/// seed's example metrics: input rate, batch latency p50 and p99, batches, peak memory,
/// throughput — and then the CPU time of each stage on one line.
///
/// \code
/// streamlab::measured(pipeline.metrics(records_read));
/// //   Input rate: 4187520 records/sec
/// //   Processing latency per batch, p50: 1.92 ms
/// //   ...
/// //   CPU time by stage: source 48 ms, transform 13 ms, process 61 ms, sink 17 ms
/// \endcode
void measured(const PipelineMetrics& metrics);

/// Prints the closing `Next:` line of a lesson, e.g. `Next: 02_batch_processing`.
void next_lesson(std::string_view lesson);

}  // namespace streamlab
