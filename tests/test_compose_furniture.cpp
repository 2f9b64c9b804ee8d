// compose/ furniture (issue 5): masthead with calendar, edition line, colophon, page header, folio
// and the 导读 guide box, checked on the shanxi sample edition (the model front page) through the
// library: the text the glyphs carry, what changes when the edition changes, and a golden dump.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "engine/base/text.h"
#include "engine/compose/compose.h"
#include "support/test_fonts.h"
#include "support/test_support.h"

using namespace paiban;

namespace {

using test::fonts;

std::string sample_path() { return test::source_dir() + "/samples/shanxi-keji-2024-06-14/edition.toml"; }

std::string dump(const Diagnostics& d) {
  std::ostringstream o;
  d.dump(o);
  return o.str();
}

struct Loaded {
  Edition edition;
  std::map<std::string, Article> articles;
};

Loaded load_sample() {
  Diagnostics d;
  auto ed = load_edition(sample_path(), d);
  EXPECT_TRUE(ed) << dump(d);
  Loaded l;
  if (!ed) return l;
  l.edition = *ed;
  for (const auto& s : l.edition.stories) {
    auto a = read_article(s.article, d);
    EXPECT_TRUE(a) << s.article << "\n" << dump(d);
    if (a) l.articles[s.id] = *a;
  }
  return l;
}

// The text of a page as its glyphs carry it (what ToUnicode gives back), in display-list order.
std::string page_text(const Page& p) {
  std::u32string s;
  for (const DisplayItem& item : p.items)
    if (const auto* run = std::get_if<GlyphRunItem>(&item))
      for (const PlacedGlyph& g : run->glyphs) s += g.text;
  return test::strip_whitespace(encode_utf8(s));
}

const Page* find_page(const ComposedEdition& c, const std::string& label) {
  for (const Page& p : c.pages)
    if (p.label == label) return &p;
  return nullptr;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + needle.size())) ++n;
  return n;
}

std::vector<std::string> colophon_lines() {
  std::vector<std::string> out;
  std::istringstream in(test::read_file(test::corpus_path("colophon.txt")));
  for (std::string line; std::getline(in, line);)
    if (!test::strip_whitespace(line).empty()) out.push_back(test::strip_whitespace(line));
  return out;
}

}  // namespace

// (a) The model front page's furniture, all from the edition's metadata.
TEST(ComposeFurniture, ShanxiFrontPageCarriesMastheadEditionLineAndColophon) {
  Loaded l = load_sample();
  Diagnostics d;
  ComposedEdition c = compose(l.edition, l.articles, fonts(), d);
  EXPECT_FALSE(d.has_errors()) << dump(d);
  EXPECT_EQ(d.count_code("compose.furniture-overset"), 0u) << dump(d);
  const Page* a1 = find_page(c, "A1");
  ASSERT_NE(a1, nullptr);
  const std::string text = page_text(*a1);
  for (const char* want : {"山西科技报", "立媒科经", "科技改变世界创新引领未来", "周刊", "新闻热线4159087", "2024年6月", "14",
                           "星期五", "农历甲辰年", "五月初九",
                           "国内统一连续出版物号CN14-0009邮发代号21-1016总第7671期今日4版"})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  // The calendar block reads as a unit: year-month, day, weekday, lunar date.
  EXPECT_NE(text.find("2024年6月14星期五农历甲辰年五月初九"), std::string::npos) << text;
  const auto lines = colophon_lines();
  ASSERT_EQ(lines.size(), 2u);
  for (const std::string& line : lines) EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  // 导读: the A2–A4 stories, each with its kicker and headline, and the page labels.
  for (const char* want : {"导读", "古交市妇幼保健计划生育服务中心开展安全生产全方位大排查活动",
                           "名医相约健康随行——写在山西现代妇产医院名医工作室开诊一周年之际", "A2版", "A3版", "A4版",
                           "尧都农商银行下足三方面功夫力推高质量发展"})
    EXPECT_NE(text.find(want), std::string::npos) << want;
  // Edition order: A2's entries before A3's before A4's, each group followed by its label.
  EXPECT_LT(text.find("太原市妇幼保健院"), text.find("A2版"));
  EXPECT_LT(text.find("A2版"), text.find("闻喜移动公司"));
  EXPECT_LT(text.find("富士康太原园区工会"), text.find("A3版"));
  EXPECT_LT(text.find("A3版"), text.find("尧都农商银行"));
  // Inside pages: 报眉 with label, section, date and 责编; the folio.
  const Page* a3 = find_page(c, "A3");
  ASSERT_NE(a3, nullptr);
  const std::string t3 = page_text(*a3);
  for (const char* want : {"A3社会", "山西科技报2024年6月14日星期五", "责编：孙丽"})
    EXPECT_NE(t3.find(want), std::string::npos) << want << "\n" << t3;
  EXPECT_EQ(count(t3, "A3"), 2u) << t3;  // header and folio
  bool rule_under_header = false;
  for (const DisplayItem& item : a3->items)
    if (const auto* r = std::get_if<RuleItem>(&item))
      rule_under_header |= r->from.y == r->to.y && r->from.y < l.edition.pages[2].grid.type_area.y;
  EXPECT_TRUE(rule_under_header);
}

