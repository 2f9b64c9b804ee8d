// flow/: lines of a story on the baseline grid of frame columns, break tokens, widows/orphans,
// subheads, wrap obstacles, balancing (docs/cjk-layout-rules.md §6–7).
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "engine/flow/flow.h"
#include "support/test_fonts.h"
#include "support/test_support.h"

using namespace paiban;

namespace {

using test::fonts;

const Sp kEm = sp_from_pt(9);
const Sp kPitch = sp_from_pt(13.5);
const Sp kGridTop = sp_from_pt(36);
const Sp kAscent = scale_sp(kEm, 88, 100);

// Filler Han of the rule book (§0), all Line_Break=ID and 1 em wide.
std::u32string han(int n, int seed = 0) {
  static const std::u32string filler = U"甲乙丙丁戊己庚辛壬癸子丑寅";
  std::u32string s;
  for (int i = 0; i < n; ++i) s += filler[(i + seed) % filler.size()];
  return s;
}

FlowParagraph body(const std::u32string& text, Sp indent = 2 * kEm) {
  Diagnostics d;
  ParagraphStyle st;
  st.text.size = kEm;
  st.first_indent = indent;
  FlowParagraph p;
  p.prepared = prepare_paragraph(fonts(), text, st, d);
  return p;
}

FlowParagraph subhead(const std::u32string& text, Sp size = sp_from_pt(10.5)) {
  Diagnostics d;
  ParagraphStyle st;
  st.text.size = size;
  st.text.role = "hei";
  st.align = Align::Center;
  FlowParagraph p;
  p.kind = FlowParagraph::Kind::Subhead;
  p.prepared = prepare_paragraph(fonts(), text, st, d);
  p.size = size;
  p.leading = size * 3 / 2;
  p.ascent = scale_sp(size, 88, 100);
  return p;
}

// A column `ems` characters wide whose first slot is grid slot `first` and that holds `slots` lines.
FrameGeometry column(Sp x, int first, int slots, int ems = 10) {
  FrameGeometry f;
  f.area = {x, kGridTop + first * kPitch, ems * kEm, slots * kPitch - (kPitch - kEm)};
  f.grid_top = kGridTop;
  f.pitch = kPitch;
  f.em = kEm;
  f.ascent = kAscent;
  return f;
}

struct Flowed {
  std::vector<ColumnFragment> columns;
  BreakToken token;
};

Flowed flow_all(const FlowInput& in, const std::vector<FrameGeometry>& cols, BreakToken t = {}) {
  Flowed out;
  Diagnostics d;
  for (const auto& c : cols) {
    FlowResult r = flow(in, c, t, d);
    out.columns.push_back(r.fragment);
    t = r.token;
  }
  out.token = t;
  return out;
}

std::u32string text_of(const PlacedLine& l) {
  const auto& t = l.prepared.text();
  return t.substr(l.line_data.begin, l.line_data.end - l.line_data.begin);
}

std::u32string story_text(const FlowInput& in) {
  std::u32string s;
  for (const auto& p : in.paragraphs) s += p.prepared.text();
  return s;
}

// Placed text in order plus what the token has left: must be the story, every character once.
std::u32string placed_plus_rest(const FlowInput& in, const Flowed& f) {
  std::u32string s;
  for (const auto& c : f.columns)
    for (const auto& l : c.lines) s += text_of(l);
  if (!f.token.finished(in)) {
    const auto& t = in.paragraphs[f.token.paragraph].prepared.text();
    s += t.substr(f.token.text_position());
    for (std::size_t p = f.token.paragraph + 1; p < in.paragraphs.size(); ++p) s += in.paragraphs[p].prepared.text();
  }
  return s;
}

// Identity of a line independent of where it was placed.
struct LineKey {
  std::size_t paragraph;
  std::uint32_t begin, end;
  std::vector<Sp> xs;
  bool operator==(const LineKey&) const = default;
};
std::vector<LineKey> keys(const Flowed& f) {
  std::vector<LineKey> out;
  for (const auto& c : f.columns)
    for (const auto& l : c.lines) {
      LineKey k{l.paragraph, l.line_data.begin + l.text_offset, l.line_data.end + l.text_offset, {}};
      for (const auto& g : l.line_data.glyphs) k.xs.push_back(g.x);
      out.push_back(k);
    }
  return out;
}

// Compose's tail preparer: the rest of a paragraph, no first-line indent.
void add_tail_preparer(FlowInput& in) {
  std::vector<PreparedParagraph> paras;
  for (const auto& p : in.paragraphs) paras.push_back(p.prepared);
  in.prepare_tail = [paras](std::size_t p, std::uint32_t from) {
    Diagnostics d;
    ParagraphStyle st = paras[p].style();
    st.first_indent = 0;
    return prepare_paragraph(fonts(), std::u32string_view(paras[p].text()).substr(from), st, d);
  };
}

FlowInput mixed_story() {
  FlowInput in;
  in.paragraphs.push_back(body(han(95, 0)));
  in.paragraphs.push_back(body(U"甲乙，丙丁“戊己”庚辛。壬癸子丑寅甲乙丙丁戊己庚辛壬癸，" + han(40, 3)));
  in.paragraphs.push_back(subhead(U"小标题"));
  in.paragraphs.push_back(body(han(57, 5) + U"。"));
  in.paragraphs.push_back(body(han(33, 7) + U"、" + han(20, 2) + U"。"));
  in.paragraphs.push_back(body(han(130, 1)));
  add_tail_preparer(in);
  return in;
}

}  // namespace

