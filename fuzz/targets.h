// Fuzz entry points (issue 8 §5). Each takes arbitrary bytes and must never crash, hang, leak or
// trip a sanitizer; everything wrong with the input must come back as diagnostics. They are
// compiled into the libFuzzer binaries (tools/fuzz, clang) and into the regression test that
// replays every saved input under the normal test suite (tests/test_fuzz_regressions.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace paiban::fuzz {

// Article parser: bytes are an article file.
int article(const std::uint8_t* data, std::size_t size);
// Descriptor parser: bytes are an edition.toml (written to a temporary directory).
int descriptor(const std::uint8_t* data, std::size_t size);
// Analysis + shaping + line breaking of arbitrary Unicode text: the first byte picks the measure
// (4‥40 em) and kinsoku level, the rest is decoded as UTF-8 with invalid bytes replaced.
int linebreak(const std::uint8_t* data, std::size_t size);

}  // namespace paiban::fuzz
