// KeyedFanOut<T>: batches split among worker threads by key, and their results gathered back in input order.
#pragma once

#include "streamlab/bounded_queue.hpp"
#include "streamlab/object_pool.hpp"
#include "streamlab/partition.hpp"
#include "streamlab/resequencer.hpp"
#include "streamlab/row_writer.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace streamlab {

/// The parallel middle of a pipeline whose work keeps state per key (a model per sensor, a session
/// per user): batches go in on one thread, each is split among `workers` threads by key — every
/// item of a key to the same worker, in input order (split_by_key) — and the parts come back out,
/// on one thread, put together again in input order (a Resequencer). What the workers write for
/// their items (a RowWriter per part) is merged row by row into the batch's order, so the output
/// is the same, byte for byte, with 1 or N workers, whichever finishes first.
///
/// Parts come from a fixed pool (ObjectPool) and go back to it when the collector moves on: send()
/// waits while all of them are in flight, which bounds the memory of the whole middle of the
/// pipeline, and a steady stream allocates nothing per batch. A part that held far more than its
/// batch needed (four times, past 1024 items) gives the extra memory back as it returns, so the
/// pool's memory follows what batches need now, not the largest share any part ever held. With one worker a batch is
/// not split at all: its vector becomes the part (swapped, not copied).
///
/// Threads: send() and close() from one thread (the batching stage); work(w, ...) from worker w;
/// next_in_order(), rows_in_order() and release() from one collecting thread; cancel() from any thread.
///
/// **Example**
/// \code
/// streamlab::KeyedFanOut<Reading> fan_out{workers};
/// // batching thread:
/// while (auto batch = streamlab::next_batch(readings, batcher))
///   if (!fan_out.send(*batch, [&](const Reading& r) { return r.sensor % workers; })) break;
/// fan_out.close();
/// // worker thread w:
/// fan_out.work(w, [&](auto& part) {
///   for (Reading& r : part.items) part.rows.integer(r.sensor).shortest(model.score(r)).end_row();
/// });
/// // collecting thread:
/// while (auto parts = fan_out.next_in_order()) output.write(fan_out.rows_in_order());
/// \endcode
template <typename T>
class KeyedFanOut {
 public:
  using time_point = std::chrono::steady_clock::time_point;  ///< when a batch was sent

  /// One worker's share of a batch.
  struct Part {
    std::uint64_t batch = 0;  ///< the batch's number: 0, 1, 2, ... in the order they were sent
    std::size_t worker = 0;   ///< the worker it is for
    std::vector<T> items;     ///< the items of this worker's keys, in input order
    RowWriter rows;           ///< what the worker writes for its items: one row per item, or none at all
    PartitionRoute route;     ///< part 0 only: which part each item of the batch went to
    time_point sent;          ///< when send() handed the batch on: latency counts from here
  };

  /// `workers` threads (1 to 256), and at most `parts_in_flight` parts at once (at least
  /// `workers`; 0: 4 × workers + 4). std::invalid_argument otherwise.
  explicit KeyedFanOut(std::size_t workers, std::size_t parts_in_flight = 0)
      : workers_(checked_workers(workers)),
        pool_(parts_in_flight == 0 ? 4 * workers + 4 : parts_in_flight),
        done_(pool_.limit()),
        in_order_(pool_.limit()),
        running_(workers) {
    if (pool_.limit() < workers) throw std::invalid_argument("KeyedFanOut: fewer parts in flight than workers");
    for (std::size_t w = 0; w < workers; ++w) to_worker_.push_back(std::make_unique<BoundedQueue<Part>>(pool_.limit()));
    outgoing_.resize(workers);
  }

  /// The number of workers.
  std::size_t workers() const noexcept { return workers_; }
  /// Batches sent so far.
  std::uint64_t batches_sent() const noexcept { return sent_; }

  /// Splits `batch` among the workers — item `x` to worker `part_of(x)`, which must be less than
  /// workers() and the same for every item of a key — and sends each worker its part, empty ones
  /// too. Waits while every part is in flight. Afterwards `batch` is empty, with memory to hold a
  /// later batch (AdaptiveBatcher::recycle takes it). Returns false once cancelled.
  template <typename PartOf>
  bool send(std::vector<T>& batch, PartOf part_of) {
    const time_point now = std::chrono::steady_clock::now();
    for (std::size_t w = 0; w < workers_; ++w) {
      std::optional<Part> part = pool_.acquire();
      if (!part) return false;
      outgoing_[w] = std::move(*part);
      outgoing_[w].batch = sent_;
      outgoing_[w].worker = w;
      outgoing_[w].sent = now;
      outgoing_[w].items.clear();
      outgoing_[w].rows.clear();
      outgoing_[w].route.clear();
    }
    if (workers_ == 1) {
      outgoing_[0].items.swap(batch);  // the whole batch is the one part
    } else {
      split_by_key(
          std::span<const T>(batch), part_of, [this](std::size_t w) -> std::vector<T>& { return outgoing_[w].items; },
          outgoing_[0].route);
    }
    batch.clear();
    ++sent_;
    for (std::size_t w = 0; w < workers_; ++w) {
      if (to_worker_[w]->push(std::move(outgoing_[w])) == PushResult::closed) return false;
    }
    return true;
  }

