// Article files: bytes → Article. What the parser does to the text, in order:
//  1. a UTF-8 BOM at the start is dropped silently;
//  2. bytes are decoded strictly (text.h rules); each invalid sequence is reported
//     (article.invalid-utf8, byte offset + line:column) and stands as U+FFFD, so nothing after
//     it shifts or disappears — the run fails on the error anyway;
//  3. CRLF and lone CR end a line like LF; U+2028 ends a line, U+2029 ends a paragraph;
//  4. TAB is a space; every other C0/C1 control character (NUL, ESC, DEL, U+0080‥U+009F…) is
//     reported (article.control-char) and removed — the message says so;
//     zero-width characters and variation selectors are text and stay;
//  5. optional TOML front matter between two `+++` lines;
//  6. blank lines separate paragraphs; a line starting with `## ` is a subhead; the lines of a
//     paragraph are joined (see join_needs_space); leading/trailing spaces and U+3000 of each
//     line are layout, not text, and go (the style's 2 em indent replaces a typed 　　);
//  7. NFC per paragraph and per front-matter string.
#include "engine/article/article.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <toml.hpp>
#include <vector>

#include "engine/base/text.h"
#include "engine/base/toml_error.h"

namespace paiban {
namespace {

// After this many reports of one kind, one summary line says how many more there were.
constexpr int kMaxReportsPerKind = 20;

struct Char {
  char32_t c;
  std::int64_t byte;  // offset in the file (BOM included)
  int line, column;   // 1-based; column in code points
};

using Line = std::span<const Char>;  // a line of Parser::chars_ (views: the text is not copied)

std::string hex(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

const char* control_name(char32_t c) {
  static const char* kC0[] = {"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS",  "HT",  "LF",
                              "VT",  "FF",  "CR",  "SO",  "SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
                              "SYN", "ETB", "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};
  if (c < 0x20) return kC0[c];
  if (c == 0x7F) return "DEL";
  if (c == 0x85) return "NEL";
  return "C1 control";
}

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// Layout whitespace at the edges of a line.
bool is_edge_space(char32_t c) { return c == U' ' || c == U'\t' || c == 0x3000; }

bool is_wide(char32_t c) {
  const int w = u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_EAST_ASIAN_WIDTH);
  return w == U_EA_WIDE || w == U_EA_FULLWIDTH || is_cjk_ideograph(c);
}

// Joining two lines of a paragraph: a line break in the file is a space only between two narrow
// (Latin, digit) characters — "paiban\nengine" → "paiban engine"; between CJK characters, or CJK
// and Latin, it is nothing (the line breaker adds CJK–Latin spacing itself, rule book §5).
// Also nothing after an opening bracket/quote, before a closing one or before , . ; : ! ? %, and
// next to an invisible character (ZWSP, joiners, variation selectors).
bool join_needs_space(char32_t prev, char32_t next) {
  if (is_wide(prev) || is_wide(next)) return false;
  if (u_hasBinaryProperty(static_cast<UChar32>(prev), UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
      u_hasBinaryProperty(static_cast<UChar32>(next), UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
    return false;
  const int pc = u_charType(static_cast<UChar32>(prev));
  const int nc = u_charType(static_cast<UChar32>(next));
  if (pc == U_START_PUNCTUATION || pc == U_INITIAL_PUNCTUATION) return false;
  if (nc == U_END_PUNCTUATION || nc == U_FINAL_PUNCTUATION) return false;
  if (next == U',' || next == U'.' || next == U';' || next == U':' || next == U'!' || next == U'?' || next == U'%')
    return false;
  return pc != U_NON_SPACING_MARK && nc != U_NON_SPACING_MARK;
}

class Parser {
 public:
  Parser(const std::string& path, Diagnostics& diags) : path_(path), diags_(diags) {}

  Article run(std::string_view bytes);

 private:
  void decode(std::string_view bytes);
  void split_lines();
  std::size_t front_matter(Article& a);
  void body(Article& a, std::size_t first_line);
  SourceLoc loc(const Char& ch) const { return SourceLoc(path_, ch.line, ch.column, ch.byte); }
  ArticleParagraph paragraph(ArticleParagraph::Kind kind, const std::u32string& text,
                             const std::vector<SourcePos>& pos) const;
  void report(int& count, Severity sev, const std::string& code, SourceLoc at, std::string msg, std::string hint);
  void summaries();

  std::string path_;
  Diagnostics& diags_;
  std::vector<Char> chars_;
  std::vector<Line> lines_;
  int invalid_count_ = 0, control_count_ = 0;
};

void Parser::report(int& count, Severity sev, const std::string& code, SourceLoc at, std::string msg,
                    std::string hint) {
  if (++count <= kMaxReportsPerKind) diags_.add({sev, code, std::move(at), std::move(msg), std::move(hint)});
}

void Parser::summaries() {
  if (invalid_count_ > kMaxReportsPerKind)
    diags_.error("article.invalid-utf8", SourceLoc(path_),
                 std::to_string(invalid_count_ - kMaxReportsPerKind) + " more invalid UTF-8 sequences (" +
                     std::to_string(invalid_count_) + " in all), each replaced by U+FFFD",
                 "convert the file to UTF-8 (e.g. iconv -f GB18030 -t UTF-8)");
  if (control_count_ > kMaxReportsPerKind)
    diags_.warning("article.control-char", SourceLoc(path_),
                   std::to_string(control_count_ - kMaxReportsPerKind) + " more control characters removed (" +
                       std::to_string(control_count_) + " in all)",
                   "control characters are not text; remove them from the source");
}

void Parser::decode(std::string_view bytes) {
  std::size_t i = 0;
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // BOM: dropped silently
  int line = 1, column = 1;
  auto push = [&](char32_t c, std::int64_t at) {
    chars_.push_back({c, at, line, column});
    if (c == U'\n') ++line, column = 1;
    else ++column;
  };
  while (i < bytes.size()) {
    Utf8Error err;
    std::string_view rest = bytes.substr(i);
    std::optional<std::u32string> ok = decode_utf8(rest, &err);
    const std::size_t good = ok ? rest.size() : static_cast<std::size_t>(err.byte_offset);
    // The valid prefix (re-decoding it cannot fail).
    std::u32string valid = ok ? std::move(*ok) : *decode_utf8(rest.substr(0, good));
    chars_.reserve(chars_.size() + valid.size() + 1);  // + the U+FFFD that may follow
    std::size_t at = i;
    for (std::size_t k = 0; k < valid.size(); ++k) {
      char32_t c = valid[k];
      // Bytes of c in UTF-8 (RFC 3629 §3); decode_utf8 accepted only shortest forms.
      const std::size_t len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (c == U'\r') {
        // CRLF is one line end; a lone CR (old Mac files) is one too.
        if (k + 1 < valid.size() && valid[k + 1] == U'\n') {
          at += len;
          continue;
        }
        c = U'\n';
      }
      push(c, static_cast<std::int64_t>(at));
      at += len;
    }
    i += good;
    if (ok) break;
    // An invalid sequence: its first byte, and the continuation bytes that follow it.
    std::size_t bad = 1;
    while (i + bad < bytes.size() && (static_cast<unsigned char>(bytes[i + bad]) & 0xC0) == 0x80 && bad < 4) ++bad;
    char what[64];
    std::string shown;
    for (std::size_t k = 0; k < bad; ++k) {
      std::snprintf(what, sizeof what, "%s%02X", k ? " " : "", static_cast<unsigned char>(bytes[i + k]));
      shown += what;
    }
    report(invalid_count_, Severity::Error, "article.invalid-utf8",
           SourceLoc(path_, line, column, static_cast<std::int64_t>(i)),
           "invalid UTF-8 at byte " + std::to_string(i) + " (" + shown + "); replaced by U+FFFD",
           "article files must be UTF-8; convert it (e.g. iconv -f GB18030 -t UTF-8)");
    push(0xFFFD, static_cast<std::int64_t>(i));
    i += bad;
  }

  // Control characters: TAB is a space, the rest are reported and removed (in place: the
  // characters kept move down over the ones removed).
  std::size_t kept = 0;
  for (std::size_t k = 0; k < chars_.size(); ++k) {
    Char ch = chars_[k];
    if (ch.c == U'\t') {
      ch.c = U' ';
    } else if (ch.c != U'\n' && is_control(ch.c)) {
      report(control_count_, Severity::Warning, "article.control-char", loc(ch),
             "control character " + hex(ch.c) + " (" + control_name(ch.c) + ") removed",
             "control characters are not text; remove them from the source");
      continue;
    }
    chars_[kept++] = ch;
  }
  chars_.resize(kept);
}

void Parser::split_lines() {
  const Char* start = chars_.data();
  for (const Char& ch : chars_) {
    if (ch.c == U'\n' || ch.c == 0x2028 || ch.c == 0x2029) {
      lines_.emplace_back(start, &ch);
      if (ch.c == 0x2029) lines_.emplace_back();  // PARAGRAPH SEPARATOR: an empty line in between
      start = &ch + 1;
    }
  }
  lines_.emplace_back(start, chars_.data() + chars_.size());
}

std::u32string text_of(const Line& l, std::size_t from = 0) {
  std::u32string s;
  for (std::size_t i = from; i < l.size(); ++i) s += l[i].c;
  return s;
}

bool is_fence(const Line& l) {
  std::u32string s = text_of(l);
  while (!s.empty() && is_edge_space(s.back())) s.pop_back();
  return s == U"+++";
}

// Returns the index of the first body line.
std::size_t Parser::front_matter(Article& a) {
  if (lines_.empty() || !is_fence(lines_[0])) return 0;
  std::size_t close = 1;
  while (close < lines_.size() && !is_fence(lines_[close])) ++close;
  if (close == lines_.size()) {
    const Char& open = lines_[0].front();
    diags_.error("article.front-matter", loc(open), "front matter opened with +++ is never closed; read as body text",
                 "close the front matter with a line holding only +++");
    return 1;
  }
  std::string toml_text;
  for (std::size_t i = 1; i < close; ++i) toml_text += encode_utf8(text_of(lines_[i])) + "\n";
  const int line_offset = lines_[0].empty() ? 1 : lines_[0].front().line;  // the +++ line
  toml::value doc;
  try {
    std::istringstream in(toml_text);
    doc = toml::parse(in, path_);
  } catch (const toml::syntax_error& e) {
    const TomlSyntaxError what = describe_toml_syntax_error(e.what(), static_cast<int>(e.location().line()),
                                                            e.location().line_str(), e.location().column());
    diags_.error("article.front-matter", SourceLoc(path_, what.line + line_offset, what.column),
                 "invalid TOML in the front matter: " + what.message, "strings need quotes: headline = \"…\"");
    return close + 1;
  } catch (const std::exception& e) {
    diags_.error("article.front-matter", SourceLoc(path_, line_offset, 1),
                 std::string("front matter cannot be read: ") + e.what());
    return close + 1;
  }
  static const std::vector<std::string> kKeys{"headline", "kicker", "subtitle", "deck", "byline",
                                              "dateline", "jump_title", "guide"};
  std::vector<std::pair<std::pair<unsigned, unsigned>, std::string>> keys;
  for (const auto& [k, v] : doc.as_table())
    keys.push_back({{static_cast<unsigned>(v.location().line()), static_cast<unsigned>(v.location().column())}, k});
  std::sort(keys.begin(), keys.end());
  for (const auto& [pos, k] : keys) {
    const toml::value& v = doc.as_table().at(k);
    SourceLoc at(path_, static_cast<int>(v.location().line()) + line_offset, 1);
    {
      // Column of the key itself when it starts its line (the usual `key = value`).
      const std::string ls = v.location().line_str();
      const auto p = ls.find(k);
      if (p != std::string::npos) {
        int col = 1;
        for (std::size_t i = 0; i < p; ++i)
          if ((static_cast<unsigned char>(ls[i]) & 0xC0) != 0x80) ++col;
        at.column = col;
      }
    }
    if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) {
      std::string hint;
      if (auto m = did_you_mean(k, kKeys); !m.empty()) hint = "did you mean '" + m + "'? ";
      hint += "front matter keys: headline, kicker, subtitle, deck, byline, dateline, jump_title, guide";
      diags_.error("article.unknown-key", at, "unknown front matter key '" + k + "'", hint);
      continue;
    }
    if (k == "guide") {
      if (!v.is_boolean()) {
        diags_.error("article.front-matter", at, "'guide' must be true or false");
        continue;
      }
      a.guide = v.as_boolean();
      continue;
    }
    if (!v.is_string()) {
      diags_.error("article.front-matter", at, "'" + k + "' must be a string", k + " = \"…\"");
      continue;
    }
    auto u = decode_utf8(v.as_string().str);
    if (!u) continue;  // toml11 validated the UTF-8 already
    std::u32string s = nfc(*u);
    if (k == "headline") a.headline = s;
    else if (k == "kicker") a.kicker = s;
    else if (k == "subtitle") a.subtitle = s;
    else if (k == "deck") a.deck = s;
    else if (k == "byline") a.byline = s;
    else if (k == "dateline") a.dateline = s;
    else if (k == "jump_title") a.jump_title = s;
  }
  return close + 1;
}

// A paragraph's text with where each character of it stands in the file: its location is its
// first character's, carrying the map (SourceLoc::at) so a diagnostic about its n-th character
// (a missing glyph, a word broken in an emergency) names that character's own line:column.
ArticleParagraph Parser::paragraph(ArticleParagraph::Kind kind, const std::u32string& text,
                                   const std::vector<SourcePos>& pos) const {
  std::vector<std::uint32_t> origin;
  ArticleParagraph p{kind, nfc(text, origin), SourceLoc(path_, pos.front().line, pos.front().column, pos.front().byte_offset)};
  auto chars = std::make_shared<std::vector<SourcePos>>();
  chars->reserve(origin.size());
  for (std::uint32_t o : origin) chars->push_back(pos[o]);
  p.loc.chars = std::move(chars);
  return p;
}

void Parser::body(Article& a, std::size_t first_line) {
  std::u32string text;
  std::vector<SourcePos> pos;  // of each character of `text`
  bool open = false;
  auto at = [](const Char& ch) { return SourcePos{ch.byte, ch.line, ch.column}; };
  auto flush = [&]() {
    if (open && !text.empty()) a.paragraphs.push_back(paragraph(ArticleParagraph::Kind::Body, text, pos));
    text.clear();
    pos.clear();
    open = false;
  };
  for (std::size_t li = first_line; li < lines_.size(); ++li) {
    const Line& l = lines_[li];
    std::size_t b = 0, e = l.size();
    while (b < e && is_edge_space(l[b].c)) ++b;
    while (e > b && is_edge_space(l[e - 1].c)) --e;
    if (b == e) {  // blank line: paragraph break
      flush();
      continue;
    }
    // `## ` subhead (the marker may follow leading spaces).
    if (e - b >= 3 && l[b].c == U'#' && l[b + 1].c == U'#' && is_edge_space(l[b + 2].c)) {
      flush();
      std::size_t s = b + 2;
      while (s < e && is_edge_space(l[s].c)) ++s;
      if (s == e) {
        diags_.warning("article.empty-subhead", loc(l[b]), "subhead marker '##' without text; ignored");
        continue;
      }
      std::u32string sub;
      std::vector<SourcePos> sub_pos;
      for (std::size_t k = s; k < e; ++k) sub += l[k].c, sub_pos.push_back(at(l[k]));
      a.paragraphs.push_back(paragraph(ArticleParagraph::Kind::Subhead, sub, sub_pos));
      continue;
    }
    if (!open) {
      open = true;
    } else if (!text.empty() && join_needs_space(text.back(), l[b].c)) {
      // The joining space stands for the line end: the place just after the previous line's text.
      SourcePos after = pos.back();
      after.byte_offset += static_cast<std::int64_t>(encode_utf8(text.back()).size());
      ++after.column;
      text += U' ';
      pos.push_back(after);
    }
    for (std::size_t k = b; k < e; ++k) text += l[k].c, pos.push_back(at(l[k]));
  }
  flush();
}

Article Parser::run(std::string_view bytes) {
  Article a;
  a.path = path_;
  decode(bytes);
  split_lines();
  const std::size_t first = front_matter(a);
  body(a, first);
  summaries();
  if (a.paragraphs.empty())
    diags_.warning("article.empty", SourceLoc(path_), "the article has no text",
                   a.headline.empty() ? "write paragraphs separated by blank lines"
                                      : "only front matter: the story's frames will stay empty");
  return a;
}

}  // namespace

Article parse_article(std::string_view bytes, const std::string& path, Diagnostics& diags) {
  try {
    return Parser(path, diags).run(bytes);
  } catch (const std::exception& e) {
    diags.error("article.internal", SourceLoc(path), std::string("article could not be read: ") + e.what(),
                "please report this with the article attached");
    Article a;
    a.path = path;
    return a;
  }
}

std::optional<Article> read_article(const std::string& path, Diagnostics& diags) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    diags.error("article.missing-file", SourceLoc(path), "article file '" + path + "' does not exist",
                "story article paths are relative to the edition file");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) {
    diags.error("article.missing-file", SourceLoc(path), "article file '" + path + "' cannot be read");
    return std::nullopt;
  }
  return parse_article(ss.str(), path, diags);
}

}  // namespace paiban
