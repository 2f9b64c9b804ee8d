// preflight/content_lexer: the content-stream lexer check_content reads pages with (PDF 32000-1
// §7.2, §7.3, §7.8.2, §8.9.7). Table-driven cases for every token kind, then differential tests:
// on the content streams of built sample plates and on generated token soup, the lexer's token
// sequence (kind, value, error) equals qpdf's (Pl_QPDFTokenizer + TokenFilter, the tokenizer
// preflight used before), so preflight's findings do not depend on which one reads the page.
#include <gtest/gtest.h>

#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_QPDFTokenizer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "engine/preflight/content_lexer.h"
#include "support/test_support.h"

using namespace paiban;
using namespace paiban::preflight_detail;

namespace {

using K = ContentTokenKind;

// A token as both sides can name it: qpdf's kind, value (decoded names and strings, raw bytes
// otherwise) and error message.
struct Tok {
  std::string kind, value, error;
  bool operator==(const Tok&) const = default;
};

std::string printable(const std::string& s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '\\') out += static_cast<char>(c);
    else out += std::string("\\x") + digits[c >> 4] + digits[c & 15];
  }
  return out;
}
std::ostream& operator<<(std::ostream& os, const Tok& t) {
  os << t.kind << " '" << printable(t.value) << "'";
  if (!t.error.empty()) os << " !" << t.error;
  return os;
}

std::string kind_name(K k) {
  switch (k) {
    case K::Integer: return "integer";
    case K::Real: return "real";
    case K::Name: return "name";
    case K::String:
    case K::HexString: return "string";
    case K::ArrayOpen: return "[";
    case K::ArrayClose: return "]";
    case K::DictOpen: return "<<";
    case K::DictClose: return ">>";
    case K::BraceOpen: return "{";
    case K::BraceClose: return "}";
    case K::Bool: return "bool";
    case K::Null: return "null";
    case K::Word: return "word";
    case K::InlineImage: return "inline-image";
    case K::Bad: return "bad";
    case K::Eof: return "eof";
  }
  return "?";
}

std::vector<Tok> ours(const std::string& data, std::vector<std::size_t>* offsets = nullptr) {
  std::vector<Tok> out;
  ContentLexer lex(data);
  std::string scratch;
  for (ContentToken t = lex.next(); t.kind != K::Eof; t = lex.next()) {
    Tok tok{kind_name(t.kind), std::string(t.raw), t.kind == K::Bad ? t.error_message() : ""};
    if (t.kind == K::Name) {
      tok.value.clear();
      decode_name(t.raw, tok.value);
    } else if (t.kind == K::String || t.kind == K::HexString) {
      tok.value = std::string(string_value(t.kind, t.raw, t.escaped, scratch));
    }
    out.push_back(tok);
    if (offsets) offsets->push_back(t.offset);
  }
  return out;
}

// qpdf's token dump (reference only: preflight itself no longer uses it).
std::vector<Tok> qpdfs(const std::string& data) {
  struct Filter : QPDFObjectHandle::TokenFilter {
    void handleToken(QPDFTokenizer::Token const& t) override {
      using T = QPDFTokenizer;
      std::string kind;
      switch (t.getType()) {
        case T::tt_space:
        case T::tt_comment:
        case T::tt_eof: return;
        case T::tt_integer: kind = "integer"; break;
        case T::tt_real: kind = "real"; break;
        case T::tt_name: kind = "name"; break;
        case T::tt_string: kind = "string"; break;
        case T::tt_array_open: kind = "["; break;
        case T::tt_array_close: kind = "]"; break;
        case T::tt_dict_open: kind = "<<"; break;
        case T::tt_dict_close: kind = ">>"; break;
        case T::tt_brace_open: kind = "{"; break;
        case T::tt_brace_close: kind = "}"; break;
        case T::tt_bool: kind = "bool"; break;
        case T::tt_null: kind = "null"; break;
        case T::tt_word: kind = "word"; break;
        case T::tt_inline_image: kind = "inline-image"; break;
        case T::tt_bad: kind = "bad"; break;
      }
      out.push_back({kind, t.getValue(), t.getType() == T::tt_bad ? t.getErrorMessage() : ""});
    }
    std::vector<Tok> out;
  } filter;
  Pl_QPDFTokenizer pl("test", &filter, nullptr);
  pl.write(reinterpret_cast<const unsigned char*>(data.data()), data.size());
  pl.finish();
  return filter.out;
}

