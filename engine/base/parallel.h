// parallel_for: run independent jobs 0‥n−1 on up to `threads` threads (the calling thread is one
// of them). Jobs are claimed in index order from a shared counter, so the split adapts to uneven
// job sizes; results must be written by index, which keeps the output independent of scheduling.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace paiban {

// All cores, at least one.
inline unsigned hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

template <class Job>
void parallel_for(std::size_t n, unsigned threads, Job&& job) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) job(i);
  };
  const unsigned extra = static_cast<unsigned>(std::min<std::size_t>(threads, n)) - (n > 0 ? 1 : 0);
  std::vector<std::thread> pool;
  pool.reserve(extra);
  for (unsigned t = 0; t < extra; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace paiban
