// Article files (engine/article): front matter, paragraph splitting and line joining, subheads,
// NFC, and the bad-input catalogue (invalid UTF-8, BOM, CRLF, control characters, empty
// articles) — each problem with its stable code and file:line:column (and byte offset).
#include <gtest/gtest.h>

#include <sstream>

#include "engine/article/article.h"
#include "engine/base/text.h"
#include "support/test_support.h"

namespace paiban {
namespace {

std::string u8(const std::u32string& s) { return encode_utf8(s); }

std::string dump_diags(const Diagnostics& d) {
  std::ostringstream os;
  d.dump(os);
  return os.str();
}

Article parse(std::string_view bytes, Diagnostics& d) { return parse_article(bytes, "t.md", d); }

std::vector<std::string> texts(const Article& a) {
  std::vector<std::string> out;
  for (const auto& p : a.paragraphs) out.push_back(u8(p.text));
  return out;
}

const Diagnostic* find(const Diagnostics& d, const std::string& code) {
  for (const auto& x : d.all())
    if (x.code == code) return &x;
  return nullptr;
}

// --- front matter -----------------------------------------------------------------------------

// Every front matter key lands in its field; the body starts after the closing +++ and its
// paragraph positions count the front matter lines.
TEST(ArticleFrontMatter, AllKeys) {
  Diagnostics d;
  Article a = parse(
      "+++\n"
      "kicker = \"引题\"\n"
      "headline = \"主标题\"\n"
      "subtitle = \"副题\"\n"
      "deck = \"提要\"\n"
      "byline = \"本报记者 张三\"\n"
      "dateline = \"6月12日\"\n"
      "jump_title = \"转版标题\"\n"
      "guide = true\n"
      "+++\n"
      "\n"
      "正文第一段。\n",
      d);
  EXPECT_TRUE(d.all().empty()) << dump_diags(d);
  EXPECT_EQ(u8(a.kicker), "引题");
  EXPECT_EQ(u8(a.headline), "主标题");
  EXPECT_EQ(u8(a.subtitle), "副题");
  EXPECT_EQ(u8(a.deck), "提要");
  EXPECT_EQ(u8(a.byline), "本报记者 张三");
  EXPECT_EQ(u8(a.dateline), "6月12日");
  EXPECT_EQ(u8(a.jump_title), "转版标题");
  EXPECT_TRUE(a.guide);
  ASSERT_EQ(a.paragraphs.size(), 1u);
  EXPECT_EQ(u8(a.paragraphs[0].text), "正文第一段。");
  EXPECT_EQ(a.paragraphs[0].loc.file, "t.md");
  EXPECT_EQ(a.paragraphs[0].loc.line, 12);
  EXPECT_EQ(a.paragraphs[0].loc.column, 1);
}

// Unknown keys suggest the right one; wrong types and TOML errors point into the front matter
// with file lines (the +++ line is line 1).
TEST(ArticleFrontMatter, Errors) {
  {
    Diagnostics d;
    Article a = parse("+++\nheadline = \"甲\"\nheadlin = \"乙\"\n+++\n正文。\n", d);
    const Diagnostic* x = find(d, "article.unknown-key");
    ASSERT_NE(x, nullptr) << dump_diags(d);
    EXPECT_EQ(x->loc.line, 3);
    EXPECT_EQ(x->loc.column, 1);
    EXPECT_NE(x->hint.find("did you mean 'headline'?"), std::string::npos) << x->format();
    EXPECT_EQ(u8(a.headline), "甲");
  }
  {
    Diagnostics d;
    parse("+++\nguide = \"yes\"\n+++\n正文。\n", d);
    const Diagnostic* x = find(d, "article.front-matter");
    ASSERT_NE(x, nullptr) << dump_diags(d);
    EXPECT_EQ(x->loc.line, 2);
  }
  {
    Diagnostics d;
    parse("+++\nheadline = \"标题\"\nbyline = 本报记者\n+++\n正文。\n", d);
    const Diagnostic* x = find(d, "article.front-matter");
    ASSERT_NE(x, nullptr) << dump_diags(d);
    EXPECT_EQ(x->loc.line, 3);
    EXPECT_EQ(x->loc.column, 10);
  }
  {
    // Never closed: reported, and the text after +++ is still read as the body (never lost).
    Diagnostics d;
    Article a = parse("+++\nheadline = \"标题\"\n\n正文。\n", d);
    const Diagnostic* x = find(d, "article.front-matter");
    ASSERT_NE(x, nullptr) << dump_diags(d);
    EXPECT_EQ(x->loc.line, 1);
    EXPECT_EQ(texts(a), (std::vector<std::string>{"headline = \"标题\"", "正文。"}));
  }
}

// --- paragraphs and joining -------------------------------------------------------------------

// Blank lines separate paragraphs; a line break inside a paragraph is nothing between CJK
// characters and one space between Latin words or digits.
TEST(ArticleParagraphs, JoiningRules) {
  Diagnostics d;
  Article a = parse(
      "第一行中文\n接着第二行。\n"
      "\n"
      "paiban is a\ntypesetting engine\n"
      "\n"
      "增长率达到\n5.2%，GDP\n总量\n"
      "\n"
      "version 2\n024 and 3\n，done\n"
      "\n"
      "“引号\n内容”和(\nbracket)\n",
      d);
  EXPECT_TRUE(d.all().empty()) << dump_diags(d);
  EXPECT_EQ(texts(a), (std::vector<std::string>{
                          "第一行中文接着第二行。",
                          "paiban is a typesetting engine",
                          "增长率达到5.2%，GDP总量",
                          "version 2 024 and 3，done",
                          "“引号内容”和(bracket)",
                      }));
  // Positions: 1-based line and column of each paragraph's first character, and its byte offset.
  ASSERT_EQ(a.paragraphs.size(), 5u);
  EXPECT_EQ(a.paragraphs[1].loc.line, 4);
  EXPECT_EQ(a.paragraphs[1].loc.column, 1);
  EXPECT_EQ(a.paragraphs[1].loc.byte_offset, 36);  // (5 + 6) CJK × 3 bytes + 3 newlines
}

// `## ` starts a subhead (one line); leading spaces, U+3000 indents and trailing spaces are
// layout, not text.
TEST(ArticleParagraphs, SubheadsAndIndents) {
  Diagnostics d;
  Article a = parse(
      "　　导语一段，\n  继续。  \n"
      "## 小标题一\n"
      "紧跟小标题的正文。\n"
      "\n"
      "  ##  小标题二  \n"
      "\n"
      "#不是标题\n",
      d);
  EXPECT_TRUE(d.all().empty()) << dump_diags(d);
  ASSERT_EQ(a.paragraphs.size(), 5u);
  EXPECT_EQ(texts(a), (std::vector<std::string>{"导语一段，继续。", "小标题一", "紧跟小标题的正文。", "小标题二",
                                                "#不是标题"}));
  EXPECT_EQ(a.paragraphs[0].kind, ArticleParagraph::Kind::Body);
  EXPECT_EQ(a.paragraphs[0].loc.column, 3);  // after the two U+3000
  EXPECT_EQ(a.paragraphs[1].kind, ArticleParagraph::Kind::Subhead);
  EXPECT_EQ(a.paragraphs[1].loc.line, 3);
  EXPECT_EQ(a.paragraphs[1].loc.column, 4);
  EXPECT_EQ(a.paragraphs[2].kind, ArticleParagraph::Kind::Body);
  EXPECT_EQ(a.paragraphs[3].kind, ArticleParagraph::Kind::Subhead);
  EXPECT_EQ(a.paragraphs[3].loc.line, 6);
  EXPECT_EQ(a.paragraphs[3].loc.column, 7);
  EXPECT_EQ(a.paragraphs[4].kind, ArticleParagraph::Kind::Body);
}

// Text is NFC: decomposed é and a CJK compatibility ideograph are composed/mapped; zero-width
// characters and variation selectors are text and stay.
TEST(ArticleText, NfcAndInvisibleCharacters) {
  Diagnostics d;
  Article a = parse("Caf\x65\xCC\x81 \xEF\xA4\x80\n\n"   // e + U+0301, U+F900
                    "甲\xE2\x80\x8B乙\xE2\x80\x8D丙\xEF\xB8\x8F\n",  // ZWSP, ZWJ, VS16
                    d);
  EXPECT_TRUE(d.all().empty()) << dump_diags(d);
  ASSERT_EQ(a.paragraphs.size(), 2u);
  EXPECT_EQ(a.paragraphs[0].text, U"Caf\u00E9 \u8C48");
  EXPECT_EQ(a.paragraphs[1].text, U"甲\u200B乙\u200D丙\uFE0F");
}

// Every character of a paragraph knows its own place in the file (loc.at(i)), not the
// paragraph's first column + i: across joined lines (CRLF, indents, the joining space between
// Latin words), after a removed control character, and through NFC composition.
TEST(ArticleParagraphs, EveryCharacterKnowsItsSourcePosition) {
  Diagnostics d;
  const std::string src =
      "标题行\n"                 // line 1: its own paragraph
      "\n"
      "　　第一行\r\n"           // line 3: indent (layout, dropped), CRLF
      "  第二\x07行abc\n"        // line 4: BEL removed (reported), then "行abc"
      "def Cafe\xCC\x81。\n";   // line 5: joined with a space (Latin–Latin); e + U+0301 → é
  Article a = parse(src, d);
  ASSERT_EQ(a.paragraphs.size(), 2u);
  const ArticleParagraph& p = a.paragraphs[1];
  ASSERT_EQ(p.text, U"第一行第二行abc def Caf\u00E9。");
  auto where = [&](std::size_t i) {
    const SourceLoc l = p.loc.at(i);
    EXPECT_EQ(l.file, "t.md");
    return std::to_string(l.line) + ":" + std::to_string(l.column) + "@" + std::to_string(l.byte_offset);
  };
  // Byte offsets: line 1 = 10 bytes, line 2 = 1, line 3 = 2×3 + 9 + 2 (CRLF) = 17 → line 4 at 28.
  EXPECT_EQ(where(0), "3:3@17");   // 第, after the two U+3000
  EXPECT_EQ(where(2), "3:5@23");   // 行
  EXPECT_EQ(where(3), "4:3@30");   // 第 of line 4, after two spaces
  EXPECT_EQ(where(5), "4:6@37");   // 行: column 6 (the BEL at column 5 was removed), byte after BEL
  EXPECT_EQ(where(6), "4:7@40");   // a
  EXPECT_EQ(where(9), "4:10@43");  // the joining space stands at the end of line 4
  EXPECT_EQ(where(10), "5:1@44");  // d
  EXPECT_EQ(where(17), "5:8@51");  // é: composed from e (5:8) + U+0301 (5:9)
  EXPECT_EQ(where(18), "5:10@54"); // 。
  // A tail of the paragraph (re-prepared by the composer) counts from its own first character.
  EXPECT_EQ(p.loc.from(10).line, 5);
  EXPECT_EQ(p.loc.from(10).at(7).column, 8);
  // Each byte offset is the one the file has: the character's UTF-8 starts there.
  EXPECT_EQ(src.substr(static_cast<std::size_t>(p.loc.at(18).byte_offset), 3), "。");
  EXPECT_EQ(src.substr(static_cast<std::size_t>(p.loc.at(3).byte_offset), 3), "第");
  EXPECT_EQ(d.count_code("article.control-char"), 1u);
}

// --- bad input --------------------------------------------------------------------------------

// Invalid UTF-8: the byte offset (and line:column) of the bad byte; the byte stands as U+FFFD so
// the text around it keeps its place.
TEST(ArticleBadInput, InvalidUtf8ByteOffset) {
  Diagnostics d;
  Article a = parse("甲乙\n丙\xFF丁\n", d);
  const Diagnostic* x = find(d, "article.invalid-utf8");
  ASSERT_NE(x, nullptr) << dump_diags(d);
  EXPECT_EQ(x->severity, Severity::Error);
  EXPECT_EQ(x->loc.byte_offset, 10);
  EXPECT_EQ(x->loc.line, 2);
  EXPECT_EQ(x->loc.column, 2);
  EXPECT_NE(x->message.find("byte 10"), std::string::npos);
  EXPECT_NE(x->message.find("FF"), std::string::npos);
  ASSERT_EQ(a.paragraphs.size(), 1u);
  EXPECT_EQ(a.paragraphs[0].text, U"甲乙丙\uFFFD丁");

  // A truncated sequence (E4 B8 without its third byte) and an overlong one (C0 80): two reports.
  Diagnostics d2;
  parse("a\xE4\xB8z\xC0\x80", d2);
  ASSERT_EQ(d2.count_code("article.invalid-utf8"), 2u) << dump_diags(d2);
  EXPECT_EQ(d2.all()[0].loc.byte_offset, 1);
  EXPECT_EQ(d2.all()[1].loc.byte_offset, 4);
  EXPECT_EQ(d2.all()[1].loc.column, 4);
}

// A BOM is dropped silently (byte offsets still count it); CRLF and lone CR end lines.
TEST(ArticleBadInput, BomAndLineEnds) {
  Diagnostics d;
  Article a = parse("\xEF\xBB\xBF甲\r\n乙\r\n\r\n丙\r丁\r\n", d);
  EXPECT_TRUE(d.all().empty()) << dump_diags(d);
  EXPECT_EQ(texts(a), (std::vector<std::string>{"甲乙", "丙丁"}));
  EXPECT_EQ(a.paragraphs[0].loc.column, 1);
  EXPECT_EQ(a.paragraphs[0].loc.byte_offset, 3);
  EXPECT_EQ(a.paragraphs[1].loc.line, 4);

  Diagnostics d2;
  parse("\xEF\xBB\xBF甲\xFE", d2);
  const Diagnostic* x = find(d2, "article.invalid-utf8");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->loc.byte_offset, 6);  // BOM (3) + 甲 (3)
  EXPECT_EQ(x->loc.column, 2);
}

// NUL and other C0/C1 controls are removed and reported (the message says so); TAB is a space.
TEST(ArticleBadInput, ControlCharacters) {
  Diagnostics d;
  Article a = parse(std::string("甲\0乙\x1B丙\xC2\x85丁\tword\x7F\n", 23), d);
  ASSERT_EQ(d.count_code("article.control-char"), 4u) << dump_diags(d);
  EXPECT_FALSE(d.has_errors());  // warnings: nothing visible was lost
  const auto& all = d.all();
  EXPECT_EQ(all[0].loc.line, 1);
  EXPECT_EQ(all[0].loc.column, 2);
  EXPECT_EQ(all[0].loc.byte_offset, 3);
  EXPECT_NE(all[0].message.find("U+0000 (NUL) removed"), std::string::npos) << all[0].format();
  EXPECT_NE(all[1].message.find("U+001B (ESC)"), std::string::npos) << all[1].format();
  EXPECT_NE(all[2].message.find("U+0085"), std::string::npos) << all[2].format();
  EXPECT_EQ(all[2].loc.column, 6);
  EXPECT_NE(all[3].message.find("U+007F (DEL)"), std::string::npos) << all[3].format();
  ASSERT_EQ(a.paragraphs.size(), 1u);
  EXPECT_EQ(u8(a.paragraphs[0].text), "甲乙丙丁 word");
}

// Many control characters: the first 20 are reported one by one, then one summary with the count.
TEST(ArticleBadInput, ManyControlCharactersAreSummarised) {
  Diagnostics d;
  std::string s;
  for (int i = 0; i < 30; ++i) s += std::string("甲") + '\x01';
  parse(s, d);
  ASSERT_EQ(d.count_code("article.control-char"), 21u);
  EXPECT_NE(d.all().back().message.find("30 in all"), std::string::npos) << d.all().back().format();
}

// An article without text is a warning (its frames will stay empty), with or without front matter.
TEST(ArticleBadInput, EmptyArticle) {
  for (const char* input : {"", "\n\n  \n\xE3\x80\x80\n", "+++\nheadline = \"只有标题\"\n+++\n"}) {
    Diagnostics d;
    Article a = parse(input, d);
    EXPECT_TRUE(a.paragraphs.empty());
    const Diagnostic* x = find(d, "article.empty");
    ASSERT_NE(x, nullptr) << "input: " << input;
    EXPECT_EQ(x->severity, Severity::Warning);
    EXPECT_FALSE(d.has_errors());
  }
}

// read_article: a missing file is article.missing-file and no article.
TEST(ArticleFiles, MissingFile) {
  Diagnostics d;
  auto a = read_article(test::data_path("article/no-such-file.md"), d);
  EXPECT_FALSE(a.has_value());
  EXPECT_EQ(d.count_code("article.missing-file"), 1u);
}

// Files on disk: the data samples and the demo articles read cleanly.
TEST(ArticleFiles, DataFiles) {
  Diagnostics d;
  auto a = read_article(test::data_path("article/crlf-bom.md"), d);
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(d.all().empty()) << dump_diags(d);
  EXPECT_EQ(u8(a->headline), "换行与字节序标记");
  EXPECT_EQ(texts(*a), (std::vector<std::string>{"第一段跨两行。", "小标题", "Windows line ends are fine."}));
  EXPECT_EQ(a->paragraphs[1].kind, ArticleParagraph::Kind::Subhead);
  EXPECT_EQ(a->paragraphs[2].loc.line, 8);

  Diagnostics d2;
  auto lead = read_article(test::source_dir() + "/samples/broadsheet-demo/articles/lead.md", d2);
  ASSERT_TRUE(lead.has_value());
  EXPECT_TRUE(d2.all().empty()) << dump_diags(d2);
  EXPECT_TRUE(lead->guide);
  EXPECT_FALSE(lead->headline.empty());
  EXPECT_FALSE(lead->jump_title.empty());
}

// Never lose text: on the 16-page corpus every non-space character of the file is in a
// paragraph, in order.
TEST(ArticleFiles, CorpusKeepsEveryCharacter) {
  const std::string path = test::corpus_path("edition-16p-wide.txt");
  Diagnostics d;
  auto a = read_article(path, d);
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(d.all().empty()) << dump_diags(d);
  EXPECT_GT(a->paragraphs.size(), 100u);
  std::string joined;
  for (const auto& p : a->paragraphs) joined += u8(p.text);
  EXPECT_EQ(test::strip_whitespace(joined), test::strip_whitespace(test::read_file(path)));
}

}  // namespace
}  // namespace paiban