// Every baseline is grid top + ascent + k·pitch, and two columns side by side put their lines on
// the same baselines (rule book §6: adjacent columns' lines align).
TEST(Flow, BaselinesOnGridAndAlignedAcrossColumns) {
  FlowInput in = mixed_story();
  const FrameGeometry a = column(0, 2, 12), b = column(11 * kEm, 2, 12);
  Flowed f = flow_all(in, {a, b});
  ASSERT_EQ(f.columns.size(), 2u);
  for (const auto& c : f.columns)
    for (const auto& l : c.lines) {
      if (l.subhead) continue;
      EXPECT_EQ((l.origin.y - kGridTop - kAscent) % kPitch, 0) << "off-grid baseline";
    }
  std::vector<Sp> ya, yb;
  for (const auto& l : f.columns[0].lines) ya.push_back(l.origin.y);
  for (const auto& l : f.columns[1].lines) yb.push_back(l.origin.y);
  ASSERT_FALSE(yb.empty());
  // The slot k of both columns is the same baseline.
  for (const auto& c : f.columns)
    for (const auto& l : c.lines) {
      if (!l.subhead) {
        EXPECT_EQ(l.origin.y, kGridTop + (2 + l.slot) * kPitch + kAscent);
      }
    }
  // A column starting off the grid starts on the next grid line.
  FrameGeometry off = column(0, 2, 12);
  off.area.y += kPitch / 3;
  Flowed g = flow_all(in, {off});
  ASSERT_FALSE(g.columns[0].lines.empty());
  EXPECT_EQ(g.columns[0].lines[0].origin.y, kGridTop + 3 * kPitch + kAscent);
}

// The same story gives the same lines (breaks and glyph positions) in one tall column and in two
// half-height columns of the same measure; text is conserved in both.
TEST(Flow, SameLinesInOneTallFrameAndTwoHalves) {
  FlowInput in = mixed_story();
  Flowed tall = flow_all(in, {column(0, 0, 60)});
  Flowed halves = flow_all(in, {column(0, 0, 30), column(20 * kEm, 40, 30)});
  EXPECT_TRUE(tall.token.finished(in));
  EXPECT_TRUE(halves.token.finished(in));
  EXPECT_EQ(keys(tall), keys(halves));
  EXPECT_EQ(placed_plus_rest(in, tall), story_text(in));
  EXPECT_EQ(placed_plus_rest(in, halves), story_text(in));
  EXPECT_GT(halves.columns[0].lines.size(), 10u);
  EXPECT_GT(halves.columns[1].lines.size(), 5u);
}

