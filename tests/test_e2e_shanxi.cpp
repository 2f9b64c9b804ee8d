// End to end: the shanxi sample edition (the model front page, samples/corpus/model-front-page.txt)
// built by the CLI; the plates read back with pdftotext carry the furniture exactly and every
// character of the front page's two stories (the lead's rest on A2, after its jump).
#include <gtest/gtest.h>

#include <sstream>

#include "support/test_support.h"

using namespace paiban::test;

namespace {

struct Built {
  std::string dir;
  RunResult result;
};

const Built& built() {
  static const Built b = [] {
    Built out;
    out.dir = temp_dir("shanxi");
    out.result = run_paiban("build " + shell_quote(source_dir() + "/samples/shanxi-keji-2024-06-14/edition.toml") + " -o " +
                        shell_quote(out.dir) + " -q");
    return out;
  }();
  return b;
}

// In content-stream order (-raw): the order the composer drew the lines, column after column, so
// a story reads back whole rather than interleaved across columns by pdftotext's layout analysis.
std::string pdf_text(const std::string& pdf) {
  const RunResult r = run("pdftotext -raw -enc UTF-8 " + shell_quote(pdf) + " -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return strip_whitespace(r.out);
}

std::vector<std::string> nonempty_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);)
    if (!strip_whitespace(line).empty()) out.push_back(strip_whitespace(line));
  return out;
}


}  // namespace

TEST(E2eShanxi, BuildsTheSampleEdition) {
  EXPECT_EQ(built().result.exit_code, 0) << built().result.err;
}

TEST(E2eShanxi, FrontPageFurnitureReadsBackExactly) {
  ASSERT_EQ(built().result.exit_code, 0) << built().result.err;
  const std::string a1 = pdf_text(built().dir + "/A1.pdf");
  // masthead.txt: the calendar, the name, subtitle, slogan, frequency, hotline and the edition
  // line — the last with 今日 4 版, the pages of this edition (the model edition had 16).
  for (std::string line : nonempty_lines(read_file(corpus_path("masthead.txt")))) {
    if (line.find("今日16版") != std::string::npos) line.replace(line.find("今日16版"), std::string("今日16版").size(), "今日4版");
    EXPECT_NE(a1.find(line), std::string::npos) << line << "\n" << a1;
  }
  for (const std::string& line : nonempty_lines(read_file(corpus_path("colophon.txt"))))
    EXPECT_NE(a1.find(line), std::string::npos) << line << "\n" << a1;
  const std::string a2 = pdf_text(built().dir + "/A2.pdf");
  EXPECT_NE(a2.find("责编：周明远"), std::string::npos) << a2;
}

// Every character of the two A1 stories: the headline blocks on A1, the text on A1 up to the
// jump and the rest on A2 (jump lines aside).
TEST(E2eShanxi, FrontPageStoriesAreComplete) {
  ASSERT_EQ(built().result.exit_code, 0) << built().result.err;
  const std::string a1 = pdf_text(built().dir + "/A1.pdf");
  const std::string a2 = pdf_text(built().dir + "/A2.pdf");
  const std::string dir = source_dir() + "/samples/shanxi-keji-2024-06-14/articles/";
  for (const char* want : {"省委常委、大同市委书记卢东亮在“晋创谷·大同”调研", "他强调，要深入学习贯彻习近平总书记",
                           "中建六局第六建设山西分公司", "举办“安全生产月”暨“安康杯”竞赛启动仪式"})
    EXPECT_NE(a1.find(want), std::string::npos) << want;

  // The safety story is whole on A1.
  EXPECT_NE(a1.find(article_body(dir + "safety.md")), std::string::npos) << a1;

  // The lead: a prefix of its body is on A1 before the jump line, the rest on A2 after the
  // continuation line, and the two parts make the whole body.
  const std::string lead = article_body(dir + "lead.md");
  const std::string start = lead.substr(0, 60);
  const auto at = a1.find(start);
  ASSERT_NE(at, std::string::npos) << a1;
  std::size_t n = 0;  // bytes of the lead found on A1, in order
  while (at + n < a1.size() && n < lead.size() && a1[at + n] == lead[n]) ++n;
  // Back to a UTF-8 character boundary.
  while (n > 0 && (static_cast<unsigned char>(lead[n]) & 0xC0) == 0x80) --n;
  ASSERT_LT(n, lead.size()) << "the lead was expected to jump to A2";
  EXPECT_GT(n, lead.size() / 2);
  EXPECT_NE(a1.find("下转A2版"), std::string::npos) << a1;
  EXPECT_NE(a2.find("上接A1版"), std::string::npos) << a2;
  const std::string rest = lead.substr(n);
  EXPECT_NE(a2.find(rest), std::string::npos) << "rest of the lead: " << rest << "\nA2: " << a2;
}
