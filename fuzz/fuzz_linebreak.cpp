// libFuzzer driver for paiban::fuzz::linebreak (built only by tools/fuzz with clang).
#include "fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return paiban::fuzz::linebreak(data, size);
}