// (b) 导读 and 今日N版 follow the edition: a fifth page with a new guide story.
TEST(ComposeFurniture, GuideAndPageCountFollowTheEdition) {
  Loaded l = load_sample();
  ASSERT_EQ(l.edition.pages.size(), 4u);
  PageSpec a5 = l.edition.pages[3];
  a5.label = "A5";
  a5.section = "科普";
  a5.number = 5;
  a5.headlines.resize(1);
  a5.frames.resize(1);
  a5.headlines[0].story = "extra";
  a5.frames[0].story = "extra";
  a5.frames[0].order = 0;
  l.edition.pages.push_back(a5);
  StorySpec extra;
  extra.id = "extra";
  extra.article = "extra.md";
  extra.guide = true;  // flagged in the descriptor, not in the front matter
  extra.chain = {{4, 0}};
  l.edition.stories.push_back(extra);
  Article art;
  art.path = "extra.md";
  art.kicker = U"省气象台";
  art.headline = U"入夏以来首场强降雨即将来袭";
  ArticleParagraph para;
  para.text = U"本报讯 省气象台预计，本周末全省大部地区将出现入夏以来首场强降雨过程，请公众注意防范。";
  art.paragraphs.push_back(para);
  l.articles["extra"] = art;
  // A story starting on A1 is never listed in A1's own guide box, flag or not.
  l.articles["safety"].guide = true;

  Diagnostics d;
  ComposedEdition c = compose(l.edition, l.articles, fonts(), d);
  EXPECT_FALSE(d.has_errors()) << dump(d);
  const std::string text = page_text(*find_page(c, "A1"));
  EXPECT_NE(text.find("今日5版"), std::string::npos) << text;
  EXPECT_EQ(text.find("今日4版"), std::string::npos);
  EXPECT_NE(text.find("省气象台入夏以来首场强降雨即将来袭A5版"), std::string::npos) << text;
  EXPECT_LT(text.find("A4版"), text.find("省气象台"));
  EXPECT_EQ(count(text, "举办“安全生产月”暨“安康杯”竞赛启动仪式"), 1u);  // its headline block only
}

// Text that does not fit is reported with its count, never dropped silently.
TEST(ComposeFurniture, ColophonTooLongIsReported) {
  Loaded l = load_sample();
  ColophonSpec& col = *l.edition.pages[0].colophon;
  col.rect.h = l.edition.pages[0].grid.body_size;  // room for one line of body text only
  col.rect.w /= 3;
  Diagnostics d;
  ComposedEdition c = compose(l.edition, l.articles, fonts(), d);
  EXPECT_EQ(d.count_code("compose.furniture-overset"), 1u) << dump(d);
  EXPECT_NE(dump(d).find("colophon"), std::string::npos);
  // What fits is still printed: the colophon begins with its first field.
  EXPECT_NE(page_text(*find_page(c, "A1")).find("主管：山西省科学技术协会"), std::string::npos);
}

// (c) Golden dump of the front page.
TEST(ComposeFurniture, ShanxiFrontPageGolden) {
  Loaded l = load_sample();
  Diagnostics d;
  ComposedEdition c = compose(l.edition, l.articles, fonts(), d);
  const Page* a1 = find_page(c, "A1");
  ASSERT_NE(a1, nullptr);
  std::ostringstream os;
  a1->dump(os);
  const std::string golden = test::source_dir() + "/tests/golden/compose_shanxi_a1.txt";
  if (const char* u = std::getenv("PAIBAN_UPDATE_GOLDEN"); u && std::string(u) == "1") test::write_file(golden, os.str());
  std::string want;
  ASSERT_NO_THROW(want = test::read_file(golden)) << "run with PAIBAN_UPDATE_GOLDEN=1 to create " << golden;
  EXPECT_EQ(os.str(), want);
}