// A break token resumes exactly: flowing the next column from a copy of the token twice gives the
// same fragment, starting at the character where the previous column stopped.
TEST(Flow, BreakTokenResumesExactly) {
  FlowInput in = mixed_story();
  Diagnostics d;
  FlowResult first = flow(in, column(0, 0, 7), BreakToken{}, d);
  ASSERT_FALSE(first.token.finished(in));
  ASSERT_GT(first.token.paragraph_line(), 0) << "the test wants a token inside a paragraph";
  const std::uint32_t resume_at = first.token.text_position();
  BreakToken copy = first.token;
  FlowResult b1 = flow(in, column(0, 20, 7), first.token, d);
  FlowResult b2 = flow(in, column(0, 20, 7), copy, d);
  std::ostringstream s1, s2;
  b1.fragment.dump(s1);
  b2.fragment.dump(s2);
  EXPECT_EQ(s1.str(), s2.str());
  ASSERT_FALSE(b1.fragment.lines.empty());
  const PlacedLine& l0 = b1.fragment.lines.front();
  EXPECT_EQ(l0.paragraph, first.token.paragraph);
  EXPECT_EQ(l0.line_data.begin + l0.text_offset, resume_at);
  const PlacedLine& last = first.fragment.lines.back();
  EXPECT_EQ(last.line_data.end + last.text_offset, resume_at);
}

// Rule book T7-4: in a 10-line column, a paragraph whose last line would open the next column
// alone gets a line moved across (and if that leaves its first line alone, both move).
TEST(Flow, WidowLineIsNotLeftAloneAtColumnTop) {
  // Measure 10, indent 2 em: P1 = 8 + 10·6 = 68 Han → 7 lines (slots 0–6); P2 = 8 + 10 + 10 + 5
  // = 33 Han → 4 lines in slots 7–9 and, without the remedy, its last line alone in column 2.
  FlowInput in;
  in.paragraphs.push_back(body(han(68)));
  in.paragraphs.push_back(body(han(33, 4)));
  in.paragraphs.push_back(body(han(40, 9)));
  Flowed f = flow_all(in, {column(0, 0, 10), column(12 * kEm, 0, 10)});
  ASSERT_EQ(f.columns.size(), 2u);
  const auto& a = f.columns[0].lines;
  const auto& b = f.columns[1].lines;
  ASSERT_FALSE(b.empty());
  // P2 = 4 lines: without the remedy its line 3 would be alone at the top of column 2.
  int p2_lines = 0;
  for (const auto& c : f.columns)
    for (const auto& l : c.lines) p2_lines += l.paragraph == 1;
  ASSERT_EQ(p2_lines, 4);
  EXPECT_EQ(b.front().paragraph, 1u);
  EXPECT_EQ(b.front().line, 2) << "one line moved across: column 2 opens with P2's last two lines";
  EXPECT_EQ(a.back().paragraph, 1u);
  EXPECT_EQ(a.back().line, 1);
  EXPECT_EQ(f.columns[0].depth, 9) << "column 1 ends one line short";
  EXPECT_EQ(placed_plus_rest(in, f), story_text(in));
}

// The 2-line and 3-line cases: moving one line would leave the first line alone at the bottom
// (orphan), so the whole paragraph goes to the next column.
TEST(Flow, WidowFixNeverCreatesAnOrphan) {
  for (int p2 : {15, 23}) {  // 8 | 7 and 8 | 10 | 5
    FlowInput in;
    in.paragraphs.push_back(body(han(p2 == 15 ? 88 : 78)));  // 9 or 8 lines
    in.paragraphs.push_back(body(han(p2, 2)));
    in.paragraphs.push_back(body(han(40, 9)));
    Flowed f = flow_all(in, {column(0, 0, 10), column(12 * kEm, 0, 10)});
    const auto& a = f.columns[0].lines;
    const auto& b = f.columns[1].lines;
    ASSERT_FALSE(b.empty());
    EXPECT_EQ(a.back().paragraph, 0u) << "p2=" << p2;
    EXPECT_EQ(b.front().paragraph, 1u);
    EXPECT_EQ(b.front().line, 0);
    EXPECT_EQ(placed_plus_rest(in, f), story_text(in));
  }
}

