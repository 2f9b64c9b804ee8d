// libFuzzer driver for paiban::fuzz::article (built only by tools/fuzz with clang).
#include "fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return paiban::fuzz::article(data, size);
}
