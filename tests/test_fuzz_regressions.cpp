// Replays every saved fuzz input (seeds and the crashes found, tests/fuzz/<target>/) through the
// fuzz entry points: a fixed crash stays fixed, in every build, with the sanitizers of that build.
#include <gtest/gtest.h>

#include <filesystem>

#include "fuzz/targets.h"
#include "support/test_support.h"

namespace {

void replay(const std::string& target, int (*fn)(const std::uint8_t*, std::size_t)) {
  const auto dir = std::filesystem::path(paiban::test::source_dir()) / "tests" / "fuzz" / target;
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = paiban::test::read_file(entry.path().string());
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
    ++n;
  }
  EXPECT_GT(n, 0) << "no inputs under " << dir;
}

}  // namespace

TEST(FuzzRegressions, Article) { replay("article", paiban::fuzz::article); }
TEST(FuzzRegressions, Descriptor) { replay("descriptor", paiban::fuzz::descriptor); }
TEST(FuzzRegressions, Linebreak) { replay("linebreak", paiban::fuzz::linebreak); }
