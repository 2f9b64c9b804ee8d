// A PDF content-stream lexer over decoded bytes (PDF 32000-1:2008 §7.2 lexical conventions, §7.3
// objects, §7.8.2 content streams, §8.9.7 inline images). Tokens are views of the input: no
// allocation per token. Boundaries, kinds, values and errors are those of libqpdf 11.3's
// QPDFTokenizer as Pl_QPDFTokenizer drives it (what preflight used before), quirks included, so
// that preflight's findings do not change: tests/test_content_lexer.cpp compares both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace paiban::preflight_detail {

enum class ContentTokenKind : std::uint8_t {
  Integer,      // §7.3.3: [+-]digits
  Real,         // §7.3.3: [+-]digits.digits, leading or trailing point
  Name,         // §7.3.5: raw keeps the '/' and #xx escapes (decode_name)
  String,       // §7.3.4.2 literal: raw keeps the parentheses (string_value)
  HexString,    // §7.3.4.3: raw keeps < >
  ArrayOpen,    // [
  ArrayClose,   // ]
  DictOpen,     // <<
  DictClose,    // >>
  BraceOpen,    // { (PostScript calculator syntax, not content)
  BraceClose,   // }
  Bool,         // true false
  Null,         // null
  Word,         // operator: a run of regular characters (§7.8.2), also what is no number
  InlineImage,  // §8.9.7: the bytes between ID's whitespace and EI
  Bad,          // error: see ContentToken::error
  Eof,
};

enum class ContentLexError : std::uint8_t {
  None,
  UnexpectedParen,  // a ')' outside a string
  UnexpectedGt,     // a '>' not followed by '>'
  BadHexChar,       // a character other than hex digits and whitespace in <…> (raw ends with it)
  Eof,              // end of data inside a string, hex string, '<', '>' or inline image
  NameNull,         // #00 in a name (§7.3.5: null is not allowed)
  NameStrayHash,    // '#' not followed by two hex digits: a Name token with qpdf's '\0' marker
};

struct ContentToken {
  ContentTokenKind kind = ContentTokenKind::Eof;
  ContentLexError error = ContentLexError::None;
  bool escaped = false;     // Name with '#', String with '\' or CR: the value differs from raw
  std::size_t offset = 0;   // of raw's first byte in the input
  std::string_view raw;     // the token's bytes

  std::size_t end() const { return offset + raw.size(); }
  bool is(ContentTokenKind k) const { return kind == k; }
  // qpdf's wording of the error (QPDFTokenizer::Token::getErrorMessage).
  std::string error_message() const;
};

class ContentLexer {
 public:
  explicit ContentLexer(std::string_view data) : s_(data) {}
  // The next token; whitespace and comments (§7.2.3) are skipped. After the word ID, one byte
  // is skipped and the next token is the inline image data (or Bad at the end of the data).
  ContentToken next();
  std::size_t position() const { return pos_; }

 private:
  ContentToken scan(std::size_t at) const;  // one token starting at a non-space byte
  ContentToken inline_image();
  std::size_t skip_ignorable(std::size_t at) const;
  std::size_t find_ei(std::size_t from) const;

  std::string_view s_;
  std::size_t pos_ = 0;
  bool inline_next_ = false;
};

// Values as qpdf gives them (Token::getValue). decode_name: '/' kept, #xx decoded, a stray '#'
// marked by '\0' (qpdf's convention). string_value: the decoded bytes of a String or HexString,
// a view of the raw bytes when nothing needs decoding, else of `scratch`.
void decode_name(std::string_view raw, std::string& out);
std::string_view string_value(ContentTokenKind kind, std::string_view raw, bool escaped, std::string& scratch);
// The number of an Integer or Real token, exactly as std::from_chars reads its text.
double number_value(std::string_view raw);

}  // namespace paiban::preflight_detail
