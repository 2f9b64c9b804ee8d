// Layout descriptors (engine/descriptor): units, styles, templates and includes, grid arithmetic
// (rule book §6), story threading, the resolved model's golden dump, and the bad-input catalogue
// (issue 8): every malformed descriptor yields its stable code at the right file:line:column.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "engine/base/units.h"
#include "engine/descriptor/descriptor.h"
#include "support/test_support.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;

std::string desc_path(const std::string& name) { return test::data_path("descriptor/" + name); }

std::string dump_diags(const Diagnostics& d) {
  std::ostringstream os;
  d.dump(os);
  return os.str();
}

// Loads a descriptor and expects it to be valid (no errors).
Edition load_ok(const std::string& path, Diagnostics* out = nullptr) {
  Diagnostics d;
  auto e = load_edition(path, d);
  EXPECT_TRUE(e.has_value()) << dump_diags(d);
  EXPECT_FALSE(d.has_errors()) << dump_diags(d);
  if (out) *out = d;
  return e ? std::move(*e) : Edition{};
}

// Writes a throw-away edition next to tests/data/descriptor/common.toml's copy in a temp dir.
struct TempEdition {
  std::string dir = test::temp_dir("descriptor");
  TempEdition() {
    test::write_file(dir + "/common.toml", test::read_file(desc_path("common.toml")));
    test::write_file(dir + "/articles/a.md", "甲乙丙丁。\n");
    test::write_file(dir + "/articles/b.md", "戊己庚辛。\n");
  }
  std::string write(const std::string& body) {
    const std::string p = dir + "/edition.toml";
    test::write_file(p, body);
    return p;
  }
};

const char* kOneStory = R"(include = ["common.toml"]

[[stories]]
id = "one"
article = "articles/a.md"
)";

// --- units ------------------------------------------------------------------------------------

// Chinese size names, em relative to the style's own size, and the wps table switch.
TEST(DescriptorUnits, SizeNamesEmAndWpsTable) {
  TempEdition t;
  const std::string extra = R"(
[styles.big]
size = "一号"
leading = "1.2em"
tracking = "-0.05em"
indent = "2em"

[styles.tiny]
size = "七号"

[styles.exact]
size = "3.5mm"

[[pages]]
template = "test-a4"
frames = [{ story = "one", col = 1, line = 1 }]
)";
  Edition e = load_ok(t.write(std::string(kOneStory) + extra));
  EXPECT_EQ(e.style("body")->size, sp_from_pt(9));  // 小五
  EXPECT_EQ(e.style("big")->size, sp_from_pt(27.5));  // 一号, traditional row
  EXPECT_EQ(e.style("big")->leading, sp_from_pt(33));
  EXPECT_EQ(e.style("big")->tracking, sp_from_pt(-1.375));
  EXPECT_EQ(e.style("big")->first_indent, sp_from_pt(55));
  EXPECT_EQ(e.style("tiny")->size, sp_from_pt(5.25));
  EXPECT_EQ(e.style("exact")->size, sp_from_mm(3.5));
  EXPECT_EQ(e.style("body")->first_indent, sp_from_pt(18));  // 2 em of 小五

  Edition w = load_ok(t.write("size_table = \"wps\"\n" + std::string(kOneStory) + extra));
  EXPECT_EQ(w.size_table, SizeTable::Wps);
  EXPECT_EQ(w.style("big")->size, sp_from_pt(26));  // 一号, Word/WPS row
  EXPECT_EQ(w.style("tiny")->size, sp_from_pt(5.5));
}

