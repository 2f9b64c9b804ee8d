// Text helpers shared by every stage: UTF-8 ⇄ UTF-32 with error positions, NFC.
// Inside the engine a paragraph is a std::u32string: one element per code point, so HarfBuzz
// clusters, ICU break offsets and glyph→character maps are all plain indices.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paiban {

struct Utf8Error {
  std::int64_t byte_offset = 0;  // first byte of the invalid sequence
  int line = 1;                  // 1-based line of that byte
  int column = 1;                // 1-based column (code points) of that byte
};

// Strict decoding (no overlongs, no surrogates, ≤ U+10FFFF). On error returns nullopt and fills err.
std::optional<std::u32string> decode_utf8(std::string_view in, Utf8Error* err = nullptr);
std::string encode_utf8(std::u32string_view in);
std::string encode_utf8(char32_t c);

// Unicode NFC via ICU.
std::u32string nfc(std::u32string_view in);
// NFC that also says, for every output character, the index of the input character it comes
// from (`origin`, same size as the result): a composed character points at the first character
// of the sequence it was composed from. Lets diagnostics point at the source of NFC text.
std::u32string nfc(std::u32string_view in, std::vector<std::uint32_t>& origin);

inline bool is_cjk_ideograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3134F) || c == 0x3007;
}

}  // namespace paiban