// Orphan: a paragraph's first line alone at the bottom of a column moves to the next column.
TEST(Flow, OrphanFirstLineMovesToNextColumn) {
  FlowInput in;
  in.paragraphs.push_back(body(han(88)));      // 9 lines: slots 0–8
  in.paragraphs.push_back(body(han(40, 3)));   // line 0 would be alone in slot 9
  Flowed f = flow_all(in, {column(0, 0, 10), column(12 * kEm, 0, 10)});
  EXPECT_EQ(f.columns[0].lines.back().paragraph, 0u);
  EXPECT_EQ(f.columns[0].depth, 9);
  ASSERT_FALSE(f.columns[1].lines.empty());
  EXPECT_EQ(f.columns[1].lines.front().paragraph, 1u);
  EXPECT_EQ(f.columns[1].lines.front().line, 0);
  // With the remedy off, the line stays.
  in.widow_orphan = false;
  Flowed g = flow_all(in, {column(0, 0, 10), column(12 * kEm, 0, 10)});
  EXPECT_EQ(g.columns[0].lines.back().paragraph, 1u);
}

// Rule book §7 背题: a subhead never ends a column and keeps ≥ 3 body lines after it in its
// column; otherwise it moves to the next column. Checked for every position of the subhead.
TEST(Flow, SubheadNeverEndsAColumnAndKeepsThreeLines) {
  for (int lead = 40; lead <= 100; lead += 10) {
    FlowInput in;
    in.paragraphs.push_back(body(han(lead)));
    in.paragraphs.push_back(subhead(U"小标题"));
    in.paragraphs.push_back(body(han(60, 3)));
    in.paragraphs.push_back(body(han(30, 6)));
    Flowed f = flow_all(in, {column(0, 0, 12), column(12 * kEm, 0, 12), column(24 * kEm, 0, 12)});
    ASSERT_TRUE(f.token.finished(in));
    for (const auto& c : f.columns) {
      if (c.lines.empty()) continue;
      EXPECT_FALSE(c.lines.back().subhead) << "lead=" << lead;
      for (std::size_t i = 0; i < c.lines.size(); ++i) {
        if (!c.lines[i].subhead || (i > 0 && c.lines[i - 1].subhead)) continue;
        int after = 0;
        for (std::size_t j = i + 1; j < c.lines.size(); ++j) after += !c.lines[j].subhead;
        EXPECT_GE(after, 3) << "lead=" << lead;
      }
    }
    EXPECT_EQ(placed_plus_rest(in, f), story_text(in));
  }
}

// Rule book §6 / T6-2: a subhead block is whole lines, its content centred; the next body line
// is back on the grid.
TEST(Flow, SubheadOccupiesWholeLinesContentCentred) {
  FlowInput in;
  in.paragraphs.push_back(body(han(18)));                        // 2 lines: slots 0, 1
  in.paragraphs.push_back(subhead(U"小标题", sp_from_pt(18)));  // 18 pt: 2 lines
  in.paragraphs.push_back(body(han(38)));
  Flowed f = flow_all(in, {column(0, 0, 20)});
  const auto& L = f.columns[0].lines;
  auto it = std::find_if(L.begin(), L.end(), [](const PlacedLine& l) { return l.subhead; });
  ASSERT_NE(it, L.end());
  EXPECT_EQ(it->slot, 2);
  EXPECT_EQ(it->slots, 2);
  const Sp block_top = kGridTop + 2 * kPitch, block_h = kPitch + kEm;
  EXPECT_EQ(it->em_top, block_top + (block_h - sp_from_pt(18)) / 2);
  EXPECT_EQ(it->origin.y, it->em_top + scale_sp(sp_from_pt(18), 88, 100));
  auto next = std::next(it);
  ASSERT_NE(next, L.end());
  EXPECT_EQ(next->slot, 4);
  EXPECT_EQ(next->origin.y, kGridTop + 4 * kPitch + kAscent);
  // A one-line subhead in the body size still takes two lines (kSubheadMinLines in compose).
  FlowInput small;
  small.paragraphs.push_back(subhead(U"小标题", kEm));
  small.paragraphs.push_back(body(han(38)));
  Flowed g = flow_all(small, {column(0, 0, 20)});
  ASSERT_FALSE(g.columns[0].lines.empty());
  EXPECT_EQ(g.columns[0].lines[0].slots, 2);
  EXPECT_EQ(g.columns[0].lines[0].em_top, kGridTop + kPitch / 2);
  EXPECT_EQ(g.columns[0].lines[1].slot, 2);
}

