// End to end: `paiban galley` → PDF, checked with independent tools (qpdf, poppler). Issue 2's
// acceptance criteria: embedded subset Identity-H CID fonts, exact text back, clean rendering,
// byte-identical re-runs, fallback and missing-glyph reports, subsetting keeps fonts small.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "support/test_support.h"

using namespace paiban::test;

namespace {

struct GalleyRun {
  RunResult result;
  std::string pdf;
};

GalleyRun galley(const std::string& article, const std::string& extra = "") {
  GalleyRun g;
  g.pdf = temp_dir("galley") + "/out.pdf";
  g.result = run_paiban("galley " + shell_quote(article) + " -o " + shell_quote(g.pdf) + " " + extra);
  return g;
}

// Body text of an article file as pdftotext should give it back: front matter and whitespace aside.
std::string article_text(const std::string& path) {
  std::string s = read_file(path);
  return strip_whitespace(s);
}

void expect_clean_pdf(const std::string& pdf) {
  auto check = run("qpdf --check " + shell_quote(pdf));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(check.err, "");
  EXPECT_NE(check.out.find("No syntax or stream encoding errors"), std::string::npos) << check.out;

  // pdffonts: every font embedded, subset (ABCDEF+), Identity-H, CID.
  auto fonts = run("pdffonts " + shell_quote(pdf));
  ASSERT_EQ(fonts.exit_code, 0) << fonts.err;
  std::istringstream lines(fonts.out);
  std::string line;
  int n = 0;
  std::getline(lines, line);
  std::getline(lines, line);  // header + dashes
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++n;
    EXPECT_TRUE(std::regex_search(line, std::regex("^[A-Z]{6}\\+"))) << line;
    EXPECT_NE(line.find("CID"), std::string::npos) << line;
    EXPECT_NE(line.find("Identity-H"), std::string::npos) << line;
    EXPECT_TRUE(std::regex_search(line, std::regex("Identity-H\\s+yes\\s+yes\\s+yes"))) << "emb sub uni: " << line;
  }
  EXPECT_GE(n, 1);

  auto render = run("pdftoppm -r 40 -png " + shell_quote(pdf) + " " + shell_quote(temp_dir("ppm") + "/p"));
  EXPECT_EQ(render.exit_code, 0);
  EXPECT_EQ(render.err, "") << "pdftoppm complained";
}

std::string pdf_text(const std::string& pdf) {
  auto r = run("pdftotext -enc UTF-8 " + shell_quote(pdf) + " -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return strip_whitespace(r.out);
}

}  // namespace

// Song role (Noto Serif CJK SC, CFF → CIDFontType0C): the corpus article round-trips exactly.
TEST(E2eGalley, SongArticleRoundTrips) {
  const std::string article = corpus_path("article.txt");
  auto g = galley(article);
  ASSERT_EQ(g.result.exit_code, 0) << g.result.err;
  expect_clean_pdf(g.pdf);
  EXPECT_EQ(pdf_text(g.pdf), article_text(article));
  auto fonts = run("pdffonts " + shell_quote(g.pdf));
  EXPECT_NE(fonts.out.find("NotoSerifCJKsc-Regular"), std::string::npos) << fonts.out;
  EXPECT_NE(fonts.out.find("CID Type 0C"), std::string::npos) << fonts.out;
}

// Kai role (AR PL UKai CN, TrueType → CIDFontType2).
TEST(E2eGalley, KaiTrueTypeArticleRoundTrips) {
  const std::string article = corpus_path("article.txt");
  auto g = galley(article, "--role kai --width 60mm --font-size 五号");
  ASSERT_EQ(g.result.exit_code, 0) << g.result.err;
  expect_clean_pdf(g.pdf);
  EXPECT_EQ(pdf_text(g.pdf), article_text(article));
  auto fonts = run("pdffonts " + shell_quote(g.pdf));
  EXPECT_NE(fonts.out.find("CID TrueType"), std::string::npos) << fonts.out;
}

