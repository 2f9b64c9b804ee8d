// PDF content-stream lexer: see content_lexer.h. Where qpdf 11.3 (QPDFTokenizer.cc,
// Pl_QPDFTokenizer.cc) departs from a plain reading of the spec, the comments say so: the
// lexer follows qpdf there, since preflight's findings must stay the same.
#include "engine/preflight/content_lexer.h"

#include <array>
#include <charconv>
#include <cstring>
#include <system_error>

namespace paiban::preflight_detail {

namespace {

using K = ContentTokenKind;
using E = ContentLexError;

enum : std::uint8_t { kSpace = 1, kDelim = 2, kHex = 4, kDigit = 8 };

// §7.2.2 Table 1 white-space (qpdf adds \v) and Table 2 delimiters; both end a regular run.
constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> c{};
  for (unsigned char ch : {'\0', ' ', '\t', '\n', '\r', '\f', '\v'}) c[ch] = kSpace | kDelim;
  for (unsigned char ch : {'(', ')', '<', '>', '[', ']', '{', '}', '/', '%'}) c[ch] = kDelim;
  for (int ch = '0'; ch <= '9'; ++ch) c[static_cast<std::size_t>(ch)] = kHex | kDigit;
  for (int ch = 'a'; ch <= 'f'; ++ch) c[static_cast<std::size_t>(ch)] = kHex;
  for (int ch = 'A'; ch <= 'F'; ++ch) c[static_cast<std::size_t>(ch)] = kHex;
  return c;
}
constexpr auto kClass = make_classes();

inline bool is_space(char ch) { return kClass[static_cast<unsigned char>(ch)] & kSpace; }
inline bool is_delim(char ch) { return kClass[static_cast<unsigned char>(ch)] & kDelim; }
inline bool is_hex(char ch) { return kClass[static_cast<unsigned char>(ch)] & kHex; }
inline bool is_digit(char ch) { return kClass[static_cast<unsigned char>(ch)] & kDigit; }
inline int hex_value(char ch) {
  return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
}

ContentToken make(K kind, std::string_view s, std::size_t at, std::size_t end, E error = E::None) {
  ContentToken t;
  t.kind = kind;
  t.error = error;
  t.offset = at;
  t.raw = s.substr(at, end - at);
  return t;
}

// A name's value (§7.3.5: #xx is the byte xx). qpdf: a '#' without two hex digits after it is
// kept as '\0' (plus the one hex digit seen) and noted; #00 makes the token bad ("#00" kept).
// `out` may be null when only the verdict is wanted.
void scan_name(std::string_view raw, std::string* out, bool& bad, E& last_error) {
  bad = false;
  last_error = E::None;
  if (out) out->assign("/");
  const std::size_t n = raw.size();
  std::size_t i = 1;
  while (i < n) {
    const char ch = raw[i];
    if (ch != '#') {
      if (out) *out += ch;
      ++i;
      continue;
    }
    // '#': two hex digits follow, or qpdf's stray-# marker. The byte after a bad digit is read
    // again as a name byte (it may start another '#').
    if (i + 1 >= n || !is_hex(raw[i + 1])) {
      if (out) *out += '\0';
      last_error = E::NameStrayHash;
      ++i;
      continue;
    }
    if (i + 2 >= n || !is_hex(raw[i + 2])) {
      if (out) {
        *out += '\0';
        *out += raw[i + 1];
      }
      last_error = E::NameStrayHash;
      i += 2;
      continue;
    }
    const int code = hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]);
    if (code == 0) {
      if (out) *out += "#00";
      last_error = E::NameNull;
      bad = true;
    } else if (out) {
      *out += static_cast<char>(code);
    }
    i += 3;
  }
}

// A word as qpdf's inline-image check sees it: letters (and '*') alone, or no letters, is
// plausible content; letters mixed with other bytes, or control/8-bit bytes, are image data.
bool plausible_word(std::string_view w) {
  bool alpha = false, other = false;
  for (char ch : w) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '*') alpha = true;
    else if (static_cast<signed char>(ch) < 32 && !is_space(ch)) return false;
    else other = true;
  }
  return !(alpha && other);
}

constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

}  // namespace

std::string ContentToken::error_message() const {
  switch (error) {
    case E::None: return {};
    case E::UnexpectedParen: return "unexpected )";
    case E::UnexpectedGt: return "unexpected >";
    case E::BadHexChar: return std::string("invalid character (") + raw.back() + ") in hexstring";
    case E::Eof: return "EOF while reading token";
    case E::NameNull: return "null character not allowed in name token";
    case E::NameStrayHash: return "name with stray # will not work with PDF >= 1.2";
  }
  return {};
}