Tok T(const char* kind, std::string value, std::string error = {}) { return {kind, std::move(value), std::move(error)}; }

struct Case {
  const char* what;
  std::string input;
  std::vector<Tok> expect;
};

const std::string kEof = "EOF while reading token";

std::vector<Case> cases() {
  using namespace std::string_literals;
  return {
      {"white space and comments", " \t\r\n\f\v\0% comment (not a string\r1%\n2 %end"s, {T("integer", "1"), T("integer", "2")}},
      {"numbers", "12 -3 +4 .5 -.5 +.5 6. -0 007 1.25 123456789012345678901",
       {T("integer", "12"), T("integer", "-3"), T("integer", "+4"), T("real", ".5"), T("real", "-.5"), T("real", "+.5"),
        T("real", "6."), T("integer", "-0"), T("integer", "007"), T("real", "1.25"), T("integer", "123456789012345678901")}},
      {"not numbers", "1.2.3 --1 + - . +. 5- 1e5 12abc",
       {T("word", "1.2.3"), T("word", "--1"), T("word", "+"), T("word", "-"), T("word", "."), T("word", "+."), T("word", "5-"),
        T("word", "1e5"), T("word", "12abc")}},
      {"numbers end at delimiters", "1[2]3(4)5/6<</A 7>>8",
       {T("integer", "1"), T("[", "["), T("integer", "2"), T("]", "]"), T("integer", "3"), T("string", "4"), T("integer", "5"),
        T("name", "/6"), T("<<", "<<"), T("name", "/A"), T("integer", "7"), T(">>", ">>"), T("integer", "8")}},
      {"names", "/A /A#20B /#41#62 / /a.b-c_*;: /F1//F2",
       {T("name", "/A"), T("name", "/A B"), T("name", "/Ab"), T("name", "/"), T("name", "/a.b-c_*;:"), T("name", "/F1"),
        T("name", "/"), T("name", "/F2")}},
      {"names with a stray #: qpdf's NUL marker", "/a#zz /a#4g /a# /a#4 /a##41",
       {T("name", "/a\0zz"s), T("name", "/a\0"s "4g"), T("name", "/a\0"s), T("name", "/a\0"s "4"), T("name", "/a\0A"s)}},
      {"#00 in a name", "/a#00b 1", {T("bad", "/a#00b", "null character not allowed in name token"), T("integer", "1")}},
      {"literal strings", "(a(b)c) () (x)(y)", {T("string", "a(b)c"), T("string", ""), T("string", "x"), T("string", "y")}},
      {"string escapes", R"((\n\r\t\b\f\(\)\\\q\)))", {T("string", "\n\r\t\b\f()\\q)")}},
      {"octal escapes", R"((\101\7\0035\501\12x\1))", {T("string", "A\x07\x03" "5A\nx\x01")}},
      {"line continuation and end-of-line", "(a\\\nb\\\r\nc\\\rd\re\r\nf\ng)", {T("string", "abcd\ne\nf\ng")}},
      {"unbalanced parentheses escaped", "(\\(() 1)", {T("string", "(() 1")}},
      {"hex strings", "<48 65 6C6c\n6F> <414> <> <\0 4 1>"s, {T("string", "Hello"), T("string", "A@"), T("string", ""), T("string", "A")}},
      {"arrays, dictionaries, braces", "[1 (a) [/N]] <</K /V /D <</E 1>>>> { }",
       {T("[", "["), T("integer", "1"), T("string", "a"), T("[", "["), T("name", "/N"), T("]", "]"), T("]", "]"), T("<<", "<<"),
        T("name", "/K"), T("name", "/V"), T("name", "/D"), T("<<", "<<"), T("name", "/E"), T("integer", "1"), T(">>", ">>"),
        T(">>", ">>"), T("{", "{"), T("}", "}")}},
      {"true false null", "true false null truex nul",
       {T("bool", "true"), T("bool", "false"), T("null", "null"), T("word", "truex"), T("word", "nul")}},
      {"operators", "BT ET T* ' \" W* f* d0 BDC \x80\xff",
       {T("word", "BT"), T("word", "ET"), T("word", "T*"), T("word", "'"), T("word", "\""), T("word", "W*"), T("word", "f*"),
        T("word", "d0"), T("word", "BDC"), T("word", "\x80\xff")}},
      {"inline image", "q BI /W 2 /H 1 /BPC 8 /CS /G ID \x01\x02\nEI Q",
       {T("word", "q"), T("word", "BI"), T("name", "/W"), T("integer", "2"), T("name", "/H"), T("integer", "1"), T("name", "/BPC"),
        T("integer", "8"), T("name", "/CS"), T("name", "/G"), T("word", "ID"), T("inline-image", "\x01\x02\n"), T("word", "EI"),
        T("word", "Q")}},
      {"inline image data containing EI", "BI /W 9 /H 1 ID ab EI \x80\x81 EIx\nEI Q",
       {T("word", "BI"), T("name", "/W"), T("integer", "9"), T("name", "/H"), T("integer", "1"), T("word", "ID"),
        T("inline-image", "ab EI \x80\x81 EIx\n"), T("word", "EI"), T("word", "Q")}},
      {"inline image: an EI followed by fewer than 10 tokens is kept when no EI follows them (qpdf)", "ID a EI \x80 b EI Q EI",
       {T("word", "ID"), T("inline-image", "a EI \x80 b "), T("word", "EI"), T("word", "Q"), T("word", "EI")}},
      {"inline image: the EI need not follow white space (qpdf)", "ID xEI Q",
       {T("word", "ID"), T("inline-image", "x"), T("word", "EI"), T("word", "Q")}},
      {"inline image: an EI followed by content-like tokens ends the data (qpdf)", "ID a EI 1 2 3 4 5 6 7 8 9 10 EI Q",
       {T("word", "ID"), T("inline-image", "a "), T("word", "EI"), T("integer", "1"), T("integer", "2"), T("integer", "3"),
        T("integer", "4"), T("integer", "5"), T("integer", "6"), T("integer", "7"), T("integer", "8"), T("integer", "9"),
        T("integer", "10"), T("word", "EI"), T("word", "Q")}},
      {"inline image without EI", "ID abc", {T("word", "ID"), T("bad", "abc", kEof)}},
      {"inline image with no data", "ID EI Q", {T("word", "ID"), T("bad", "EI Q", kEof)}},
      {"truncated literal string", "1 (abc (d) e", {T("integer", "1"), T("bad", "(abc (d) e", kEof)}},
      {"truncated escape", "(abc\\", {T("bad", "(abc\\", kEof)}},
      {"truncated hex string", "<4142", {T("bad", "<4142", kEof)}},
      {"truncated < and >", "1 <", {T("integer", "1"), T("bad", "<", kEof)}},
      {"lone >", "1 > 2 >", {T("integer", "1"), T("bad", ">", "unexpected >"), T("integer", "2"), T("bad", ">", kEof)}},
      {"stray )", "1 ) 2", {T("integer", "1"), T("bad", ")", "unexpected )"), T("integer", "2")}},
      {"bad hex string character", "<12zz> 1",
       {T("bad", "<12z", "invalid character (z) in hexstring"), T("word", "z"), T("bad", ">", "unexpected >"), T("integer", "1")}},
      {"truncated array and dictionary (tokens are fine; the interpreter reports them)", "[1 2 <</A",
       {T("[", "["), T("integer", "1"), T("integer", "2"), T("<<", "<<"), T("name", "/A")}},
  };
}

}  // namespace

