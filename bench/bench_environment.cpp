// The environment of every benchmark, set before main() and so before any FontSet exists:
// fontconfig pinned to the test fonts (tests/fonts.conf.in; the figures must not depend on what
// else the machine has installed) and a fixed clock, as in the tests, so the PDFs written by the
// PDF benchmarks are the same bytes on every run.
#include <cstdlib>

namespace {
[[maybe_unused]] const bool g_environment = [] {
  ::setenv("FONTCONFIG_FILE", PAIBAN_BENCH_FONTS_CONF, 1);
  ::setenv("SOURCE_DATE_EPOCH", "1718323200", 0);
  return true;
}();
}  // namespace