// Wrap: lines beside a box are shortened on the box's side; every glyph's set box lies inside the
// column and outside the box grown by its offset; slots where less than 4 em remain are skipped.
TEST(Flow, WrapAroundBoxKeepsGlyphsOutOfTheObstacle) {
  FlowInput in = mixed_story();
  FrameGeometry col = column(0, 0, 30, 13);
  const Rect box{8 * kEm, kGridTop + 3 * kPitch, 5 * kEm, 5 * kPitch};  // right side, slots 3–7
  const Rect middle{2 * kEm, kGridTop + 14 * kPitch, 8 * kEm, 2 * kPitch};  // leaves < 4 em: skipped
  const Sp offset = kEm / 2;
  col.obstacles = {box.inflated(offset), middle.inflated(offset)};
  Flowed f = flow_all(in, {col});
  int shortened = 0;
  std::vector<int> used;
  for (const auto& l : f.columns[0].lines) {
    used.push_back(l.slot);
    if (l.line_data.width < col.area.w) ++shortened;
    const auto& sh = l.prepared.shaped();
    for (const auto& g : l.line_data.glyphs) {
      const Sp left = l.origin.x + (g.set_width > 0 ? g.set_x : g.x);
      const Sp w = g.set_width > 0 ? g.set_width : sh.glyphs[g.glyph].advance;
      const Rect glyph{left, l.em_top, w, l.size};
      EXPECT_TRUE(col.area.contains(glyph) || w == 0) << "slot " << l.slot;
      for (const Rect& ob : col.obstacles) EXPECT_FALSE(ob.intersects(glyph)) << "slot " << l.slot;
    }
  }
  EXPECT_GE(shortened, 4);
  EXPECT_EQ(std::count(used.begin(), used.end(), 13), 1) << "slot 13 clears the grown obstacle";
  for (int s : {14, 15, 16}) EXPECT_EQ(std::count(used.begin(), used.end(), s), 0) << "slot " << s;
  EXPECT_EQ(placed_plus_rest(in, f), story_text(in));
}

// A paragraph that continues in a narrower column is re-broken there; the lines already placed
// stay exactly as they were, and no character is lost or repeated. (95 Han at 13 then 9 em:
// total fit would move a placed break to avoid a one-character last line, so the tail is
// re-prepared.)
TEST(Flow, RebreakInNarrowerColumnKeepsPlacedLines) {
  FlowInput in = mixed_story();
  Diagnostics d;
  FlowResult a = flow(in, column(0, 0, 6, 13), BreakToken{}, d);
  FlowResult alone = flow(in, column(0, 0, 6, 13), BreakToken{}, d);
  FlowResult b = flow(in, column(20 * kEm, 0, 30, 9), a.token, d);
  std::ostringstream sa, salone;
  a.fragment.dump(sa);
  alone.fragment.dump(salone);
  EXPECT_EQ(sa.str(), salone.str());
  for (const auto& l : b.fragment.lines) {
    if (!l.subhead) {
      EXPECT_EQ(l.line_data.width, 9 * kEm);
    }
  }
  Flowed f{{a.fragment, b.fragment}, b.token};
  EXPECT_EQ(placed_plus_rest(in, f), story_text(in));
  // With continuation widths given, the first column already breaks for the second one.
  FrameGeometry first = column(0, 0, 6, 13);
  first.continuation = [](int) { return 9 * kEm; };
  FlowResult c = flow(in, first, BreakToken{}, d);
  ASSERT_TRUE(c.token.carried);
  for (std::size_t n = static_cast<std::size_t>(c.token.line); n < c.token.carried->widths.size(); ++n)
    EXPECT_EQ(c.token.carried->widths[n], 9 * kEm);
}