// Han, Latin, digits and full-width punctuation mixed in one paragraph.
TEST(E2eGalley, MixedScriptsRoundTrip) {
  const std::string dir = temp_dir("mixed");
  const std::string text =
      "国内统一连续出版物号CN14-0009，邮发代号21-1016。新版HarfBuzz 6.0与ICU 72在2024年6月"
      "的测试中，排版速度提高了18.6%（约±2厘米的误差）；“Web排版”与《新闻排版》——相辅相成……"
      "Email: sxkj@163.com！";
  write_file(dir + "/mixed.txt", text + "\n");
  auto g = galley(dir + "/mixed.txt", "--width 20em");
  ASSERT_EQ(g.result.exit_code, 0) << g.result.err;
  expect_clean_pdf(g.pdf);
  EXPECT_EQ(pdf_text(g.pdf), strip_whitespace(text));
}

// The same run twice gives identical bytes (SOURCE_DATE_EPOCH is set by CTest).
TEST(E2eGalley, ReRunsAreByteIdentical) {
  const std::string article = corpus_path("article.txt");
  auto a = galley(article);
  auto b = galley(article);
  ASSERT_EQ(a.result.exit_code, 0);
  ASSERT_EQ(b.result.exit_code, 0);
  EXPECT_EQ(read_file(a.pdf), read_file(b.pdf));
}

// U+F0000 (private use) is in no font: reported with file:line:column, exit non-zero, the PDF is
// still written and everything else reads back.
TEST(E2eGalley, MissingGlyphReportedAndRestIsCorrect) {
  const std::string dir = temp_dir("missing");
  write_file(dir + "/a.txt", "甲乙丙\n\n丁戊\xF3\xB0\x80\x80己庚\n");  // U+F0000 at line 3, column 3
  auto g = galley(dir + "/a.txt");
  EXPECT_EQ(g.result.exit_code, 1) << g.result.err;
  EXPECT_NE(g.result.err.find("a.txt:3:3"), std::string::npos) << g.result.err;
  EXPECT_NE(g.result.err.find("U+F0000"), std::string::npos) << g.result.err;
  EXPECT_NE(g.result.err.find("font.missing-glyph"), std::string::npos) << g.result.err;
  ASSERT_TRUE(std::filesystem::exists(g.pdf));
  auto check = run("qpdf --check " + shell_quote(g.pdf));
  EXPECT_EQ(check.exit_code, 0) << check.out;
  const std::string back = pdf_text(g.pdf);
  EXPECT_NE(back.find("甲乙丙"), std::string::npos) << back;
  EXPECT_NE(back.find("丁戊"), std::string::npos) << back;
  EXPECT_NE(back.find("己庚"), std::string::npos) << back;
}

// ~6,000 characters of a wide vocabulary on one page embed well under 1 MB of font data.
TEST(E2eGalley, SubsettingKeepsFontsSmall) {
  const std::string dir = temp_dir("subset");
  std::string wide = read_file(corpus_path("edition-16p-wide.txt"));
  // First ~6,000 characters (UTF-8 CJK = 3 bytes each), cut at a line end.
  std::size_t cut = wide.find('\n', 18000);
  write_file(dir + "/six.txt", wide.substr(0, cut) + "\n");
  auto g = galley(dir + "/six.txt", "--width 100em --font-size 6pt");
  ASSERT_EQ(g.result.exit_code, 0) << g.result.err;
  auto info = run("pdfinfo " + shell_quote(g.pdf));
  EXPECT_NE(info.out.find("Pages:           1"), std::string::npos) << info.out;
  EXPECT_LT(std::filesystem::file_size(g.pdf), 1000000u);
  expect_clean_pdf(g.pdf);
}

// Usage errors exit 2; --version and --help work.
TEST(E2eGalley, UsageAndVersion) {
  auto v = run_paiban("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("paiban "), std::string::npos);
  auto h = run_paiban("--help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("galley"), std::string::npos);
  EXPECT_EQ(run_paiban("galley").exit_code, 2);
  EXPECT_EQ(run_paiban("galley " + shell_quote(corpus_path("article.txt")) + " -o /tmp/x.pdf --width banana").exit_code, 2);
}
