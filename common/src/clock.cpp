#include "streamlab/clock.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace streamlab {

SteadyClock& SteadyClock::instance() noexcept {
  static SteadyClock clock;
  return clock;
}

void SteadyClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& ready, time_point deadline) {
  // time_point::max() means "no deadline": a plain wait avoids overflow inside wait_until.
  if (deadline == time_point::max()) {
    ready.wait(lock);
  } else {
    ready.wait_until(lock, deadline);
  }
}

void SteadyClock::sleep_until(time_point deadline) { std::this_thread::sleep_until(deadline); }

ManualClock::ManualClock(Mode mode, time_point start) : mode_(mode), now_(start) {
  add_watch(sleep_mutex_, sleep_ready_);
}

ManualClock::~ManualClock() { remove_watch(sleep_ready_); }

void ManualClock::advance(duration step) {
  if (step < duration::zero()) throw std::invalid_argument("ManualClock::advance: time cannot go back");
  std::lock_guard watches(watches_mutex_);
  const time_point when = now() + step;
  if (step == duration::zero()) return;
  now_.store(when, std::memory_order_release);
  {
    std::lock_guard sleepers(sleepers_mutex_);
    ++epoch_;
  }
  sleepers_changed_.notify_all();
  // Taking each watched mutex before notifying closes the gap between a waiter's check of now()
  // and its wait: the waiter holds its mutex across both, so it is either already waiting (and is
  // woken) or has not yet looked at the time (and sees the new one).
  for (const Watch& watch : watches_) {
    std::lock_guard waiter(*watch.mutex);
    watch.ready->notify_all();
  }
}

void ManualClock::advance_to(time_point when) {
  const time_point current = now();
  if (when > current) advance(when - current);
}

void ManualClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& ready, time_point deadline) {
  if (deadline == time_point::max()) {  // no deadline: only the waiter's own event can end it
    ready.wait(lock);
    return;
  }
  if (now() >= deadline) return;
  if (mode_ == Mode::auto_advance) {
    // Moving the clock notifies every watched pair, ours included: release our mutex first.
    lock.unlock();
    advance_to(deadline);
    lock.lock();
    return;
  }
  const std::uint64_t id = add_sleeper(deadline);
  ready.wait(lock);
  remove_sleeper(id);
}

void ManualClock::sleep_until(time_point deadline) {
  std::unique_lock lock(sleep_mutex_);
  while (now() < deadline) wait_until(lock, sleep_ready_, deadline);
}

std::size_t ManualClock::sleepers() const {
  std::lock_guard lock(sleepers_mutex_);
  return sleepers_.size();
}

std::optional<Clock::time_point> ManualClock::next_deadline() const {
  std::lock_guard lock(sleepers_mutex_);
  if (sleepers_.empty()) return std::nullopt;
  return std::min_element(sleepers_.begin(), sleepers_.end(),
                          [](const Sleeper& a, const Sleeper& b) { return a.deadline < b.deadline; })
      ->deadline;
}

bool ManualClock::wait_for_sleepers(std::size_t count, std::chrono::milliseconds guard) const {
  std::unique_lock lock(sleepers_mutex_);
  return sleepers_changed_.wait_for(lock, guard, [&] {
    const auto fresh = std::count_if(sleepers_.begin(), sleepers_.end(),
                                     [&](const Sleeper& sleeper) { return sleeper.epoch == epoch_; });
    return static_cast<std::size_t>(fresh) >= count;
  });
}

void ManualClock::add_watch(std::mutex& mutex, std::condition_variable& ready) {
  std::lock_guard lock(watches_mutex_);
  watches_.push_back(Watch{&mutex, &ready});
}

void ManualClock::remove_watch(std::condition_variable& ready) noexcept {
  std::lock_guard lock(watches_mutex_);
  std::erase_if(watches_, [&](const Watch& watch) { return watch.ready == &ready; });
}

std::uint64_t ManualClock::add_sleeper(time_point deadline) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(sleepers_mutex_);
    id = next_sleeper_id_++;
    sleepers_.push_back(Sleeper{deadline, epoch_, id});
  }
  sleepers_changed_.notify_all();
  return id;
}

void ManualClock::remove_sleeper(std::uint64_t id) {
  {
    std::lock_guard lock(sleepers_mutex_);
    std::erase_if(sleepers_, [&](const Sleeper& sleeper) { return sleeper.id == id; });
  }
  sleepers_changed_.notify_all();
}

}  // namespace streamlab
