// libFuzzer driver for paiban::fuzz::descriptor (built only by tools/fuzz with clang).
#include "fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return paiban::fuzz::descriptor(data, size);
}

// fontconfig keeps its configuration in process-global state until exit; not a leak of ours.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