  /// No more batches: each worker ends once it has done the parts already sent to it.
  void close() {
    for (auto& queue : to_worker_) queue->close();
  }

  /// Worker `worker`'s loop: calls `process(part)` for each of its parts, in batch order, and
  /// hands each on to the collector. Returns when close() was called and all is done, or on
  /// cancel(). The last worker to return ends the collector's stream.
  template <typename Process>
  void work(std::size_t worker, Process process) {
    struct LastOneCloses {
      KeyedFanOut& fan_out;
      ~LastOneCloses() {
        if (--fan_out.running_ == 0) fan_out.done_.close();
      }
    } last_one_closes{*this};
    while (std::optional<Part> part = to_worker_.at(worker)->pop()) {
      process(*part);
      if (done_.push(std::move(*part)) == PushResult::closed) return;
    }
  }

  /// The parts of the next batch, in batch order, once all of them are done; nothing when the
  /// stream has ended (or was cancelled). The parts of the batch before are given back to the
  /// pool first: the span is valid until the next call.
  std::optional<std::span<Part>> next_in_order() {
    release();
    while (current_.size() < workers_) {
      if (std::optional<Part> next = in_order_.pop()) {
        current_.push_back(std::move(*next));
        continue;
      }
      std::optional<Part> arrived = done_.pop();
      if (!arrived) return std::nullopt;
      in_order_.put(arrived->batch * workers_ + arrived->worker, std::move(*arrived));
    }
    return std::span<Part>(current_);
  }

  /// Gives the parts of the current batch back to the pool now, as soon as the collector is done
  /// with them, rather than at the next call to next_in_order(): the batching thread may be waiting
  /// for one. The span next_in_order() returned is then no longer valid.
  void release() {
    // Last part first: the pool hands out the last one released first, so in a steady stream
    // worker w gets back the part worker w used last, already the size its keys need.
    for (auto used = current_.rbegin(); used != current_.rend(); ++used) {
      trim(*used);
      pool_.release(std::move(*used));
    }
    current_.clear();
  }

  /// The rows the workers wrote for the current batch (the one next_in_order() returned), merged
  /// back into the batch's input order. With one worker, its rows as they are.
  std::string_view rows_in_order() {
    if (current_.size() == 1) return current_[0].rows.text();
    std::size_t total = 0;
    for (const Part& part : current_) total += part.rows.text().size();
    if (merged_.size() < total) merged_.resize(total);
    char* out = merged_.data();
    current_.at(0).route.replay([&](std::size_t w, std::size_t k) {
      const RowWriter& rows = current_[w].rows;  // row k of part w: one copy, no bounds re-checked
      const std::size_t begin = k == 0 ? 0 : rows.ends()[k - 1];
      const std::size_t length = rows.ends()[k] - begin;
      std::memcpy(out, rows.text().data() + begin, length);
      out += length;
    });
    return {merged_.data(), static_cast<std::size_t>(out - merged_.data())};
  }

  /// Stops every side at once, as when a stage fails: send() and the workers stop, waits end,
  /// next_in_order() returns nothing once what is already done is taken.
  void cancel() {
    for (auto& queue : to_worker_) queue->close();
    done_.close();
    pool_.close();
  }

 private:
  static std::size_t checked_workers(std::size_t workers) {
    if (workers == 0 || workers > PartitionRoute::max_parts)
      throw std::invalid_argument("KeyedFanOut: between 1 and 256 workers");
    return workers;
  }

  // A part goes back to the pool with its memory, for the next batch, but not with far more than
  // this batch needed: parts serve any worker in turn, so with skewed keys (one busy sensor, 64
  // workers) every part would grow, sooner or later, to the busiest worker's share and keep it.
  static void trim(Part& part) {
    constexpr std::size_t spare_items = 1024, spare_bytes = 64 * 1024;  // small parts are not worth it
    if (part.items.capacity() > 4 * part.items.size() + spare_items) {
      std::vector<T> smaller;  // the items are done with: not copied
      smaller.reserve(part.items.size());
      part.items.swap(smaller);
    }
    if (part.rows.capacity() > 4 * part.rows.text().size() + spare_bytes) part.rows.shrink(part.rows.text().size());
  }

  const std::size_t workers_;
  ObjectPool<Part> pool_;
  std::vector<std::unique_ptr<BoundedQueue<Part>>> to_worker_;
  BoundedQueue<Part> done_;     // parts the workers are done with, in the order they finish
  Resequencer<Part> in_order_;  // parts numbered batch × workers + worker, put back in order
  std::atomic<std::size_t> running_;
  std::uint64_t sent_ = 0;      // the batching thread's
  std::vector<Part> outgoing_;  // the batching thread's
  std::vector<Part> current_;   // the collector's: the parts of the current batch
  std::string merged_;          // the collector's: the current batch's rows, merged
};

}  // namespace streamlab
