// compose/: pages from an Edition and articles — stories through frame chains, headline blocks,
// boxes, images, rules, jump lines, overset/underset reports, text conservation, golden dump.
// Editions are built in C++ here (the descriptor's surface syntax is tested in test_descriptor);
// one test loads the demo edition end to end.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/base/text.h"
#include "engine/compose/compose.h"
#include "support/test_fonts.h"
#include "support/test_support.h"

using namespace paiban;

namespace {

using test::fonts;

const Sp kEm = sp_from_pt(9);
const Sp kPitch = sp_from_pt(13.5);
const Sp kGap = kPitch - kEm;

std::u32string han(int n, int seed = 0) {
  static const std::u32string filler = U"甲乙丙丁戊己庚辛壬癸子丑寅";
  std::u32string s;
  for (int i = 0; i < n; ++i) s += filler[(i + seed) % filler.size()];
  return s;
}

Style style(const std::string& name, const std::string& role, double size, double leading, TextAlign align,
            double indent_em = 0, int weight = 400) {
  Style s;
  s.name = name;
  s.font_role = role;
  s.weight = weight;
  s.size = sp_from_pt(size);
  s.leading = sp_from_pt(leading);
  s.align = align;
  s.first_indent = sp_from_pt(size * indent_em);
  return s;
}

// A 2-column page: columns of 13 em (117 pt), a 1 em gutter, 24 body lines of 9/13.5 pt.
PageSpec page(const std::string& label) {
  PageSpec p;
  p.label = label;
  p.trim_width = sp_from_pt(297);
  p.trim_height = sp_from_pt(27 + 319.5 + 27);
  p.grid.type_area = {sp_from_pt(27), sp_from_pt(27), 2 * 13 * kEm + kEm, 24 * kPitch - kGap};
  p.grid.columns = 2;
  p.grid.gutter = kEm;
  p.grid.line_pitch = kPitch;
  p.grid.body_size = kEm;
  p.grid.lines = 24;
  return p;
}

Rect cell(const PageSpec& p, int col, int span, int line, int lines) { return p.grid.cell(col, span, line, lines); }

FrameSpec frame(const std::string& story, const Rect& r, int columns = 1) {
  FrameSpec f;
  f.story = story;
  f.rect = r;
  f.columns = columns;
  f.gutter = kEm;
  return f;
}

Edition edition() {
  Edition e;
  for (Style s : {style("body", "song", 9, 13.5, TextAlign::Justify, 2),
                  style("subhead", "hei", 10.5, 15.75, TextAlign::Center, 0, 700),
                  style("kicker", "kai", 12, 18, TextAlign::Center),
                  style("headline", "hei", 24, 30, TextAlign::Center, 0, 700),
                  style("subtitle", "hei", 14, 21, TextAlign::Center),
                  style("deck", "kai", 10.5, 15.75, TextAlign::Justify, 2),
                  style("byline", "kai", 9, 13.5, TextAlign::Start),
                  style("box-title", "hei", 10.5, 15.75, TextAlign::Center, 0, 700),
                  style("box-text", "song", 9, 13.5, TextAlign::Justify, 2),
                  style("caption", "kai", 9, 13.5, TextAlign::Start)})
    e.styles[s.name] = s;
  return e;
}

StorySpec story(const std::string& id) {
  StorySpec s;
  s.id = id;
  return s;
}

Article article(const std::vector<std::u32string>& paragraphs) {
  Article a;
  for (const auto& t : paragraphs) {
    ArticleParagraph p;
    if (t.rfind(U"## ", 0) == 0) {
      p.kind = ArticleParagraph::Kind::Subhead;
      p.text = t.substr(3);
    } else {
      p.text = t;
    }
    a.paragraphs.push_back(p);
  }
  return a;
}

// The real article of the corpus (punctuation, digits, quotes), split on blank lines.
Article corpus_article() {
  const auto text = decode_utf8(test::read_file(test::corpus_path("article.txt")));
  std::vector<std::u32string> paras;
  std::u32string cur;
  for (char32_t c : *text) {
    if (c == U'\n') {
      if (!cur.empty()) paras.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) paras.push_back(cur);
  paras.insert(paras.begin() + 2, U"## 共享车间降低试错成本");
  return article(paras);
}

std::u32string article_text(const Article& a) {
  std::u32string s;
  for (const auto& p : a.paragraphs) s += p.text;
  return s;
}

std::vector<const GlyphRunItem*> runs(const Page& p) {
  std::vector<const GlyphRunItem*> out;
  for (const auto& it : p.items)
    if (const auto* r = std::get_if<GlyphRunItem>(&it)) out.push_back(r);
  return out;
}

std::u32string run_text(const GlyphRunItem& r) {
  std::u32string s;
  for (const auto& g : r.glyphs) s += g.text;
  return s;
}

// Text of the glyph runs whose baseline origin lies in `area`, top to bottom, one string per
// line origin (a line may be several runs).
std::vector<std::pair<Point, std::u32string>> lines_in(const Page& p, const Rect& area) {
  std::map<std::pair<Sp, Sp>, std::u32string> by_origin;
  for (const auto* r : runs(p)) {
    if (r->origin.x < area.x || r->origin.x >= area.right() || r->origin.y < area.y || r->origin.y > area.bottom())
      continue;
    by_origin[{r->origin.y, r->origin.x}] += run_text(*r);
  }
  std::vector<std::pair<Point, std::u32string>> out;
  for (const auto& [yx, text] : by_origin) out.push_back({Point{yx.second, yx.first}, text});
  return out;
}

struct Composed {
  ComposedEdition out;
  Diagnostics diags;
};

Composed run_compose(const Edition& e, const std::map<std::string, Article>& arts) {
  Composed c;
  c.out = compose(e, arts, fonts(), c.diags);
  return c;
}

const StoryReport& story_report(const ComposedEdition& c, const std::string& id) {
  for (const auto& s : c.report.stories)
    if (s.story == id) return s;
  throw std::runtime_error("no story " + id);
}

// Minimal PNG: signature, IHDR and (optionally) pHYs; enough for the header reader.
void write_png(const std::string& path, std::uint32_t w, std::uint32_t h, std::uint32_t ppm = 0) {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  auto be = [&](std::uint32_t v) {
    for (int i = 3; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  be(13);
  s += "IHDR";
  be(w);
  be(h);
  s += std::string("\x08\x02\x00\x00\x00", 5);
  be(0);  // CRC (not checked by the header reader)
  if (ppm) {
    be(9);
    s += "pHYs";
    be(ppm);
    be(ppm);
    s += '\x01';
    be(0);
  }
  be(0);
  s += "IDAT";
  be(0);
  test::write_file(path, s);
}

}  // namespace

// Text conservation (always on): every character of a story's article lands on a page exactly
// once and in order, across frame columns and pages, subheads included; checked here from the
// display list itself, not only by the composer's own verifier.
TEST(Compose, StoryTextConservedAcrossColumnsAndPages) {
  Edition e = edition();
  e.stories = {story("lead")};
  PageSpec a1 = page("A1"), a2 = page("A2"), a3 = page("A3");
  a1.frames = {frame("lead", cell(a1, 0, 2, 4, 20), 2)};
  a2.frames = {frame("lead", cell(a2, 0, 2, 0, 24), 2)};
  a3.frames = {frame("lead", cell(a3, 0, 2, 0, 24), 2)};
  e.pages = {a1, a2, a3};
  const Article art = corpus_article();
  Composed c = run_compose(e, {{"lead", art}});
  EXPECT_EQ(c.diags.count_code("compose.text-lost"), 0u);
  EXPECT_FALSE(c.diags.has_errors()) << [&] { std::ostringstream o; c.diags.dump(o); return o.str(); }();
  const StoryReport& sr = story_report(c.out, "lead");
  ASSERT_FALSE(sr.overset);
  ASSERT_EQ(sr.pages, (std::vector<std::string>{"A1", "A2", "A3"}));
  EXPECT_EQ(sr.jumps, (std::vector<std::string>{"A1→A2", "A2→A3"}));
  std::u32string placed;
  for (const Page& p : c.out.pages)
    for (const auto* r : runs(p)) {
      const std::u32string t = run_text(*r);
      if (t == jump_to_text("A2") || t == jump_from_text("A1") || t == jump_to_text("A3") || t == jump_from_text("A2"))
        continue;
      placed += t;
    }
  EXPECT_EQ(encode_utf8(placed), encode_utf8(article_text(art)));
  EXPECT_EQ(sr.placed_characters, article_text(art).size());
}

// Jump lines after pagination: （下转A2版） ends the story's last column on A1, （上接A1版)
// opens its continuation on A2, each on its own grid line inside the frame.
TEST(Compose, JumpLinesNameTheOtherPage) {
  Edition e = edition();
  e.stories = {story("lead")};
  PageSpec a1 = page("A1"), a2 = page("A2");
  a1.frames = {frame("lead", cell(a1, 0, 2, 4, 12), 2)};
  a2.frames = {frame("lead", cell(a2, 0, 1, 0, 24))};
  e.pages = {a1, a2};
  Composed c = run_compose(e, {{"lead", corpus_article()}});
  const Rect right_col = {a1.frames[0].rect.x + 14 * kEm, a1.frames[0].rect.y, 13 * kEm, a1.frames[0].rect.h};
  auto l1 = lines_in(c.out.pages[0], right_col);
  ASSERT_FALSE(l1.empty());
  EXPECT_EQ(encode_utf8(l1.back().second), "（下转A2版）");
  // The jump line sits on the frame's last grid line.
  EXPECT_EQ(l1.back().first.y, l1.front().first.y + 11 * kPitch);
  auto l2 = lines_in(c.out.pages[1], a2.frames[0].rect);
  ASSERT_FALSE(l2.empty());
  EXPECT_EQ(encode_utf8(l2.front().second), "（上接A1版）");
  EXPECT_EQ(story_report(c.out, "lead").jumps, std::vector<std::string>{"A1→A2"});
  // Numbered pages print 第N版.
  EXPECT_EQ(encode_utf8(jump_to_text("2")), "（下转第2版）");
  EXPECT_EQ(encode_utf8(jump_from_text("1")), "（上接第1版）");
}

// A story that ends on its first page gets no jump line and no reserved empty line; the frame
// left over on the next page is reported as unused.
TEST(Compose, NoJumpLineWhenStoryEndsOnItsFirstPage) {
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1"), a2 = page("A2");
  a1.frames = {frame("s", cell(a1, 0, 1, 0, 5))};
  a2.frames = {frame("s", cell(a2, 0, 1, 0, 10))};
  e.pages = {a1, a2};
  // 8 + 13·4 = 60 Han: exactly the 5 lines of the frame, so a reserved line would overset it.
  Composed c = run_compose(e, {{"s", article({han(60)})}});
  const StoryReport& sr = story_report(c.out, "s");
  EXPECT_FALSE(sr.overset);
  EXPECT_EQ(sr.lines, 5);
  EXPECT_TRUE(sr.jumps.empty());
  EXPECT_EQ(sr.unused_frames, 1);
  for (const Page& p : c.out.pages)
    for (const auto* r : runs(p)) EXPECT_EQ(run_text(*r).find(U"下转"), std::u32string::npos);
}

// Jump lines where a chain changes page are reserved exactly where the story crosses the page
// change: the least fixpoint of "flow, reserve the page changes crossed, flow again" (compose
// flows the chain once and re-flows a frame only when the story may end in it). Paragraphs of
// whole lines: han(13n − 5) sets n lines of a 13 em column (2 em indent, 10 on the last line).
namespace {
std::u32string lines_of(int n, int seed = 0) { return han(13 * n - 5, seed); }

// The story's text lines per page (page report), jump lines not counted.
std::vector<int> story_lines_per_page(const Composed& c, const std::string& id) {
  std::vector<int> out;
  for (const PageReport& p : c.out.report.pages) {
    int n = 0;
    for (const StoryOnPage& s : p.stories)
      if (s.story == id) n = s.lines;
    out.push_back(n);
  }
  return out;
}

bool has_jump_text(const Composed& c) {
  for (const Page& p : c.out.pages)
    for (const auto* r : runs(p))
      if (run_text(*r).find(U"转") != std::u32string::npos || run_text(*r).find(U"上接") != std::u32string::npos)
        return true;
  return false;
}

// Two 13 em columns side by side at the frame's x: the baselines of each, top to bottom.
std::vector<std::vector<Sp>> column_baselines(const Page& page, const FrameSpec& f, int columns) {
  std::vector<std::vector<Sp>> out;
  for (int col = 0; col < columns; ++col) {
    out.emplace_back();
    for (const auto& [at, text] : lines_in(page, {f.rect.x + col * 14 * kEm, f.rect.y, 13 * kEm, f.rect.h}))
      out.back().push_back(at.y);
  }
  return out;
}

// Story "s" through A1 (a 2 × 5-line frame) and A2 (2 × 10 lines), two 13 em columns each.
Edition two_page_chain() {
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1"), a2 = page("A2");
  a1.frames = {frame("s", cell(a1, 0, 2, 0, 5), 2)};
  a2.frames = {frame("s", cell(a2, 0, 2, 0, 10), 2)};
  e.pages = {a1, a2};
  return e;
}
}  // namespace

// 5 | 3 + 2 lines fill the 2 × 5 lines of A1's frame exactly. A jump line reserved at its foot
// would push the last paragraph (a 1 | 1 split is not allowed) to A2, where no text would then
// need it: the story ends on A1 with no jump line and no empty line.
TEST(Compose, StoryFittingOnlyWithoutJumpLineEndsOnItsPage) {
  const Edition e = two_page_chain();
  const PageSpec& a1 = e.pages[0];
  Composed c = run_compose(e, {{"s", article({lines_of(5), lines_of(3, 1), lines_of(2, 2)})}});
  const StoryReport& sr = story_report(c.out, "s");
  EXPECT_FALSE(sr.overset);
  EXPECT_TRUE(sr.jumps.empty());
  EXPECT_FALSE(has_jump_text(c));
  EXPECT_EQ(story_lines_per_page(c, "s"), (std::vector<int>{10, 0}));
  EXPECT_EQ(sr.underset_lines, 0);
  EXPECT_EQ(sr.unused_frames, 1);
  const auto cols = column_baselines(c.out.pages[0], a1.frames[0], 2);
  ASSERT_EQ(cols[1].size(), 5u);
  EXPECT_EQ(cols[1].back(), cols[0].front() + 4 * kPitch);  // the last line on the frame's last grid line
}

// One line more (5 | 3 + 3) crosses the page change: the jump line takes A1's last line, the
// last paragraph's first line would then close the column alone (orphan) and moves on with it.
TEST(Compose, StoryOneLineLongerJumpsAndMovesTheOrphan) {
  const Edition e = two_page_chain();
  const PageSpec &a1 = e.pages[0], &a2 = e.pages[1];
  Composed c = run_compose(e, {{"s", article({lines_of(5), lines_of(3, 1), lines_of(3, 2)})}});
  const StoryReport& sr = story_report(c.out, "s");
  EXPECT_FALSE(sr.overset);
  EXPECT_EQ(sr.jumps, std::vector<std::string>{"A1→A2"});
  EXPECT_EQ(story_lines_per_page(c, "s"), (std::vector<int>{8, 3}));
  const auto l1 = lines_in(c.out.pages[0], {a1.frames[0].rect.x + 14 * kEm, a1.frames[0].rect.y, 13 * kEm,
                                            a1.frames[0].rect.h});
  ASSERT_EQ(l1.size(), 4u);  // 3 lines, an empty line, the jump line on the last grid line
  EXPECT_EQ(encode_utf8(l1.back().second), "（下转A2版）");
  EXPECT_EQ(l1.back().first.y, l1.front().first.y + 4 * kPitch);
  const auto l2 = lines_in(c.out.pages[1], a2.frames[0].rect);
  ASSERT_EQ(l2.size(), 4u);
  EXPECT_EQ(encode_utf8(l2.front().second), "（上接A1版）");
}

// Three pages: the story crosses A1→A2 (jump line at the top of A2) and then fills A2 exactly
// without a jump line at its foot, so A2→A3 is not crossed and A3 stays empty.
TEST(Compose, StoryEndingExactlyOnMiddlePageCrossesOnlyTheFirstPageChange) {
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1"), a2 = page("A2"), a3 = page("A3");
  a1.frames = {frame("s", cell(a1, 0, 2, 0, 5), 2)};
  a2.frames = {frame("s", cell(a2, 0, 2, 0, 5), 2)};
  a3.frames = {frame("s", cell(a3, 0, 2, 0, 10), 2)};
  e.pages = {a1, a2, a3};
  // A1: 5 | 4 + jump line; A2: jump line + 4 | 5.
  Composed c = run_compose(e, {{"s", article({lines_of(5), lines_of(4, 1), lines_of(4, 2), lines_of(5, 3)})}});
  const StoryReport& sr = story_report(c.out, "s");
  EXPECT_FALSE(sr.overset);
  EXPECT_EQ(sr.jumps, std::vector<std::string>{"A1→A2"});
  EXPECT_EQ(story_lines_per_page(c, "s"), (std::vector<int>{9, 9, 0}));
  EXPECT_EQ(sr.unused_frames, 1);
  EXPECT_EQ(sr.underset_lines, 0);
  const auto cols = column_baselines(c.out.pages[1], a2.frames[0], 2);
  ASSERT_EQ(cols[0].size(), 5u);  // the jump line, then 4 lines
  ASSERT_EQ(cols[1].size(), 5u);
  EXPECT_EQ(cols[1].back(), cols[0].front() + 4 * kPitch);
}

// Balanced frames in a chain. A1's frame does not end the story: filled, not balanced, with the
// jump line at its foot. A2's frame ends it: balanced below its jump line.
TEST(Compose, BalancedFramesInAChainWithJumpLines) {
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1"), a2 = page("A2");
  FrameSpec f1 = frame("s", cell(a1, 0, 2, 0, 5), 2), f2 = frame("s", cell(a2, 0, 2, 0, 10), 2);
  f1.balance = f2.balance = true;
  a1.frames = {f1};
  a2.frames = {f2};
  e.pages = {a1, a2};
  Composed c =
      run_compose(e, {{"s", article({lines_of(5), lines_of(4, 1), lines_of(3, 2), lines_of(3, 3), lines_of(2, 4)})}});
  const StoryReport& sr = story_report(c.out, "s");
  EXPECT_FALSE(sr.overset);
  EXPECT_EQ(sr.jumps, std::vector<std::string>{"A1→A2"});
  EXPECT_EQ(story_lines_per_page(c, "s"), (std::vector<int>{9, 8}));
  const auto cols1 = column_baselines(c.out.pages[0], f1, 2);
  EXPECT_EQ(cols1[0].size(), 5u);
  EXPECT_EQ(cols1[1].size(), 5u);  // 4 lines and the jump line
  const auto cols2 = column_baselines(c.out.pages[1], f2, 2);
  ASSERT_FALSE(cols2[0].empty());
  ASSERT_FALSE(cols2[1].empty());
  EXPECT_LE(std::abs(cols2[0].back() - cols2[1].back()), kPitch);  // balanced
  EXPECT_EQ(cols2[0].size() + cols2[1].size(), 9u);  // the jump line and 8 lines
}

// A balanced frame followed by a page change, the story ending in it: with 4 + 4 lines it ends
// even with the jump line reserved, with 5 + 5 only without; either way no jump line, and the
// columns are balanced over the whole frame.
TEST(Compose, BalancedFrameEndingBeforePageChangeHasNoJumpLine) {
  for (const int n : {4, 5}) {
    Edition e = edition();
    e.stories = {story("s")};
    PageSpec a1 = page("A1"), a2 = page("A2");
    FrameSpec f1 = frame("s", cell(a1, 0, 2, 0, 5), 2);
    f1.balance = true;
    a1.frames = {f1};
    a2.frames = {frame("s", cell(a2, 0, 2, 0, 10), 2)};
    e.pages = {a1, a2};
    Composed c = run_compose(e, {{"s", article({lines_of(n), lines_of(n, 1)})}});
    const StoryReport& sr = story_report(c.out, "s");
    EXPECT_FALSE(sr.overset) << n;
    EXPECT_TRUE(sr.jumps.empty()) << n;
    EXPECT_FALSE(has_jump_text(c)) << n;
    EXPECT_EQ(story_lines_per_page(c, "s"), (std::vector<int>{2 * n, 0})) << n;
    const auto cols = column_baselines(c.out.pages[0], f1, 2);
    EXPECT_EQ(cols[0].size(), static_cast<std::size_t>(n)) << n;
    EXPECT_EQ(cols[1].size(), static_cast<std::size_t>(n)) << n;
  }
}

// A chain from wide columns into a narrower frame on the next page: a paragraph split at the
// page turn is broken for the widths it lands in (no line wider than its column) and nothing is
// lost or repeated.
TEST(Compose, ChainIntoNarrowerFrameRebreaksAndConserves) {
  Edition e = edition();
  e.stories = {story("lead")};
  PageSpec a1 = page("A1"), a2 = page("A2");
  a1.frames = {frame("lead", cell(a1, 0, 2, 0, 17), 1)};  // one 27 em column
  FrameSpec narrow = frame("lead", {a2.grid.type_area.x, a2.grid.type_area.y, 9 * kEm, 24 * kPitch - kGap}, 1);
  FrameSpec narrow2 = narrow;
  narrow2.rect.x += 10 * kEm;
  a2.frames = {narrow, narrow2};
  e.pages = {a1, a2};
  const Article art = corpus_article();
  Composed c = run_compose(e, {{"lead", art}});
  EXPECT_EQ(c.diags.count_code("compose.text-lost"), 0u);
  const StoryReport& sr = story_report(c.out, "lead");
  EXPECT_EQ(sr.placed_characters + sr.overset_characters, article_text(art).size());
  EXPECT_EQ(sr.pages, (std::vector<std::string>{"A1", "A2"}));
  for (const auto* r : runs(c.out.pages[1])) {
    const Rect col = r->origin.x < narrow2.rect.x ? narrow.rect : narrow2.rect;
    for (const auto& g : r->glyphs) {
      // Pen inside the column; the advance may pass the edge only by a trimmed mark's blank half.
      EXPECT_LT(r->origin.x + g.x, col.right()) << encode_utf8(run_text(*r));
      EXPECT_LE(r->origin.x + g.x + g.advance, col.right() + kEm / 2) << encode_utf8(run_text(*r));
    }
  }
}

// Overset is never silent: the diagnostic and the report carry the characters and lines left
// over and where the story stopped; placed + overset = the article.
TEST(Compose, OversetReportedWithCountsAndPlace) {
  Edition e = edition();
  e.stories = {story("lead")};
  PageSpec a1 = page("A1");
  FrameSpec f = frame("lead", cell(a1, 0, 1, 0, 10));
  f.id = "lead-a1";
  a1.frames = {f};
  e.pages = {a1};
  const Article art = corpus_article();
  Composed c = run_compose(e, {{"lead", art}});
  ASSERT_EQ(c.diags.count_code("compose.overset"), 1u);
  const StoryReport& sr = story_report(c.out, "lead");
  EXPECT_TRUE(sr.overset);
  EXPECT_EQ(sr.placed_characters + sr.overset_characters, article_text(art).size());
  EXPECT_GT(sr.overset_lines, 20);
  EXPECT_EQ(sr.stopped_page, "A1");
  EXPECT_EQ(sr.stopped_frame, "lead-a1");
  EXPECT_EQ(sr.lines, 10);
  EXPECT_EQ(c.diags.count_code("compose.text-lost"), 0u);
  std::ostringstream os;
  c.out.report.dump(os);
  EXPECT_NE(os.str().find("overset chars=" + std::to_string(sr.overset_characters)), std::string::npos) << os.str();
  for (const auto& d : c.diags.all())
    if (d.code == "compose.overset") {
      EXPECT_NE(d.message.find(std::to_string(sr.overset_characters) + " characters"), std::string::npos);
      EXPECT_NE(d.message.find("lead-a1"), std::string::npos);
    }
}

// Underset: the empty lines after a story's end in its last frame are counted.
TEST(Compose, UndersetCountsEmptyLines) {
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1");
  a1.frames = {frame("s", cell(a1, 0, 2, 0, 10), 2)};
  e.pages = {a1};
  Composed c = run_compose(e, {{"s", article({han(30), han(20, 3)})}});  // 3 + 2 lines
  const StoryReport& sr = story_report(c.out, "s");
  EXPECT_EQ(sr.lines, 5);
  EXPECT_EQ(sr.underset_lines, 20 - 5);
  EXPECT_FALSE(sr.overset);
}

// Headline block: each element takes whole body lines with its content centred (rule book §6,
// T6-2), lines are centred on the measure, and the body text below stays on the grid.
TEST(Compose, HeadlineBlockOccupiesWholeBodyLines) {
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1");
  HeadlineSpec h;
  h.story = "s";
  h.rect = cell(a1, 0, 2, 0, 6);
  a1.headlines = {h};
  a1.frames = {frame("s", cell(a1, 0, 2, 6, 10), 2)};
  e.pages = {a1};
  Article art = article({han(80)});
  art.kicker = U"引题甲乙丙";
  art.headline = U"主题甲乙丙丁";
  art.byline = U"本报记者 甲乙";
  Composed c = run_compose(e, {{"s", art}});
  ASSERT_FALSE(c.diags.has_errors()) << [&] { std::ostringstream o; c.diags.dump(o); return o.str(); }();
  // A block of k lines is k·9 + (k−1)·4.5 pt tall: kicker 12 pt → 2 lines (22.5 pt), headline
  // 24 pt → 3 lines (36 pt), byline 9 pt → 1 line: 6 lines, the whole area.
  auto in_head = lines_in(c.out.pages[0], h.rect);
  ASSERT_EQ(in_head.size(), 3u);
  const Sp top = a1.grid.type_area.y;
  EXPECT_EQ(encode_utf8(in_head[0].second), "引题甲乙丙");
  EXPECT_EQ(encode_utf8(in_head[1].second), "主题甲乙丙丁");
  EXPECT_EQ(encode_utf8(in_head[2].second), "本报记者 甲乙");
  // Em boxes centred in their blocks; the baseline 0.88 em below the em-box top (the ideographic
  // em box of Noto CJK and the fallback for UKai).
  EXPECT_EQ(in_head[0].first.y, top + (sp_from_pt(22.5) - sp_from_pt(12)) / 2 + scale_sp(sp_from_pt(12), 88, 100));
  EXPECT_EQ(in_head[1].first.y, top + 2 * kPitch + sp_from_pt(6) + scale_sp(sp_from_pt(24), 88, 100));
  EXPECT_EQ(in_head[2].first.y, top + 5 * kPitch + scale_sp(kEm, 88, 100));
  // Centred: the headline's six 24 pt characters sit in the middle of the 243 pt measure.
  const GlyphRunItem* headline_run = nullptr;
  for (const auto* r : runs(c.out.pages[0]))
    if (r->size == sp_from_pt(24)) headline_run = r;
  ASSERT_NE(headline_run, nullptr);
  EXPECT_EQ(headline_run->glyphs.front().x, (h.rect.w - 6 * sp_from_pt(24)) / 2);
  // The body starts on grid line 6.
  auto body = lines_in(c.out.pages[0], a1.frames[0].rect);
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(body.front().first.y, top + 6 * kPitch + scale_sp(kEm, 88, 100));
}

// Wrap: a picture inside a 2-column frame; every glyph of the story lies inside a column of the
// frame and outside the picture grown by its offset. The caption takes whole lines under it.
TEST(Compose, TextWrapsAroundPictureInFrame) {
  const std::string dir = test::temp_dir("compose-wrap");
  write_png(dir + "/pic.png", 400, 300);
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1");
  a1.frames = {frame("s", cell(a1, 0, 2, 0, 24), 2)};
  ImageSpec im;
  im.path = dir + "/pic.png";
  im.rect = {a1.grid.type_area.x + 8 * kEm, a1.grid.type_area.y + 4 * kPitch, 11 * kEm, 8 * kPitch - kGap};
  im.wrap = {true, kEm};
  im.caption = U"图片说明甲乙";
  a1.images = {im};
  e.pages = {a1};
  std::vector<std::u32string> paras;
  for (int i = 0; i < 6; ++i) paras.push_back(han(50 + 7 * i, i));
  Composed c = run_compose(e, {{"s", article(paras)}});
  ASSERT_FALSE(c.diags.has_errors()) << [&] { std::ostringstream o; c.diags.dump(o); return o.str(); }();
  const Rect grown = im.rect.inflated(kEm);
  const Rect col0{a1.frames[0].rect.x, a1.frames[0].rect.y, 13 * kEm, a1.frames[0].rect.h};
  const Rect col1{col0.x + 14 * kEm, col0.y, 13 * kEm, col0.h};
  int glyphs = 0, beside = 0;
  for (const auto* r : runs(c.out.pages[0])) {
    if (r->size != kEm || run_text(*r).find(U"图片") != std::u32string::npos) continue;
    const Sp em_top = r->origin.y - scale_sp(kEm, 88, 100);
    for (const auto& g : r->glyphs) {
      const Rect box{r->origin.x + g.x, em_top, g.advance, kEm};
      EXPECT_TRUE(col0.contains(box) || col1.contains(box));
      EXPECT_FALSE(grown.intersects(box)) << fmt_pt(box.x) << "," << fmt_pt(box.y);
      ++glyphs;
      if (box.y >= grown.y && box.bottom() <= grown.bottom()) ++beside;
    }
  }
  EXPECT_GT(glyphs, 300);
  EXPECT_GT(beside, 20) << "lines run beside the picture";
  // The picture: fitted into its area above the caption's whole lines (1 line: 13.5 pt).
  const ImageItem* img = nullptr;
  for (const auto& it : c.out.pages[0].items)
    if (const auto* i = std::get_if<ImageItem>(&it)) img = i;
  ASSERT_NE(img, nullptr);
  EXPECT_EQ(img->frame.h, im.rect.h - kPitch);
  // 4:3 picture in a 99 × 90 pt frame (narrower than 4:3): fitted to the frame's width.
  EXPECT_EQ(img->placement.w, img->frame.w);
  EXPECT_EQ(img->placement.h, scale_sp(img->frame.w, 3, 4));
}

// Image placement by fit mode, from the pixel size (and resolution for Crop).
TEST(Compose, ImagePlacementFitFillCrop) {
  const Rect f{sp_from_pt(10), sp_from_pt(20), sp_from_pt(100), sp_from_pt(100)};
  const ImageInfo wide{400, 200, 144, 144};
  EXPECT_EQ(image_placement(f, wide, ImageSpec::Fit::Fit),
            (Rect{sp_from_pt(10), sp_from_pt(45), sp_from_pt(100), sp_from_pt(50)}));
  EXPECT_EQ(image_placement(f, wide, ImageSpec::Fit::Fill),
            (Rect{sp_from_pt(-40), sp_from_pt(20), sp_from_pt(200), sp_from_pt(100)}));
  EXPECT_EQ(image_placement(f, wide, ImageSpec::Fit::Crop),  // 400 × 200 px at 144 dpi = 200 × 100 pt
            (Rect{sp_from_pt(-40), sp_from_pt(20), sp_from_pt(200), sp_from_pt(100)}));
  const ImageInfo tall{100, 300, 0, 0};
  EXPECT_EQ(image_placement(f, tall, ImageSpec::Fit::Fit).w, scale_sp(sp_from_pt(100), 1, 3));
  EXPECT_EQ(image_placement(f, tall, ImageSpec::Fit::Crop).h, sp_from_pt(300));  // 72 dpi default
}

// Header reading without decoding: PNG IHDR + pHYs, JPEG SOF0 + JFIF density.
TEST(Compose, ReadsPngAndJpegHeaders) {
  const std::string dir = test::temp_dir("compose-img");
  write_png(dir + "/a.png", 640, 480, 11811);  // 11811 px/m = 300 dpi
  auto png = read_image_info(dir + "/a.png");
  ASSERT_TRUE(png);
  EXPECT_EQ(png->width, 640);
  EXPECT_EQ(png->height, 480);
  EXPECT_NEAR(png->dpi_x, 300.0, 0.01);
  // SOI, APP0 JFIF (dpi 200×200), SOF0 (8 bit, 123 × 456), EOI.
  const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x01,
                               0x00, 0xC8, 0x00, 0xC8, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x01, 0xC8,
                               0x00, 0x7B, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9};
  test::write_file(dir + "/b.jpg", std::string(reinterpret_cast<const char*>(jpg), sizeof jpg));
  auto jp = read_image_info(dir + "/b.jpg");
  ASSERT_TRUE(jp);
  EXPECT_EQ(jp->width, 123);
  EXPECT_EQ(jp->height, 456);
  EXPECT_EQ(jp->dpi_x, 200.0);
  test::write_file(dir + "/c.png", "not an image");
  EXPECT_FALSE(read_image_info(dir + "/c.png"));
  EXPECT_FALSE(read_image_info(dir + "/missing.png"));
}

// Boxes: tint and border drawn under the text; the title and the Text content set inside the
// inset; text that does not fit is reported with its count.
TEST(Compose, BoxWithTitleTintBorderAndText) {
  Edition e = edition();
  PageSpec a1 = page("A1");
  BoxSpec b;
  b.id = "comment";
  b.rect = cell(a1, 1, 1, 0, 10);
  b.tint = Cmyk::white();
  b.tint->k = 100;
  b.border = Cmyk::black();
  b.inset = sp_from_pt(4.5);
  b.title = U"短评";
  b.content = BoxSpec::Content::Text;
  b.text = han(30) + U"\n" + han(20, 4);
  a1.boxes = {b};
  BoxSpec tight = b;
  tight.id = "tight";
  tight.rect = cell(a1, 0, 1, 0, 4);
  tight.text = han(200);
  a1.boxes.push_back(tight);
  e.pages = {a1};
  Composed c = run_compose(e, {});
  const Page& p = c.out.pages[0];
  ASSERT_TRUE(std::holds_alternative<BoxItem>(p.items.front()));
  const auto& bi = std::get<BoxItem>(p.items.front());
  EXPECT_EQ(bi.rect, b.rect);
  EXPECT_EQ(bi.fill, b.tint);
  EXPECT_EQ(bi.stroke, b.border);
  const Sp edge = b.inset + b.border_width;
  const Rect inner{b.rect.x + edge, b.rect.y + edge, b.rect.w - 2 * edge, b.rect.h - 2 * edge};
  auto lines = lines_in(p, b.rect);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(encode_utf8(lines[0].second), "短评");
  std::u32string text;
  for (std::size_t i = 1; i < lines.size(); ++i) text += lines[i].second;
  EXPECT_EQ(text, han(30) + han(20, 4));
  for (const auto* r : runs(p)) {
    if (!b.rect.contains({r->origin.x, r->origin.y, 1, 1})) continue;
    for (const auto& g : r->glyphs) {
      EXPECT_GE(r->origin.x + g.x, inner.x);
      EXPECT_LE(r->origin.x + g.x + g.advance, inner.right());
    }
    EXPECT_LE(r->origin.y, inner.bottom());
  }
  ASSERT_EQ(c.diags.count_code("compose.box-overset"), 1u);
  for (const auto& d : c.diags.all()) {
    if (d.code == "compose.box-overset") {
      EXPECT_NE(d.message.find("box:tight"), std::string::npos);
    }
  }
}

// Column rules (分栏线) in the middle of the gutter between a frame's columns, interrupted by a
// wrap obstacle that crosses the gutter.
TEST(Compose, ColumnRulesInGutters) {
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1");
  a1.grid.column_rules = true;
  a1.frames = {frame("s", cell(a1, 0, 2, 0, 24), 2)};
  BoxSpec b;
  b.rect = cell(a1, 0, 2, 10, 4);
  b.wrap = {true, 0};
  b.border = Cmyk::black();
  a1.boxes = {b};
  e.pages = {a1};
  Composed c = run_compose(e, {{"s", article({han(200)})}});
  std::vector<RuleItem> rules;
  for (const auto& it : c.out.pages[0].items)
    if (const auto* r = std::get_if<RuleItem>(&it)) rules.push_back(*r);
  ASSERT_EQ(rules.size(), 2u);
  const Sp x = a1.grid.type_area.x + 13 * kEm + kEm / 2;
  for (const auto& r : rules) {
    EXPECT_EQ(r.from.x, x);
    EXPECT_EQ(r.to.x, x);
    EXPECT_EQ(r.thickness, a1.grid.column_rule_width);
  }
  EXPECT_EQ(rules[0].from.y, a1.frames[0].rect.y);
  EXPECT_EQ(rules[0].to.y, b.rect.y);
  EXPECT_EQ(rules[1].from.y, b.rect.bottom());
  EXPECT_EQ(rules[1].to.y, a1.frames[0].rect.bottom());
}

// A balanced frame: when the story ends in it, its columns end at equal depth ±1 line.
TEST(Compose, BalancedFrameColumnsEndTogether) {
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1");
  a1.grid.type_area.w = 3 * 13 * kEm + 2 * kEm;
  a1.grid.columns = 3;
  FrameSpec f = frame("s", cell(a1, 0, 3, 0, 24), 3);
  f.balance = true;
  a1.frames = {f};
  e.pages = {a1};
  std::vector<std::u32string> paras;
  for (int i = 0; i < 5; ++i) paras.push_back(han(50 + 9 * i, i));
  Composed c = run_compose(e, {{"s", article(paras)}});
  std::vector<Sp> last;
  for (int col = 0; col < 3; ++col) {
    const Rect r{f.rect.x + col * 14 * kEm, f.rect.y, 13 * kEm, f.rect.h};
    auto l = lines_in(c.out.pages[0], r);
    ASSERT_FALSE(l.empty()) << col;
    last.push_back(l.back().first.y);
  }
  const auto [lo, hi] = std::minmax_element(last.begin(), last.end());
  EXPECT_LE(*hi - *lo, kPitch);
  EXPECT_LT(*hi, f.rect.y + 12 * kPitch) << "balanced, not filled top to bottom";
}

// Missing glyphs are reported in the page report (and as font.missing-glyph by shaping).
TEST(Compose, MissingGlyphInPageReport) {
  Edition e = edition();
  e.stories = {story("s")};
  PageSpec a1 = page("A1");
  a1.frames = {frame("s", cell(a1, 0, 1, 0, 10))};
  e.pages = {a1};
  std::u32string t = han(12);
  t += char32_t(0xE000);  // private use: no font of the chain has it
  t += han(5);
  Composed c = run_compose(e, {{"s", article({t})}});
  ASSERT_EQ(c.out.report.pages.size(), 1u);
  ASSERT_EQ(c.out.report.pages[0].missing.size(), 1u);
  EXPECT_EQ(c.out.report.pages[0].missing[0].ch, char32_t(0xE000));
  EXPECT_EQ(c.out.report.pages[0].missing[0].index, 12u);
  EXPECT_EQ(c.out.report.pages[0].missing[0].where, "s");
  EXPECT_EQ(c.diags.count_code("compose.text-lost"), 0u);
}

// Golden dump of one composed page (headline, 2-column story with a subhead, box, rule):
// PAIBAN_UPDATE_GOLDEN=1 rewrites tests/golden/compose_page_a1.txt so review is a diff.
TEST(Compose, GoldenPageDump) {
  Edition e = edition();
  e.stories = {story("lead")};
  PageSpec a1 = page("A1");
  HeadlineSpec h;
  h.story = "lead";
  h.rect = cell(a1, 0, 2, 0, 8);
  a1.headlines = {h};
  a1.frames = {frame("lead", cell(a1, 0, 2, 8, 16), 2)};
  BoxSpec b;
  b.rect = {a1.grid.type_area.x + 14 * kEm, a1.grid.type_area.y + 14 * kPitch, 13 * kEm, 5 * kPitch - kGap};
  b.wrap = {true, sp_from_pt(4.5)};
  b.border = Cmyk::black();
  b.title = U"短评";
  b.content = BoxSpec::Content::Text;
  b.text = U"新闻排版引擎的短评，甲乙丙丁戊己庚辛壬癸。";
  a1.boxes = {b};
  RuleSpec r;
  r.from = {a1.grid.type_area.x, a1.grid.type_area.y + 8 * kPitch - kGap / 2};
  r.to = {a1.grid.type_area.right(), r.from.y};
  a1.rules = {r};
  a1.grid.column_rules = true;
  e.pages = {a1};
  const Article corpus = corpus_article();  // p0, p1, subhead, p2 …
  Article art;
  art.paragraphs = {corpus.paragraphs[0], corpus.paragraphs[2], corpus.paragraphs[5]};
  art.kicker = U"补齐从实验室到生产线的“最后一公里”";
  art.headline = U"省科技成果转化中试基地投入使用";
  art.byline = U"本报记者 周明远";
  Composed c = run_compose(e, {{"lead", art}});
  std::ostringstream os;
  c.out.pages[0].dump(os);
  c.out.report.dump(os);
  const std::string golden = test::source_dir() + "/tests/golden/compose_page_a1.txt";
  if (const char* u = std::getenv("PAIBAN_UPDATE_GOLDEN"); u && std::string(u) == "1") test::write_file(golden, os.str());
  std::string want;
  ASSERT_NO_THROW(want = test::read_file(golden)) << "run with PAIBAN_UPDATE_GOLDEN=1 to create " << golden;
  EXPECT_EQ(os.str(), want);
}

// The demo edition end to end (descriptor + articles from samples/): every story's placed and
// overset characters add up to its article and nothing is lost.
TEST(Compose, DemoEditionConservesEveryStory) {
  Diagnostics d;
  auto ed = load_edition(test::source_dir() + "/samples/broadsheet-demo/edition.toml", d);
  ASSERT_TRUE(ed) << [&] { std::ostringstream o; d.dump(o); return o.str(); }();
  std::map<std::string, Article> arts;
  for (const auto& s : ed->stories) {
    auto a = read_article(s.article, d);
    ASSERT_TRUE(a) << s.article;
    arts[s.id] = *a;
  }
  Diagnostics cd;
  ComposedEdition c = compose(*ed, arts, fonts(), cd);
  EXPECT_EQ(cd.count_code("compose.text-lost"), 0u) << [&] { std::ostringstream o; cd.dump(o); return o.str(); }();
  ASSERT_EQ(c.pages.size(), ed->pages.size());
  for (const auto& s : c.report.stories) {
    EXPECT_EQ(s.placed_characters + s.overset_characters, s.characters) << s.story;
    EXPECT_GT(s.lines, 0) << s.story;
  }
  std::ostringstream os;
  c.report.dump(os);
  EXPECT_NE(os.str().find("story lead"), std::string::npos);
}