std::size_t ContentLexer::skip_ignorable(std::size_t i) const {
  const std::size_t n = s_.size();
  while (i < n) {
    const char ch = s_[i];
    if (is_space(ch)) {
      ++i;
    } else if (ch == '%') {  // §7.2.3: a comment runs to the end of the line
      while (i < n && s_[i] != '\r' && s_[i] != '\n') ++i;
    } else {
      break;
    }
  }
  return i;
}

ContentToken ContentLexer::next() {
  if (inline_next_) {
    inline_next_ = false;
    return inline_image();
  }
  const std::size_t i = skip_ignorable(pos_);
  if (i >= s_.size()) {
    pos_ = s_.size();
    return make(K::Eof, s_, pos_, pos_);
  }
  ContentToken t = scan(i);
  pos_ = t.end();
  if (t.kind == K::Word && t.raw == "ID") {
    // §8.9.7: a single white-space byte follows ID. Pl_QPDFTokenizer skips one byte, whatever
    // it is.
    if (pos_ < s_.size()) ++pos_;
    inline_next_ = true;
  }
  return t;
}

ContentToken ContentLexer::scan(std::size_t i) const {
  const std::string_view s = s_;
  const std::size_t n = s.size();
  switch (s[i]) {
    case '(': {  // §7.3.4.2: balanced parentheses; '\' takes the next byte whatever it is
      bool escaped = false;
      int depth = 1;
      for (std::size_t j = i + 1; j < n; ++j) {
        const char ch = s[j];
        if (ch == ')') {
          if (--depth == 0) {
            ContentToken t = make(K::String, s, i, j + 1);
            t.escaped = escaped;
            return t;
          }
        } else if (ch == '(') {
          ++depth;
        } else if (ch == '\\') {
          escaped = true;
          ++j;
        } else if (ch == '\r') {
          escaped = true;  // an unescaped CR or CR LF reads as LF
        }
      }
      return make(K::Bad, s, i, n, E::Eof);
    }
    case '<': {
      if (i + 1 >= n) return make(K::Bad, s, i, n, E::Eof);
      if (s[i + 1] == '<') return make(K::DictOpen, s, i, i + 2);
      for (std::size_t j = i + 1; j < n; ++j) {  // §7.3.4.3: white space is ignored
        const char ch = s[j];
        if (ch == '>') return make(K::HexString, s, i, j + 1);
        if (!is_hex(ch) && !is_space(ch)) return make(K::Bad, s, i, j + 1, E::BadHexChar);
      }
      return make(K::Bad, s, i, n, E::Eof);
    }
    case '>':
      if (i + 1 >= n) return make(K::Bad, s, i, n, E::Eof);
      if (s[i + 1] == '>') return make(K::DictClose, s, i, i + 2);
      return make(K::Bad, s, i, i + 1, E::UnexpectedGt);
    case ')': return make(K::Bad, s, i, i + 1, E::UnexpectedParen);
    case '[': return make(K::ArrayOpen, s, i, i + 1);
    case ']': return make(K::ArrayClose, s, i, i + 1);
    case '{': return make(K::BraceOpen, s, i, i + 1);
    case '}': return make(K::BraceClose, s, i, i + 1);
    case '/': {  // §7.3.5: the regular characters after the solidus
      std::size_t j = i + 1;
      while (j < n && !is_delim(s[j])) ++j;
      ContentToken t = make(K::Name, s, i, j);
      if (std::memchr(t.raw.data(), '#', t.raw.size())) {
        t.escaped = true;
        bool bad;
        scan_name(t.raw, nullptr, bad, t.error);
        if (bad) t.kind = K::Bad;
      }
      return t;
    }
    default: break;
  }
  // A run of regular characters: a number (§7.3.3) if it is all number, else a keyword.
  std::size_t j = i + 1;
  while (j < n && !is_delim(s[j])) ++j;
  const std::string_view w = s.substr(i, j - i);
  std::size_t k = w[0] == '+' || w[0] == '-' ? 1 : 0;
  std::size_t int_digits = 0, frac_digits = 0;
  while (k < w.size() && is_digit(w[k])) ++k, ++int_digits;
  bool point = false;
  if (k < w.size() && w[k] == '.') {
    point = true;
    ++k;
    while (k < w.size() && is_digit(w[k])) ++k, ++frac_digits;
  }
  if (k == w.size() && int_digits + frac_digits > 0) return make(point ? K::Real : K::Integer, s, i, j);
  if (w == "true" || w == "false") return make(K::Bool, s, i, j);
  if (w == "null") return make(K::Null, s, i, j);
  return make(K::Word, s, i, j);
}