TEST(PreflightContentLexer, TableOfTokenKinds) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(ours(c.input), c.expect);
    EXPECT_EQ(ours(c.input), qpdfs(c.input)) << "qpdf reads it differently";
  }
}

TEST(PreflightContentLexer, ErrorsCarryTheirOffset) {
  std::vector<std::size_t> at;
  const auto toks = ours("q 1 0 0 1 0 0 cm (unterminated", &at);
  ASSERT_EQ(toks.size(), 9u);
  EXPECT_EQ(toks.back().kind, "bad");
  EXPECT_EQ(at.back(), 17u);
  at.clear();
  ours("0 0 m <41 42 x>", &at);
  EXPECT_EQ(at[3], 6u);
  ContentLexer lex("  /Name  ");
  const ContentToken t = lex.next();
  EXPECT_EQ(t.offset, 2u);
  EXPECT_EQ(t.raw, "/Name");
  EXPECT_EQ(lex.next().kind, K::Eof);
  EXPECT_EQ(lex.next().kind, K::Eof);
}

TEST(PreflightContentLexer, NumbersAsFromChars) {
  for (const char* s : {"0", "-0", "+7", "12.5", "-.5", "6.", "0.1", "0.3", "123456789.123456", "1234567890123456789",
                        "0.000000000000000000001", "-99999.99999", "3.14159265358979323846"}) {
    double expect = 0;
    const char* b = s[0] == '+' ? s + 1 : s;
    std::from_chars(b, s + std::strlen(s), expect);
    EXPECT_EQ(number_value(s), expect) << s;
    EXPECT_EQ(std::signbit(number_value(s)), std::signbit(expect)) << s;
  }
}

