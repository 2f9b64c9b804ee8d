#include "engine/base/text.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace paiban {

std::optional<std::u32string> decode_utf8(std::string_view in, Utf8Error* err) {
  std::u32string out;
  out.reserve(in.size() / 2);
  int line = 1, col = 1;
  std::size_t i = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  auto fail = [&]() {
    if (err) *err = Utf8Error{static_cast<std::int64_t>(i), line, col};
    return std::nullopt;
  };
  while (i < in.size()) {
    unsigned char c = s[i];
    char32_t cp;
    std::size_t n;
    if (c < 0x80) { cp = c; n = 1; }
    else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; n = 2; if (c < 0xC2) return fail(); }
    else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; n = 3; }
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4) { cp = c & 0x07; n = 4; }
    else return fail();
    if (i + n > in.size()) return fail();
    for (std::size_t k = 1; k < n; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return fail();
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return fail();
    out.push_back(cp);
    if (cp == U'\n') { ++line; col = 1; } else { ++col; }
    i += n;
  }
  return out;
}

std::string encode_utf8(char32_t c) {
  std::string out;
  if (c < 0x80) out += static_cast<char>(c);
  else if (c < 0x800) { out += static_cast<char>(0xC0 | (c >> 6)); out += static_cast<char>(0x80 | (c & 0x3F)); }
  else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12)); out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18)); out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F)); out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

std::string encode_utf8(std::u32string_view in) {
  std::string out;
  out.reserve(in.size() * 3);
  for (char32_t c : in) out += encode_utf8(c);
  return out;
}

std::u32string nfc(std::u32string_view in) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::u32string(in);
  icu::UnicodeString us = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(in.data()),
                                                       static_cast<int32_t>(in.size()));
  // Fast path: most text is already NFC.
  if (n->isNormalized(us, status) && U_SUCCESS(status)) return std::u32string(in);
  status = U_ZERO_ERROR;
  icu::UnicodeString out = n->normalize(us, status);
  if (U_FAILURE(status)) return std::u32string(in);
  std::u32string r(static_cast<std::size_t>(out.countChar32()), U'\0');
  status = U_ZERO_ERROR;
  out.toUTF32(reinterpret_cast<UChar32*>(r.data()), static_cast<int32_t>(r.size()), status);
  return r;
}

std::u32string nfc(std::u32string_view in, std::vector<std::uint32_t>& origin) {
  std::u32string out = nfc(in);
  origin.clear();
  origin.reserve(out.size());
  if (out == in) {  // the usual case: already NFC, one to one
    for (std::uint32_t i = 0; i < in.size(); ++i) origin.push_back(i);
    return out;
  }
  // Normalisation never crosses a character that has a boundary before it (UAX #15), so the
  // text normalises segment by segment; a segment that keeps its length maps one to one (at
  // most reordered marks), one that changes maps every output character to its first input one.
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
  out.clear();
  std::size_t start = 0;
  while (start < in.size()) {
    std::size_t end = start + 1;
    while (end < in.size() && !(U_SUCCESS(status) && n->hasBoundaryBefore(static_cast<UChar32>(in[end])))) ++end;
    const std::u32string seg = nfc(in.substr(start, end - start));
    for (std::size_t k = 0; k < seg.size(); ++k)
      origin.push_back(static_cast<std::uint32_t>(seg.size() == end - start ? start + k : start));
    out += seg;
    start = end;
  }
  return out;
}

}  // namespace paiban