// Lengths in lines (l) are body line pitches; em in a page is the body size; mm converts exactly
// once at the edge.
TEST(DescriptorUnits, LinesAndEmOnThePage) {
  TempEdition t;
  Edition e = load_ok(t.write(std::string(kOneStory) + R"(
[[pages]]
template = "test-a4"
  [[pages.frames]]
  story = "one"
  x = "20mm"
  y = "3l"
  w = "30em"
  h = "12l"
)"));
  const FrameSpec& f = e.pages.at(0).frames.at(0);
  EXPECT_EQ(f.rect.x, sp_from_mm(20));
  EXPECT_EQ(f.rect.y, 3 * sp_from_pt(13.5));
  EXPECT_EQ(f.rect.w, 30 * sp_from_pt(9));
  EXPECT_EQ(f.rect.h, 12 * sp_from_pt(13.5));
  EXPECT_EQ(f.col, -1);  // absolute placement: no grid columns
  EXPECT_EQ(f.line, -1);
  EXPECT_EQ(f.columns, 1);
}

// A style's inherited em leading scales with its own size; an absolute one is copied.
TEST(DescriptorStyles, BasedOnRecomputesEmValues) {
  TempEdition t;
  Edition e = load_ok(t.write(std::string(kOneStory) + R"(
[styles.parent]
size = "10pt"
leading = "1.5em"
indent = "2em"
colour = [0, 100, 100, 0]
align = "center"

[styles.child]
based_on = "parent"
size = "20pt"

[styles.fixed]
size = "10pt"
leading = "14pt"

[styles.fixed-child]
based_on = "fixed"
size = "12pt"

[[pages]]
template = "test-a4"
frames = [{ story = "one", col = 1, line = 1 }]
)"));
  const Style* c = e.style("child");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->leading, sp_from_pt(30));
  EXPECT_EQ(c->first_indent, sp_from_pt(40));
  EXPECT_EQ(c->colour, (Cmyk{0, 1000, 1000, 0, {}, 1000}));
  EXPECT_EQ(c->align, TextAlign::Center);
  EXPECT_EQ(e.style("fixed-child")->leading, sp_from_pt(14));
  // No leading anywhere in the chain: 1.5 em (rule book §6 house default).
  EXPECT_EQ(e.style("headline")->leading, sp_from_pt(31.5));
}

// --- templates and includes -------------------------------------------------------------------

// ok.toml: includes common.toml twice (read once), overrides one key of an included style,
// derives a template, threads one story by explicit order across pages, spot colours,
// colophon as tables, recto/verso type area.
TEST(DescriptorTemplates, IncludeOverrideBasedOnAndSides) {
  Edition e = load_ok(desc_path("ok.toml"));
  // [styles.body] in ok.toml changes only the size; indent and leading come from common.toml.
  EXPECT_EQ(e.style("body")->size, sp_from_pt(10.5));
  EXPECT_EQ(e.style("body")->leading, sp_from_pt(13.5));
  EXPECT_EQ(e.style("body")->first_indent, sp_from_pt(21));
  EXPECT_EQ(e.style("tight")->colour.spot, "PANTONE 485 C");
  EXPECT_EQ(e.style("tight")->colour.tint, 500);
  EXPECT_EQ(e.style("tight")->colour.y, 855);

  ASSERT_EQ(e.pages.size(), 2u);
  const PageSpec& p1 = e.pages[0];
  const PageSpec& p2 = e.pages[1];
  EXPECT_EQ(p1.template_name, "test-a4-wide");
  EXPECT_EQ(p1.trim_width, sp_from_mm(210));
  EXPECT_EQ(p1.margin_inside, sp_from_mm(25));
  EXPECT_EQ(p1.margin_outside, sp_from_mm(15));
  EXPECT_TRUE(p1.recto);
  EXPECT_FALSE(p2.recto);
  EXPECT_EQ(p1.grid.type_area.x, sp_from_mm(25));  // right-hand page: inside margin on the left
  EXPECT_EQ(p2.grid.type_area.x, sp_from_mm(15));  // left-hand page: outside margin on the left
  EXPECT_EQ(p1.grid.type_area.w, sp_from_mm(170));

  // Story "one": order = 2 on P1, order = 1 on P2 → P2 first.
  const StorySpec* one = e.story("one");
  ASSERT_NE(one, nullptr);
  ASSERT_EQ(one->chain.size(), 2u);
  EXPECT_EQ(one->chain[0], (StorySpec::FrameRef{1, 0}));
  EXPECT_EQ(one->chain[1], (StorySpec::FrameRef{0, 0}));
  EXPECT_EQ(p2.frames[0].order, 0);
  EXPECT_EQ(p1.frames[0].order, 1);
  EXPECT_TRUE(fs::path(one->article).is_absolute());
  EXPECT_TRUE(fs::exists(one->article));

  EXPECT_EQ(e.meta.year, 2024);
  EXPECT_EQ(e.meta.month, 2);
  EXPECT_EQ(e.meta.day, 29);
  ASSERT_EQ(e.meta.colophon.size(), 2u);
  EXPECT_EQ(e.meta.colophon[1].first, "主办");
  EXPECT_EQ(e.output.standard, "PDF/X-4");
  EXPECT_EQ(e.output.ink_limit, 260);

  // Image: wrap_offset alone turns wrapping on.
  ASSERT_EQ(p1.images.size(), 1u);
  EXPECT_TRUE(p1.images[0].wrap.enabled);
  EXPECT_EQ(p1.images[0].wrap.offset, sp_from_mm(2));
}

// Template objects (header, folio, rules) reach every page; a page's `page_header = false`
// removes the template's; page keys override template keys.
TEST(DescriptorTemplates, TemplateObjectsAndPageOverrides) {
  TempEdition t;
  Edition e = load_ok(t.write(std::string(kOneStory) + R"(
[templates.with-header]
based_on = "test-a4"
  [templates.with-header.page_header]
  y = "8mm"
  h = "6mm"
  [templates.with-header.folio]
  y = "280mm"
  h = "5mm"
  [[templates.with-header.rules]]
  line = 1

[[pages]]
template = "with-header"
frames = [{ story = "one", col = 1, line = 2 }]

[[pages]]
template = "with-header"
page_header = false
columns = 2
  [[pages.rules]]
  from = ["20mm", "150mm"]
  to = ["190mm", "150mm"]
)"));
  ASSERT_EQ(e.pages.size(), 2u);
  ASSERT_TRUE(e.pages[0].page_header.has_value());
  EXPECT_EQ(e.pages[0].page_header->rect.y, sp_from_mm(8));
  EXPECT_EQ(e.pages[0].page_header->rect.w, e.pages[0].grid.type_area.w);
  EXPECT_FALSE(e.pages[1].page_header.has_value());
  EXPECT_TRUE(e.pages[1].folio.has_value());
  EXPECT_EQ(e.pages[0].grid.columns, 4);
  EXPECT_EQ(e.pages[1].grid.columns, 2);
  EXPECT_EQ(e.pages[0].rules.size(), 1u);
  ASSERT_EQ(e.pages[1].rules.size(), 2u);  // the template's, then the page's
  // The template rule sits in the middle of the gap above grid line 1.
  EXPECT_EQ(e.pages[0].rules[0].from.y, e.pages[0].grid.type_area.y - sp_from_pt(2.25));
}

// --- grid arithmetic (rule book §6) -----------------------------------------------------------

// 对开 broadsheet: 8 columns × 13 小五 + 7 one-character gutters = 111 × 9 pt, 104 lines.
TEST(DescriptorGrid, BroadsheetColumnsAreThirteenCharacters) {
  Edition e = load_ok(test::source_dir() + "/samples/broadsheet-demo/edition.toml");
  const PageSpec* a1 = e.page("A1");
  ASSERT_NE(a1, nullptr);
  const GridSpec& g = a1->grid;
  EXPECT_EQ(a1->trim_width, sp_from_mm(390));
  EXPECT_EQ(a1->trim_height, sp_from_mm(540));
  EXPECT_EQ(g.columns, 8);
  EXPECT_EQ(g.column_width(), 13 * sp_from_pt(9));
  EXPECT_EQ(g.gutter, sp_from_pt(9));
  EXPECT_EQ(g.type_area.w, 111 * sp_from_pt(9));
  EXPECT_EQ(g.line_pitch, sp_from_pt(13.5));
  EXPECT_EQ(g.lines, 104);
  EXPECT_EQ(g.type_area.h, 104 * sp_from_pt(13.5) - sp_from_pt(4.5));
  // Centred: equal inside and outside margins.
  EXPECT_EQ(a1->margin_inside + a1->margin_outside + g.type_area.w, a1->trim_width);
  EXPECT_LE(std::abs(a1->margin_inside - a1->margin_outside), 1);
  // T6-3: span(2) = 27 characters, span(3) = 41.
  EXPECT_EQ(g.cell(0, 2, 0, 1).w, 27 * sp_from_pt(9));
  EXPECT_EQ(g.cell(2, 3, 0, 1).w, 41 * sp_from_pt(9));
  // The last column ends on the type area's right edge.
  EXPECT_EQ(g.cell(5, 3, 0, 1).right(), g.type_area.right());
  // T6-2 analogue: 3 lines = 3 × 9 + 2 × 4.5 = 36 pt; line k starts k pitches down.
  EXPECT_EQ(g.cell(0, 1, 0, 3).h, sp_from_pt(36));
  EXPECT_EQ(g.cell(0, 1, 7, 1).y, g.type_area.y + 7 * sp_from_pt(13.5));
  EXPECT_EQ(g.lines_in(g.cell(0, 1, 0, 17).h), 17);

  // Tabloid pages: 6 × 11 characters.
  const PageSpec* a3 = e.page("A3");
  ASSERT_NE(a3, nullptr);
  EXPECT_EQ(a3->trim_width, sp_from_mm(270));
  EXPECT_EQ(a3->grid.columns, 6);
  EXPECT_EQ(a3->grid.column_width(), 11 * sp_from_pt(9));
  EXPECT_EQ(a3->grid.type_area.w, 71 * sp_from_pt(9));
  EXPECT_EQ(a3->grid.lines, 74);
}

// The bench edition: 16 pages of 297 × 420 mm, 15 mm margins, 6 columns with 10 pt gutters,
// 9 pt on 13 pt, one story threaded through one whole-type-area frame per page.
TEST(DescriptorGrid, BenchEditionThreadsOneStoryThroughSixteenPages) {
  Edition e = load_ok(test::source_dir() + "/samples/bench-16p/edition.toml");
  ASSERT_EQ(e.pages.size(), 16u);
  ASSERT_EQ(e.stories.size(), 1u);
  const StorySpec& s = e.stories[0];
  EXPECT_EQ(s.body_style, "bench-body");
  EXPECT_EQ(fs::path(s.article).filename(), "edition-16p-wide.txt");
  ASSERT_EQ(s.chain.size(), 16u);
  for (int i = 0; i < 16; ++i) {
    const PageSpec& p = e.pages[static_cast<std::size_t>(i)];
    EXPECT_EQ(s.chain[static_cast<std::size_t>(i)], (StorySpec::FrameRef{i, 0}));
    EXPECT_EQ(p.trim_width, sp_from_mm(297));
    EXPECT_EQ(p.trim_height, sp_from_mm(420));
    // Trim minus two 15 mm margins (each converted once, so the width is exact in sp).
    EXPECT_EQ(p.grid.type_area, (Rect{sp_from_mm(15), sp_from_mm(15), sp_from_mm(297) - 2 * sp_from_mm(15),
                                      sp_from_mm(420) - 2 * sp_from_mm(15)}));
    EXPECT_EQ(p.grid.columns, 6);
    EXPECT_EQ(p.grid.gutter, sp_from_pt(10));
    EXPECT_EQ(p.grid.body_size, sp_from_pt(9));
    EXPECT_EQ(p.grid.line_pitch, sp_from_pt(13));
    EXPECT_EQ(p.grid.lines, 85);  // floor((1105.512 + 4) / 13)
    ASSERT_EQ(p.frames.size(), 1u);
    const FrameSpec& f = p.frames[0];
    EXPECT_EQ(f.columns, 6);
    EXPECT_EQ(f.gutter, sp_from_pt(10));
    EXPECT_EQ(f.rect.x, p.grid.type_area.x);
    EXPECT_EQ(f.rect.w, p.grid.type_area.w);
    EXPECT_EQ(f.rect.h, 85 * sp_from_pt(13) - sp_from_pt(4));
  }
  const Style* body = e.style("bench-body");
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->font_role, "song");
  EXPECT_EQ(body->first_indent, sp_from_pt(18));
  EXPECT_EQ(body->align, TextAlign::Justify);
}

// --- the resolved model, as a golden file -----------------------------------------------------

TEST(DescriptorGolden, BroadsheetDemoDump) {
  Edition e = load_ok(test::source_dir() + "/samples/broadsheet-demo/edition.toml");
  std::ostringstream os;
  e.dump(os);
  const std::string golden = test::source_dir() + "/tests/golden/descriptor-broadsheet-demo.txt";
  const char* update = std::getenv("PAIBAN_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    test::write_file(golden, os.str());
    GTEST_SKIP() << "rewrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << "run with PAIBAN_UPDATE_GOLDEN=1 to create " << golden;
  EXPECT_EQ(os.str(), test::read_file(golden)) << "run with PAIBAN_UPDATE_GOLDEN=1 and review the diff";
}

// The demo edition loads without a single diagnostic, warnings included.
TEST(DescriptorSamples, BroadsheetDemoIsClean) {
  Diagnostics d;
  Edition e = load_ok(test::source_dir() + "/samples/broadsheet-demo/edition.toml", &d);
  EXPECT_TRUE(d.all().empty()) << dump_diags(d);
  ASSERT_EQ(e.pages.size(), 4u);
  const StorySpec* lead = e.story("lead");
  ASSERT_NE(lead, nullptr);
  ASSERT_EQ(lead->chain.size(), 2u);  // jumps from A1 to A2
  EXPECT_EQ(e.pages[static_cast<std::size_t>(lead->chain[0].page)].label, "A1");
  EXPECT_EQ(e.pages[static_cast<std::size_t>(lead->chain[1].page)].label, "A2");
  const PageSpec& a1 = e.pages[0];
  ASSERT_TRUE(a1.masthead.has_value());
  EXPECT_FALSE(a1.masthead->calendar.empty());
  EXPECT_FALSE(a1.page_header.has_value());
  EXPECT_TRUE(e.pages[1].page_header.has_value());
  bool wide_headline = false, wrapped_image = false, box = false;
  for (const auto& h : a1.headlines) wide_headline |= h.span >= 4;
  for (const auto& im : a1.images) wrapped_image |= im.wrap.enabled;
  for (const auto& b : a1.boxes) box |= b.content == BoxSpec::Content::Guide;
  EXPECT_TRUE(wide_headline);
  EXPECT_TRUE(wrapped_image);
  EXPECT_TRUE(box);
  EXPECT_TRUE(e.pages[3].colophon.has_value());
  EXPECT_EQ(e.meta.colophon.size(), 7u);
  EXPECT_EQ(e.meta.issue_number, 7671);
}

// The colophon may also be written as [[edition.colophon]] tables; order is kept.
TEST(DescriptorEdition, ColophonTablesAndDate) {
  TempEdition t;
  Edition e = load_ok(t.write(std::string(kOneStory) + R"(
[edition]
paper = "测试报"
date = 2024-06-14
issue_number = 7671
serial = "CN14-0009"
postal_code = "21-1016"
hotline = "4159087"
frequency = "周刊"
slogan = "科技改变世界"
subtitle = "立媒 科经"

[[edition.colophon]]
label = "主管"
value = "甲"

[[edition.colophon]]
label = "主办"
value = "乙"

[[pages]]
template = "test-a4"
frames = [{ story = "one", col = 1, line = 1 }]
)"));
  EXPECT_EQ(e.meta.paper, "测试报");
  EXPECT_EQ(e.meta.year * 10000 + e.meta.month * 100 + e.meta.day, 20240614);
  EXPECT_EQ(e.meta.issue_number, 7671);
  EXPECT_EQ(e.meta.postal_code, "21-1016");
  ASSERT_EQ(e.meta.colophon.size(), 2u);
  EXPECT_EQ(e.meta.colophon[0], (std::pair<std::string, std::string>{"主管", "甲"}));
  EXPECT_EQ(e.meta.colophon[1], (std::pair<std::string, std::string>{"主办", "乙"}));
}

// Story ids and page labels are unique; a date must exist.
TEST(DescriptorEdition, DuplicatesAndImpossibleDate) {
  TempEdition t;
  Diagnostics d;
  EXPECT_FALSE(load_edition(t.write(std::string(kOneStory) + R"(
[edition]
date = "2023-02-29"

[[stories]]
id = "one"
article = "articles/b.md"

[[pages]]
label = "A1"
template = "test-a4"
frames = [{ story = "one", col = 1, line = 1 }]

[[pages]]
label = "A1"
template = "test-a4"
)"),
                            d)
                   .has_value());
  EXPECT_EQ(d.count_code("descriptor.duplicate"), 2u) << dump_diags(d);
  EXPECT_EQ(d.count_code("descriptor.bad-value"), 1u) << dump_diags(d);
}

// --- warnings that do not stop the load -------------------------------------------------------

// A style colour above the output's ink limit is a warning (prepress checklist, total coverage).
TEST(DescriptorWarnings, InkLimit) {
  TempEdition t;
  Diagnostics d;
  load_ok(t.write(std::string(kOneStory) + R"(
[output]
ink_limit = 240

[styles.rich-black]
based_on = "body"
colour = [60, 60, 60, 100]

[[pages]]
template = "test-a4"
frames = [{ story = "one", col = 1, line = 1 }]
)"),
          &d);
  ASSERT_EQ(d.count_code("descriptor.ink-limit"), 1u) << dump_diags(d);
  EXPECT_NE(d.all()[0].message.find("280%"), std::string::npos) << d.all()[0].format();
}

// An image over a frame that does not wrap prints over the text: a warning, not an error.
TEST(DescriptorWarnings, NonWrappingObjectOverFrame) {
  TempEdition t;
  const std::string p = t.write(std::string(kOneStory) + R"(
[[pages]]
template = "test-a4"
frames = [{ story = "one", col = 1, span = 4, line = 1 }]
text_blocks = [{ text = "x", col = 2, line = 5, lines = 2 }]
)");
  Diagnostics d;
  auto e = load_edition(p, d);
  ASSERT_TRUE(e.has_value()) << dump_diags(d);
  ASSERT_EQ(d.count_code("descriptor.overlap"), 1u) << dump_diags(d);
  EXPECT_EQ(d.all()[0].severity, Severity::Warning);
  EXPECT_EQ(d.all()[0].loc.line, 10);
  EXPECT_EQ(d.all()[0].loc.column, 16);
}

// --- the bad-input catalogue (issue 8) --------------------------------------------------------

struct BadCase {
  const char* file;       // under tests/data/descriptor/
  const char* code;
  const char* at_file;    // where the error is reported (differs for includes)
  int line, column;
  const char* contains;   // in message or hint
};

std::ostream& operator<<(std::ostream& os, const BadCase& c) { return os << c.file; }

class DescriptorBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(DescriptorBadInput, ReportsCodeAndPosition) {
  const BadCase& c = GetParam();
  Diagnostics d;
  auto e = load_edition(desc_path(c.file), d);
  EXPECT_FALSE(e.has_value());
  EXPECT_TRUE(d.has_errors());
  const Diagnostic* hit = nullptr;
  for (const auto& diag : d.all())
    if (diag.code == c.code && diag.severity == Severity::Error) hit = &diag;
  ASSERT_NE(hit, nullptr) << "expected " << c.code << ", got:\n" << dump_diags(d);
  EXPECT_EQ(hit->loc.file, desc_path(c.at_file)) << hit->format();
  EXPECT_EQ(hit->loc.line, c.line) << hit->format();
  EXPECT_EQ(hit->loc.column, c.column) << hit->format();
  EXPECT_NE((hit->message + " " + hit->hint).find(c.contains), std::string::npos) << hit->format();
  // Every error of a bad file carries a position and a message.
  for (const auto& diag : d.all()) {
    EXPECT_FALSE(diag.loc.file.empty()) << diag.format();
    EXPECT_FALSE(diag.message.empty()) << diag.format();
  }
}

const BadCase kBadCases[] = {
    // gutter = "12px"
    {"bad-unit.toml", "descriptor.bad-unit", "bad-unit.toml", 9, 10, "unknown unit 'px'"},
    // bleed = 3 (no unit)
    {"bad-bare-number.toml", "descriptor.bad-unit", "bad-bare-number.toml", 9, 9, "write \"3mm\""},
    // color = [...] in a style: points at the key, suggests 'colour'
    {"bad-unknown-key.toml", "descriptor.unknown-key", "bad-unknown-key.toml", 5, 1, "did you mean 'colour'?"},
    // second frame overlaps the first: reported at the second [[pages.frames]]
    {"bad-overlap.toml", "descriptor.overlap", "bad-overlap.toml", 21, 1, "bad-overlap.toml:14"},
    // article = "articles/not-there.md"
    {"bad-missing-article.toml", "descriptor.missing-file", "bad-missing-article.toml", 5, 11, "not-there.md"},
    // image file missing
    {"bad-missing-image.toml", "descriptor.missing-file", "bad-missing-image.toml", 10, 20, "photo.jpg"},
    // included file missing: at the include entry
    {"bad-missing-include.toml", "descriptor.missing-file", "bad-missing-include.toml", 1, 27, "nowhere.toml"},
    // frame at x = 180 mm, 40 mm wide on a 210 mm page
    {"bad-off-page.toml", "descriptor.outside-page", "bad-off-page.toml", 10, 3, "outside page 1"},
    // bad-cyclic-include → cyclic-a → cyclic-b → cyclic-a: at the entry in cyclic-b.toml
    {"bad-cyclic-include.toml", "descriptor.cyclic-include", "cyclic-b.toml", 3, 12, "cyclic-a.toml → cyclic-b.toml"},
    // slogan = "科技" 改变世界: the column counts characters, not bytes
    {"bad-syntax.toml", "descriptor.syntax", "bad-syntax.toml", 5, 15, "invalid TOML"},
    // a key defined twice
    {"bad-syntax-duplicate.toml", "descriptor.syntax", "bad-syntax-duplicate.toml", 5, 8, "already exists"},
    // size = "-9pt"
    {"bad-negative-size.toml", "descriptor.bad-value", "bad-negative-size.toml", 5, 8, "must be positive"},
    // body_style = "bdy"
    {"bad-unknown-style.toml", "descriptor.unknown-reference", "bad-unknown-style.toml", 6, 14, "did you mean 'body'?"},
    // story "orphan" has no frame
    {"bad-story-without-frame.toml", "descriptor.story-without-frame", "bad-story-without-frame.toml", 7, 1, "'orphan'"},
    // a frame for story "laed"
    {"bad-unknown-story.toml", "descriptor.unknown-reference", "bad-unknown-story.toml", 10, 21, "did you mean 'lead'?"},
    // template = "test-a5"
    {"bad-unknown-template.toml", "descriptor.unknown-reference", "bad-unknown-template.toml", 8, 12, "did you mean 'test-a4'?"},
    // col 3 + span 3 on a 4-column grid
    {"bad-outside-grid.toml", "descriptor.outside-grid", "bad-outside-grid.toml", 13, 3, "at most 2"},
    // line 60 of a 54-line grid
    {"bad-line-outside-grid.toml", "descriptor.outside-grid", "bad-line-outside-grid.toml", 9, 37, "1‥54"},
    // [edition] in an included file
    {"bad-edition-in-include.toml", "descriptor.unknown-key", "included-with-edition.toml", 4, 1, "only the edition file"},
    // styles a and b based on each other
    {"bad-cyclic-based-on.toml", "descriptor.cyclic-based-on", "bad-cyclic-based-on.toml", 4, 12, "a → b → a"},
    // trim = "broadshet"
    {"bad-unknown-trim.toml", "descriptor.bad-value", "bad-unknown-trim.toml", 9, 8, "did you mean 'broadsheet'?"},
};

INSTANTIATE_TEST_SUITE_P(Catalogue, DescriptorBadInput, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           std::string n = info.param.file;
                           n = n.substr(0, n.find('.'));
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

// A missing edition file is reported, not thrown.
TEST(DescriptorBadInputExtra, MissingEditionFile) {
  Diagnostics d;
  auto e = load_edition(desc_path("does-not-exist.toml"), d);
  EXPECT_FALSE(e.has_value());
  ASSERT_EQ(d.count_code("descriptor.missing-file"), 1u) << dump_diags(d);
}

// Errors in a template are reported once, not once per page using it.
TEST(DescriptorBadInputExtra, TemplateErrorReportedOnce) {
  TempEdition t;
  const std::string p = t.write(std::string(kOneStory) + R"(
[templates.bad]
based_on = "test-a4"
gutter = "1 furlong"

[[pages]]
template = "bad"
frames = [{ story = "one", col = 1, line = 1 }]

[[pages]]
template = "bad"
)");
  Diagnostics d;
  EXPECT_FALSE(load_edition(p, d).has_value());
  EXPECT_EQ(d.count_code("descriptor.bad-unit"), 1u) << dump_diags(d);
}

// Mixed grid and absolute placement on one axis is refused; `order` must be all or nothing.
TEST(DescriptorBadInputExtra, PlacementAndOrderConflicts) {
  TempEdition t;
  {
    Diagnostics d;
    EXPECT_FALSE(load_edition(t.write(std::string(kOneStory) + R"(
[[pages]]
template = "test-a4"
frames = [{ story = "one", col = 1, w = "30mm", line = 1 }]
)"),
                              d)
                     .has_value());
    EXPECT_EQ(d.count_code("descriptor.bad-value"), 1u) << dump_diags(d);
  }
  {
    Diagnostics d;
    EXPECT_FALSE(load_edition(t.write(std::string(kOneStory) + R"(
[[pages]]
template = "test-a4"
frames = [{ story = "one", col = 1, line = 1, lines = 5, order = 1 },
          { story = "one", col = 1, line = 10 }]
)"),
                              d)
                     .has_value());
    EXPECT_EQ(d.count_code("descriptor.missing-key"), 1u) << dump_diags(d);
  }
}

}  // namespace
}  // namespace paiban