// Every content stream (pages and forms) of the built sample edition reads the same with both.
TEST(PreflightContentLexer, SamePlatesTokensAsQpdf) {
  const std::string out = test::temp_dir("lexer-plates");
  const auto built = test::run_paiban("build " + test::shell_quote(test::source_dir() + "/samples/shanxi-keji-2024-06-14/edition.toml") +
                                      " -o " + test::shell_quote(out) + " -q --no-preflight --allow-overset");
  ASSERT_EQ(built.exit_code, 0) << built.err;
  std::size_t streams = 0, tokens = 0;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    if (entry.path().extension() != ".pdf") continue;
    QPDF pdf;
    pdf.processFile(entry.path().c_str());
    std::vector<std::string> contents;
    for (auto& page : QPDFPageDocumentHelper(pdf).getAllPages()) {
      Pl_Buffer buf("page");
      page.pipeContents(&buf);
      std::unique_ptr<Buffer> b(buf.getBuffer());
      contents.emplace_back(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
    }
    for (auto& obj : pdf.getAllObjects())
      if (obj.isStream() && obj.getDict().getKey("/Subtype").isNameAndEquals("/Form")) {
        auto b = obj.getStreamData(qpdf_dl_specialized);
        contents.emplace_back(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
      }
    for (const std::string& c : contents) {
      SCOPED_TRACE(entry.path().filename().string());
      const auto a = ours(c), q = qpdfs(c);
      ASSERT_EQ(a.size(), q.size());
      for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], q[i]) << "token " << i;
      ++streams;
      tokens += a.size();
    }
  }
  EXPECT_GE(streams, 4u);
  EXPECT_GT(tokens, 5000u);
}

// Generated token soup, with damage: pieces of every token kind, escapes, inline images, stray
// delimiters and random bytes, cut at random places.
TEST(PreflightContentLexer, GeneratedStreamsTokensAsQpdf) {
  static const char* pieces[] = {
      "q", "Q", " ", "\n", "\r\n", "\t", "%c\n", "%", "1", "-2.5", "+.7", "6.", ".", "+", "-", "1.2.3", "/F1", "/A#20B", "/a#",
      "/a#4", "/x#00", "/", "(str)", "(a(b)c)", "(\\n\\101\\1x\\\r\n)", "(", ")", "\\", "<4142>", "<41 4>", "<", ">", "<<",
      ">>", "[", "]", "{", "}", "true", "null", "BT", "ET", "Tj", "TJ", "T*", "'", "\"", "BI", "ID", "ID ", "EI", " EI ",
      "EI\n", "E", "I", "\x80", "\x01", "\0", "\x0b", "\f", "#", "*", "zz", "<1z>"};
  std::mt19937 rng(20261126);
  std::uniform_int_distribution<int> piece(0, std::size(pieces) - 1), count(1, 40), byte(0, 255), coin(0, 9);
  for (int round = 0; round < 4000; ++round) {
    std::string s;
    for (int i = count(rng); i > 0; --i) {
      if (coin(rng) == 0) s += static_cast<char>(byte(rng));
      else s += pieces[piece(rng)];
      if (coin(rng) < 5) s += ' ';
    }
    const auto a = ours(s), q = qpdfs(s);
    ASSERT_EQ(a, q) << "input: " << printable(s);
  }
}