// The first "EI" at or after `from` followed by a delimiter or the end (qpdf's
// QPDFWordTokenFinder: the byte before EI is not looked at).
std::size_t ContentLexer::find_ei(std::size_t from) const {
  const std::size_t n = s_.size();
  while (from + 2 <= n) {
    const void* e = std::memchr(s_.data() + from, 'E', n - from);
    if (!e) return std::string_view::npos;
    const std::size_t p = static_cast<std::size_t>(static_cast<const char*>(e) - s_.data());
    if (p + 2 > n) return std::string_view::npos;
    if (s_[p + 1] == 'I' && (p + 2 == n || is_delim(s_[p + 2]))) return p;
    from = p + 1;
  }
  return std::string_view::npos;
}

// §8.9.7: the image data runs to EI. The data may contain "EI" itself, so, like qpdf's
// QPDFTokenizer::findEI, an EI is taken when the 10 tokens after it look like content (a bad
// token or the end of the data before 10 tokens counts against it); else the search goes on
// after the token that looked wrong, and the last EI found is used. No EI, or EI right after
// ID's white-space byte, leaves the data unterminated (Bad, to the end).
ContentToken ContentLexer::inline_image() {
  const std::size_t start = pos_, n = s_.size();
  std::size_t bytes = 0;
  for (std::size_t from = start;;) {
    const std::size_t p = find_ei(from);
    if (p == std::string_view::npos) break;
    bytes = p - start;
    std::size_t q = p + 2;
    bool bad = false;
    for (int i = 0; i < 10 && !bad; ++i) {
      q = skip_ignorable(q);
      if (q >= n) {  // qpdf's check reads without allowEOF: the end is a bad token
        q = n;
        bad = true;
        break;
      }
      const ContentToken t = scan(q);
      q = t.end();
      if (t.kind == K::Bad) bad = true;
      else if (t.kind == K::Word && !plausible_word(t.raw)) bad = true;
    }
    if (!bad) break;
    from = q;
  }
  if (bytes == 0) {
    pos_ = n;
    return make(K::Bad, s_, start, n, E::Eof);
  }
  pos_ = start + bytes;
  return make(K::InlineImage, s_, start, pos_);
}

void decode_name(std::string_view raw, std::string& out) {
  bool bad;
  E error;
  scan_name(raw, &out, bad, error);
}

std::string_view string_value(ContentTokenKind kind, std::string_view raw, bool escaped, std::string& out) {
  if (kind == K::HexString) {  // §7.3.4.3: pairs of hex digits, white space ignored, odd: final 0
    out.clear();
    int high = -1;
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
      const char ch = raw[i];
      if (!is_hex(ch)) continue;
      if (high < 0) {
        high = hex_value(ch);
      } else {
        out += static_cast<char>(high * 16 + hex_value(ch));
        high = -1;
      }
    }
    if (high >= 0) out += static_cast<char>(high * 16);
    return out;
  }
  const std::string_view in = raw.substr(1, raw.size() - 2);
  if (!escaped) return in;
  // §7.3.4.2 Table 3 escapes; \ddd keeps the low 8 bits; a backslash before an end of line
  // continues the string; an unescaped CR or CR LF is an LF.
  out.clear();
  const std::size_t n = in.size();
  for (std::size_t i = 0; i < n;) {
    const char ch = in[i++];
    if (ch == '\r') {
      out += '\n';
      if (i < n && in[i] == '\n') ++i;
      continue;
    }
    if (ch != '\\' || i >= n) {
      out += ch;
      continue;
    }
    const char e = in[i++];
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case '\n': break;
      case '\r':
        if (i < n && in[i] == '\n') ++i;
        break;
      default:
        if (e >= '0' && e <= '7') {
          int code = e - '0';
          for (int d = 1; d < 3 && i < n && in[i] >= '0' && in[i] <= '7'; ++d) code = code * 8 + (in[i++] - '0');
          out += static_cast<char>(code % 256);
        } else {
          out += e;  // the backslash is ignored before any other byte
        }
    }
  }
  return out;
}

double number_value(std::string_view raw) {
  const char* b = raw.data();
  const char* e = b + raw.size();
  if (b != e && *b == '+') ++b;  // from_chars takes no sign but '-'
  // Up to 15 digits: the integer and 10^k are exact doubles, so one division is correctly
  // rounded, as from_chars is.
  const char* p = b;
  const bool negative = p != e && *p == '-';
  if (negative) ++p;
  std::uint64_t m = 0;
  int digits = 0, frac = -1;
  for (; p != e; ++p) {
    if (*p == '.') {
      if (frac >= 0) break;
      frac = 0;
      continue;
    }
    if (*p < '0' || *p > '9') break;
    m = m * 10 + static_cast<std::uint64_t>(*p - '0');
    ++digits;
    if (frac >= 0) ++frac;
  }
  if (p == e && digits > 0 && digits <= 15) {
    double v = static_cast<double>(m);
    if (frac > 0) v /= kPow10[frac];
    return negative ? -v : v;
  }
  double v = 0;
  if (std::from_chars(b, e, v).ec != std::errc()) v = 0;
  return v;
}

}  // namespace paiban::preflight_detail