// Balancing: when the story ends in a frame, its columns end at equal depth ±1 line — for every
// story length from short to almost full.
TEST(Flow, BalancedColumnsEndWithinOneLine) {
  for (int n = 20; n <= 520; n += 50) {
    FlowInput in;
    for (int p = 0; p < 4; ++p) in.paragraphs.push_back(body(han(n / 4 + p * 3, p)));
    std::vector<FrameGeometry> cols{column(0, 0, 20), column(11 * kEm, 0, 20), column(22 * kEm, 0, 20)};
    Diagnostics d;
    BalancedResult r = flow_balanced(in, cols, BreakToken{}, d);
    ASSERT_TRUE(r.token.finished(in)) << n;
    EXPECT_TRUE(r.balanced) << n;
    int lo = 1000, hi = 0;
    for (const auto& c : r.columns) {
      lo = std::min(lo, c.depth);
      hi = std::max(hi, c.depth);
    }
    EXPECT_LE(hi - lo, 1) << "n=" << n;
    Flowed f{r.columns, r.token};
    EXPECT_EQ(placed_plus_rest(in, f), story_text(in)) << n;
  }
}

// Overset: the token says where the story stopped and the remainder counts what is left.
TEST(Flow, OversetRemainderCountsLinesAndCharacters) {
  FlowInput in = mixed_story();
  const FrameGeometry col = column(0, 0, 8);
  Flowed f = flow_all(in, {col});
  ASSERT_FALSE(f.token.finished(in));
  std::size_t placed = 0;
  int lines = 0;
  for (const auto& l : f.columns[0].lines) placed += text_of(l).size(), ++lines;
  const Remainder r = remainder(in, col, f.token);
  EXPECT_EQ(placed + r.characters, story_text(in).size());
  // The whole story in one tall column of the same measure takes as many slots as placed+left.
  Flowed tall = flow_all(in, {column(0, 0, 200)});
  EXPECT_EQ(tall.columns[0].depth, f.columns[0].depth + r.lines);
  EXPECT_EQ(placed_plus_rest(in, f), story_text(in));
}

// Reserved slots (jump lines) and the depth limit leave their slots empty.
TEST(Flow, ReservedSlotsStayEmpty) {
  FlowInput in = mixed_story();
  FrameGeometry col = column(0, 0, 10);
  col.reserve_top = 1;
  col.reserve_bottom = 2;
  Flowed f = flow_all(in, {col});
  for (const auto& l : f.columns[0].lines) {
    EXPECT_GE(l.slot, 1);
    EXPECT_LE(l.slot + l.slots, 8);
  }
  const auto slots = column_slots(col);
  ASSERT_EQ(slots.size(), 10u);
  EXPECT_TRUE(slots[0].reserved);
  EXPECT_TRUE(slots[8].reserved && slots[9].reserved);
}

// Without a tail preparer a re-break that would move a placed line is reported, and the old
// lines are kept: nothing is lost.
TEST(Flow, RebreakConflictWithoutTailPreparerIsReported) {
  FlowInput in = mixed_story();
  in.prepare_tail = nullptr;
  Diagnostics d;
  FlowResult a = flow(in, column(0, 0, 6, 13), BreakToken{}, d);
  FlowResult b = flow(in, column(20 * kEm, 0, 30, 9), a.token, d);
  EXPECT_EQ(d.count_code("flow.rebreak-moved-break"), 1u);
  Flowed f{{a.fragment, b.fragment}, b.token};
  EXPECT_EQ(placed_plus_rest(in, f), story_text(in));
}

// 背题 beside an obstacle: a subhead whose first body lines would only resume below a picture
// goes below the picture with them.
TEST(Flow, SubheadIsNotSeparatedFromItsTextByAnObstacle) {
  FlowInput in;
  in.paragraphs.push_back(body(han(38)));  // 4 lines: slots 0–3
  in.paragraphs.push_back(subhead(U"小标题"));
  in.paragraphs.push_back(body(han(60, 3)));
  FrameGeometry col = column(0, 0, 30);
  col.obstacles = {Rect{0, kGridTop + 7 * kPitch, 10 * kEm, 4 * kPitch}};  // blocks slots 7–10
  Flowed f = flow_all(in, {col});
  const auto& L = f.columns[0].lines;
  auto it = std::find_if(L.begin(), L.end(), [](const PlacedLine& l) { return l.subhead; });
  ASSERT_NE(it, L.end());
  EXPECT_EQ(it->slot, 11) << "slots 4–5 would leave the subhead one line before the picture";
  ASSERT_NE(std::next(it), L.end());
  EXPECT_EQ(std::next(it)->slot, 13);
  EXPECT_EQ(placed_plus_rest(in, f), story_text(in));
}
