// linebreak/: the numbered test cases of docs/cjk-layout-rules.md (T1-x … T9-x), with the real
// fonts (role song = Noto Serif CJK SC, 10 pt, so 1 em = 10 pt). Each case asserts the line
// texts and every glyph's set position in em, in the rule book's own notation:
// `X@x` = glyph X set at x em with a 1 em box, `X@x[w]` = set with a w em box (a trimmed or
// compressed mark keeps its ink, loses blank). Lines are separated by ` | `.
//
// Not here (deliberately): T6-2, T6-3, T7-4 are column/grid arithmetic of flow/ and compose/;
// T8-x is vertical text.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <ostream>
#include <string>

#include "engine/base/text.h"
#include "engine/linebreak/linebreak.h"
#include "support/test_fonts.h"
#include "support/test_support.h"

using namespace paiban;

namespace {

using test::fonts;

constexpr double kPt = 10.0;  // body size of these tests: 1 em = 10 pt

struct Result {
  PreparedParagraph p;
  LineSet lines;
  Diagnostics diags;
  BreakTrace trace;
};

using Tweak = std::function<void(ParagraphStyle&)>;

Result set(const std::string& text, double measure_em, const Tweak& tweak = {}) {
  Result r;
  ParagraphStyle st;
  st.text.size = sp_from_pt(kPt);
  if (tweak) tweak(st);
  r.p = prepare_paragraph(fonts(), *decode_utf8(text), st, r.diags);
  const Sp w = sp_from_pt(measure_em * kPt);
  r.lines = linebreak(r.p, [w](int) { return w; }, r.diags, &r.trace);
  return r;
}

std::string em(Sp v) {
  char buf[32];
  // Rounded half away from zero to 0.001 em (0.01 pt): 1.0625 → 1.063.
  const double milli = std::round(pt_from_sp(v) / kPt * 1000.0);
  std::snprintf(buf, sizeof buf, "%.3f", milli / 1000.0);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// The text of each glyph cluster of a line (—— may be one ligature glyph).
std::string cluster_text(const Result& r, const Line& l, std::size_t k) {
  const auto& sh = r.p.shaped();
  const std::uint32_t c = sh.glyphs[l.glyphs[k].glyph].cluster;
  std::uint32_t end = l.end;
  for (std::size_t j = k + 1; j < l.glyphs.size(); ++j)
    if (sh.glyphs[l.glyphs[j].glyph].cluster != c) { end = sh.glyphs[l.glyphs[j].glyph].cluster; break; }
  return encode_utf8(std::u32string_view(r.p.text()).substr(c, end - c));
}

// `甲@0 乙@1.125 ，@2[0.5] | 子@0`: set_x and (when not 1 em) set width of every visible glyph.
std::string layout(const Result& r) {
  std::string out;
  const Sp one = sp_from_pt(kPt);
  for (std::size_t i = 0; i < r.lines.lines.size(); ++i) {
    const Line& l = r.lines.lines[i];
    if (i) out += " |";
    for (std::size_t k = 0; k < l.glyphs.size(); ++k) {
      const std::string t = cluster_text(r, l, k);
      if (t == " ") continue;
      if (k > 0 && r.p.shaped().glyphs[l.glyphs[k].glyph].cluster == r.p.shaped().glyphs[l.glyphs[k - 1].glyph].cluster)
        continue;
      out += ' ';
      out += t;
      out += '@';
      out += em(l.glyphs[k].set_x);
      const Sp w = l.glyphs[k].set_width;
      if (std::llabs(w - one) > one / 1000 && !(t.size() > 3 && std::llabs(w - 2 * one) <= one / 1000)) {
        out += '[';
        out += em(w);
        out += ']';
      }
    }
  }
  return out.empty() ? out : out.substr(1);
}

// `甲乙丙|丁戊`: the line texts.
std::string texts(const Result& r) {
  std::string out;
  for (std::size_t i = 0; i < r.lines.lines.size(); ++i) {
    const Line& l = r.lines.lines[i];
    if (i) out += "|";
    out += encode_utf8(std::u32string_view(r.p.text()).substr(l.begin, l.end - l.begin));
  }
  return out;
}

// Right edge of a line's last visible glyph box.
Sp right_edge(const Line& l) {
  Sp e = 0;
  for (const LineGlyph& g : l.glyphs)
    if (g.set_width > 0) e = std::max(e, g.set_x + g.set_width);
  return e;
}

// Every justified (non-last) line ends exactly on the measure, and nothing was reported.
void expect_clean(const Result& r) {
  for (const Line& l : r.lines.lines) {
    if (!l.last && !l.hard_break) {
      EXPECT_NEAR(pt_from_sp(right_edge(l)), pt_from_sp(l.width), 0.01) << texts(r);
    }
    EXPECT_FALSE(l.emergency || l.overfull || l.loose) << texts(r);
  }
  EXPECT_FALSE(r.diags.has_errors());
  EXPECT_EQ(r.diags.count(Severity::Warning), 0u);
}

struct Case {
  const char* id;
  const char* text;
  double measure;
  KinsokuLevel level;
  const char* lines;
  const char* glyphs;  // nullptr: only the line texts are asserted
};

using K = KinsokuLevel;

void PrintTo(const Case& c, std::ostream* os) { *os << c.id << ": " << c.text; }

const Case kCases[] = {
    // §2 push-out: line 1 has no shrink, so 癸 moves down; glyph i at x = 1.125·i.
    {"T2-1", "甲乙丙丁戊己庚辛壬癸，子丑寅", 10, K::Gb, "甲乙丙丁戊己庚辛壬|癸，子丑寅",
     "甲@0 乙@1.125 丙@2.25 丁@3.375 戊@4.5 己@5.625 庚@6.75 辛@7.875 壬@9 | 癸@0 ，@1 子@2 丑@3 寅@4"},
    // §2 push-in: 2 + 0.5 + 7 + 0.5 = 10; the push-out result …庚辛|壬。子丑 must not appear.
    {"T2-2", "甲乙，丙丁戊己庚辛壬。子丑", 10, K::Gb, "甲乙，丙丁戊己庚辛壬。|子丑",
     "甲@0 乙@1 ，@2[0.5] 丙@2.5 丁@3.5 戊@4.5 己@5.5 庚@6.5 辛@7.5 壬@8.5 。@9.5[0.5] | 子@0 丑@1"},
    // “ may not end line 1, “子” needs 11 em; the wrapped “ loses its left blank.
    {"T2-3", "甲乙丙丁戊己庚辛壬“子”丑", 10, K::Gb, "甲乙丙丁戊己庚辛壬|“子”丑",
     "甲@0 乙@1.125 丙@2.25 丁@3.375 戊@4.5 己@5.625 庚@6.75 辛@7.875 壬@9 | “@0[0.5] 子@0.5 ”@1.5 丑@2.5"},
    {"T2-4 gb", "甲乙丙丁戊己庚辛壬——子丑", 10, K::Gb, "甲乙丙丁戊己庚辛壬|——子丑",
     "甲@0 乙@1.125 丙@2.25 丁@3.375 戊@4.5 己@5.625 庚@6.75 辛@7.875 壬@9 | ——@0 子@2 丑@3"},
    // strict: DASH2 may not start a line; line 1 gaps 2/7 em each.
    {"T2-4 strict", "甲乙丙丁戊己庚辛壬——子丑", 10, K::Strict, "甲乙丙丁戊己庚辛|壬——子丑",
     "甲@0 乙@1.286 丙@2.571 丁@3.857 戊@5.143 己@6.429 庚@7.714 辛@9 | 壬@0 ——@1 子@3 丑@4"},
    {"T2-5 gb", "甲乙丙丁戊己庚辛壬……子丑", 10, K::Gb, "甲乙丙丁戊己庚辛|壬……子丑", nullptr},
    {"T2-5 strict", "甲乙丙丁戊己庚辛壬……子丑", 10, K::Strict, "甲乙丙丁戊己庚辛|壬……子丑", nullptr},
    {"T2-5 loose", "甲乙丙丁戊己庚辛壬……子丑", 10, K::Loose, "甲乙丙丁戊己庚辛|壬……子丑", nullptr},
    // basic (CLREQ literal): a tailored break before …….
    {"T2-5 basic", "甲乙丙丁戊己庚辛壬……子丑", 10, K::Basic, "甲乙丙丁戊己庚辛壬|……子丑",
     "甲@0 乙@1.125 丙@2.25 丁@3.375 戊@4.5 己@5.625 庚@6.75 辛@7.875 壬@9 | …@0 …@1 子@2 丑@3"},
    // · is 0.5 em (GB) and may not start a line.
    {"T2-6", "甲乙比尔·盖茨", 5, K::Gb, "甲乙比尔·|盖茨", "甲@0 乙@1.125 比@2.25 尔@3.375 ·@4.5[0.5] | 盖@0 茨@1"},
    // gb: push-in would need 5.5 em; loose lets ？ start a line.
    {"T2-7 gb", "甲乙丙丁戊？子丑", 5, K::Gb, "甲乙丙丁|戊？子丑", nullptr},
    {"T2-7 loose", "甲乙丙丁戊？子丑", 5, K::Loose, "甲乙丙丁戊|？子丑", "甲@0 乙@1 丙@2 丁@3 戊@4 | ？@0 子@1 丑@2"},
    // §3.3 adjacent punctuation, mid-line between 甲 and 乙.
    {"T3-1 ，“", "甲，“乙", 20, K::Gb, "甲，“乙", "甲@0 ，@1 “@2[0.5] 乙@2.5"},
    {"T3-1 ：“", "甲：“乙", 20, K::Gb, "甲：“乙", "甲@0 ：@1 “@2[0.5] 乙@2.5"},
    {"T3-1 。”", "甲。”乙", 20, K::Gb, "甲。”乙", "甲@0 。@1[0.5] ”@1.5 乙@2.5"},
    {"T3-1 ）（", "甲）（乙", 20, K::Gb, "甲）（乙", "甲@0 ）@1 （@2[0.5] 乙@2.5"},
    {"T3-2 （（", "甲（（乙", 20, K::Gb, "甲（（乙", "甲@0 （@1 （@2[0.5] 乙@2.5"},
    {"T3-2 ））", "甲））乙", 20, K::Gb, "甲））乙", "甲@0 ）@1[0.5] ）@1.5 乙@2.5"},
    {"T3-2 。”）", "甲。”）乙", 20, K::Gb, "甲。”）乙", "甲@0 。@1[0.5] ”@1.5[0.5] ）@2 乙@3"},
    {"T3-2 ？！", "甲？！乙", 20, K::Gb, "甲？！乙", "甲@0 ？@1[0.5] ！@1.5[0.5] 乙@2"},
    {"T3-2 ！！！", "甲！！！乙", 20, K::Gb, "甲！！！乙", "甲@0 ！@1[0.5] ！@1.5[0.5] ！@2 乙@3"},
    // §3.4 line end: 。 trimmed to 0.5, the 0.5 em spread over the 8 Han–Han gaps, none before 。.
    {"T3-3", "甲乙丙丁戊己庚辛壬。子丑", 10, K::Gb, "甲乙丙丁戊己庚辛壬。|子丑",
     "甲@0 乙@1.063 丙@2.125 丁@3.188 戊@4.25 己@5.313 庚@6.375 辛@7.438 壬@8.5 。@9.5[0.5] | 子@0 丑@1"},
    // §4.2 shrink order: brackets (priority 4) give 0.25 em each, the comma (5) is untouched.
    {"T4-3", "甲“乙”丙，丁戊己辛。子丑", 10, K::Gb, "甲“乙”丙，丁戊己辛。|子丑",
     "甲@0 “@1[0.75] 乙@1.75 ”@2.75[0.75] 丙@3.5 ，@4.5 丁@5.5 戊@6.5 己@7.5 辛@8.5 。@9.5[0.5] | 子@0 丑@1"},
    // §7 orphan by push-out: not 10 Han | X。
    {"T7-2", "甲乙丙丁戊己庚辛壬癸子。", 10, K::Gb, "甲乙丙丁戊己庚辛壬|癸子。",
     "甲@0 乙@1.125 丙@2.25 丁@3.375 戊@4.5 己@5.625 庚@6.75 辛@7.875 壬@9 | 癸@0 子@1 。@2[0.5]"},
    // §7 orphan by compression: one line of exactly 8 em instead of …丁戊|己。
    {"T7-3", "甲，乙，丙，丁戊己。", 8, K::Gb, "甲，乙，丙，丁戊己。",
     "甲@0 ，@1[0.5] 乙@1.5 ，@2.5[0.5] 丙@3 ，@4[0.5] 丁@4.5 戊@5.5 己@6.5 。@7.5[0.5]"},
};

class RuleBook : public ::testing::TestWithParam<Case> {};

TEST_P(RuleBook, LinesAndGlyphPositions) {
  const Case& c = GetParam();
  const Result r = set(c.text, c.measure, [&](ParagraphStyle& s) { s.kinsoku = c.level; });
  EXPECT_EQ(texts(r), c.lines) << c.id << "\n" << r.trace.text;
  if (c.glyphs) {
    EXPECT_EQ(layout(r), c.glyphs) << c.id;
  }
  expect_clean(r);
}

INSTANTIATE_TEST_SUITE_P(Cases, RuleBook, ::testing::ValuesIn(kCases), [](const auto& info) {
  std::string n;
  for (const char* p = info.param.id; *p; ++p) {
    const unsigned char ch = static_cast<unsigned char>(*p);
    if (std::isalnum(ch)) n += *p;
    else if (ch < 0x80) n += '_';
  }
  return n + "_" + std::to_string(info.index);
});

}  // namespace

// T1-1: the comma's glyph position is read from its ink box: GB (zh-Hans locl) corner-set with
// a blank right half; zh-Hant (ZHT locl, same Noto face) centred with ¼ em blank each side.
TEST(RuleBookT1, T1_1_CommaPositionFromFont) {
  const Result gb = set("甲，乙", 10);
  const PunctGlyph g = gb.p.punct_glyph(1);
  EXPECT_EQ(g.fit, PunctFit::BlankRight);
  EXPECT_EQ(g.blank_right, sp_from_pt(kPt) / 2);
  const Result tw = set("甲，乙", 10, [](ParagraphStyle& s) { s.text.language = "zh-Hant"; });
  const PunctGlyph t = tw.p.punct_glyph(1);
  EXPECT_EQ(t.fit, PunctFit::Centred);
  EXPECT_EQ(t.blank_left, sp_from_pt(kPt) / 4);
  EXPECT_EQ(t.blank_right, sp_from_pt(kPt) / 4);
  // A centred mark is never trimmed (§3.4): it keeps its full em at the line end.
  EXPECT_EQ(layout(set("甲乙，", 10, [](ParagraphStyle& s) { s.text.language = "zh-Hant"; })), "甲@0 乙@1 ，@2");
}

// T1-2: “” in Chinese are OPEN/CLOSE (full-width glyph, trimmed); in a Latin run they are Latin
// punctuation and never trimmed. With a Japanese locl the glyph is proportional (0.46 em), so the
// same marks fall back to Latin by the glyph-width test of §1 rule 1.
TEST(RuleBookT1, T1_2_QuotesChineseOrLatin) {
  const Result zh = set("他说“Hi”", 20);
  EXPECT_EQ(zh.p.chars()[2].cls, CharClass::Open);
  EXPECT_EQ(zh.p.chars()[2].side, Side::Cjk);
  EXPECT_EQ(zh.p.punct_glyph(2).fit, PunctFit::BlankLeft);
  EXPECT_EQ(zh.p.punct_glyph(5).fit, PunctFit::BlankRight);
  // The closing mark ends the paragraph: trimmed to its ink half.
  EXPECT_EQ(em(zh.lines.lines[0].glyphs.back().set_width), "0.5");

  const Result en = set("He said “Hi”", 20);
  EXPECT_EQ(en.p.chars()[8].side, Side::Latin);
  EXPECT_EQ(en.p.punct_glyph(8).fit, PunctFit::Fixed);
  EXPECT_EQ(en.p.punct_glyph(11).fit, PunctFit::Fixed);
  const LineGlyph& close = en.lines.lines[0].glyphs.back();
  EXPECT_EQ(close.set_width, en.p.shaped().glyphs[close.glyph].advance);  // untrimmed

  const Result ja = set("他说“Hi”", 20, [](ParagraphStyle& s) { s.text.language = "ja"; });
  EXPECT_LT(ja.p.shaped().glyphs[2].advance, sp_from_pt(kPt) * 99 / 100);
  EXPECT_EQ(ja.p.chars()[2].side, Side::Latin);
  EXPECT_EQ(ja.p.punct_glyph(2).fit, PunctFit::Fixed);
}

// T3-2, profile cns: marks are never adjusted, 。」 → 。[1] 」[1].
TEST(RuleBookT3, T3_2_CnsNoAdjustment) {
  const Result r = set("甲。」乙", 20, [](ParagraphStyle& s) { s.punct = PunctStyle::Cns; });
  EXPECT_EQ(layout(r), "甲@0 。@1 」@2 乙@3");
}

// T3-3 with line_end_trim = none: 。 keeps its full em, line 1 is exactly 10 em, no expansion.
TEST(RuleBookT3, T3_3_NoLineEndTrim) {
  const Result r = set("甲乙丙丁戊己庚辛壬。子丑", 10, [](ParagraphStyle& s) { s.line_end_trim = LineEndTrim::None; });
  EXPECT_EQ(texts(r), "甲乙丙丁戊己庚辛壬。|子丑");
  EXPECT_EQ(layout(r), "甲@0 乙@1 丙@2 丁@3 戊@4 己@5 庚@6 辛@7 壬@8 。@9 | 子@0 丑@1");
  EXPECT_DOUBLE_EQ(r.lines.lines[0].ratio, 0.0);
}

// T3-4: an opening mark after the paragraph indent keeps its blank (space-first) or loses it
// (trim-start); on a wrapped line it is trimmed in both. x = pen position, set = box.
TEST(RuleBookT3, T3_4_LineStartOpeningMark) {
  const Sp em1 = sp_from_pt(kPt);
  const Result sf = set("“甲乙”丙", 10, [&](ParagraphStyle& s) { s.first_indent = 2 * em1; });
  const LineGlyph& q = sf.lines.lines[0].glyphs[0];
  EXPECT_EQ(em(q.x), "2");  // box at 2.0, advance 1: ink starts at 2.5
  EXPECT_EQ(em(q.set_x), "2");
  EXPECT_EQ(em(q.set_width), "1");
  const Result ts = set("“甲乙”丙", 10, [&](ParagraphStyle& s) {
    s.first_indent = 2 * em1;
    s.line_start_trim = LineStartTrim::TrimStart;
  });
  const LineGlyph& t = ts.lines.lines[0].glyphs[0];
  EXPECT_EQ(em(t.set_x), "2");  // “[0.5] at 2.0: its ink is flush with the indent
  EXPECT_EQ(em(t.set_width), "0.5");
  EXPECT_EQ(em(t.x), "1.5");
  for (auto start : {LineStartTrim::SpaceFirst, LineStartTrim::TrimStart}) {
    const Result w = set("甲乙丙丁戊己庚辛壬（子）丑", 10, [&](ParagraphStyle& s) { s.line_start_trim = start; });
    ASSERT_EQ(texts(w), "甲乙丙丁戊己庚辛壬|（子）丑");
    const LineGlyph& o = w.lines.lines[1].glyphs[0];
    EXPECT_EQ(em(o.set_x), "0");
    EXPECT_EQ(em(o.set_width), "0.5");
    EXPECT_EQ(em(o.x), "-0.5");
  }
}

// T3-5 (our form): trimming is synthesised from advances, no `halt` needed: a comma ending a
// line is set 0.5 em wide while its glyph (and ink) stays where the font put it.
TEST(RuleBookT3, T3_5_SynthesisedHalfWidth) {
  const Result r = set("甲乙丙丁戊己庚辛壬，子丑", 9.5);
  ASSERT_EQ(texts(r), "甲乙丙丁戊己庚辛壬，|子丑");
  const LineGlyph& c = r.lines.lines[0].glyphs.back();
  EXPECT_EQ(em(c.set_width), "0.5");
  EXPECT_EQ(c.x, c.set_x);
  EXPECT_EQ(em(c.set_x + c.set_width), "9.5");
}

// T4-1: the last line is not justified.
TEST(RuleBookT4, T4_1_LastLineNatural) {
  const Result r = set("甲乙丙", 10);
  EXPECT_EQ(layout(r), "甲@0 乙@1 丙@2");
  EXPECT_EQ(em(r.lines.lines[0].natural), "3");
}

// T4-2: stretch order with Latin. The rule book assumes W(Web) = 1.6 em; the measure is moved
// by the real width so the same amounts arise: autospaces 0.25 → 0.5 (step 2), then 0.4 em over
// the five Han–Han gaps = 0.08 each (step 3); the letters keep their advances.
TEST(RuleBookT4, T4_2_StretchOrderWithLatin) {
  const Result probe = set("Web", 20);
  Sp web = 0;
  for (const auto& g : probe.p.shaped().glyphs) web += g.advance;
  const double w_em = pt_from_sp(web) / kPt;
  const double measure = 10 + (w_em - 1.6);
  const Result r = set("甲乙丙丁Web戊己庚——子丑", measure);
  ASSERT_EQ(texts(r), "甲乙丙丁Web戊己庚|——子丑");
  const Line& l = r.lines.lines[0];
  auto x = [&](std::size_t k) { return pt_from_sp(l.glyphs[k].set_x) / kPt; };
  EXPECT_NEAR(x(1) - x(0), 1.08, 1e-3);
  EXPECT_NEAR(x(2) - x(1), 1.08, 1e-3);
  EXPECT_NEAR(x(3) - x(2), 1.08, 1e-3);
  EXPECT_NEAR(x(4) - (x(3) + 1), 0.5, 1e-3);   // 丁|W autospace
  const auto& sh = r.p.shaped().glyphs;
  EXPECT_NEAR(x(5) - x(4), pt_from_sp(sh[l.glyphs[4].glyph].advance) / kPt, 1e-3);  // W|e untouched
  EXPECT_NEAR(x(7) - (x(6) + pt_from_sp(sh[l.glyphs[6].glyph].advance) / kPt), 0.5, 1e-3);  // b|戊
  EXPECT_NEAR(x(8) - x(7), 1.08, 1e-3);
  EXPECT_NEAR(x(9) - x(8), 1.08, 1e-3);
  EXPECT_NEAR(pt_from_sp(right_edge(l)), pt_from_sp(l.width), 0.01);
}

// T5-1 / T5-2: ¼ em CJK–Latin autospace, none next to CJK punctuation.
TEST(RuleBookT5, T5_1_T5_2_Autospace) {
  const Result a = set("使用C++语言", 20);
  const Line& l = a.lines.lines[0];
  const auto& sh = a.p.shaped().glyphs;
  auto x = [&](std::size_t k) { return pt_from_sp(l.glyphs[k].set_x) / kPt; };
  auto adv = [&](std::size_t k) { return pt_from_sp(sh[l.glyphs[k].glyph].advance) / kPt; };
  EXPECT_NEAR(x(2) - (x(1) + 1), 0.25, 1e-3);       // 用|C
  EXPECT_NEAR(x(5) - (x(4) + adv(4)), 0.25, 1e-3);  // +|语
  const Result b = set("第4章", 20);
  const Line& m = b.lines.lines[0];
  EXPECT_EQ(em(m.glyphs[1].set_x), "1.25");
  EXPECT_NEAR(pt_from_sp(m.glyphs[2].set_x - m.glyphs[1].set_x - b.p.shaped().glyphs[m.glyphs[1].glyph].advance) / kPt,
              0.25, 1e-3);
  const Result c = set("（C++）", 20);
  EXPECT_EQ(em(c.lines.lines[0].glyphs[1].set_x), "1");  // （|C: none
  const Result d = set("C++，乙", 20);
  const Line& n = d.lines.lines[0];
  Sp latin = 0;
  for (int k = 0; k < 3; ++k) latin += d.p.shaped().glyphs[n.glyphs[k].glyph].advance;
  EXPECT_EQ(n.glyphs[3].set_x, latin);  // +|，: none
}

// T5-3: no trailing autospace at the line end, none at the start of the next line.
TEST(RuleBookT5, T5_3_AutospaceRemovedAtBreak) {
  const Result r = set("甲乙丙丁API子丑", 4);
  EXPECT_EQ(texts(r), "甲乙丙丁|API子丑");
  EXPECT_EQ(em(right_edge(r.lines.lines[0])), "4");
  EXPECT_EQ(em(r.lines.lines[1].glyphs[0].set_x), "0");
  expect_clean(r);
}

// T5-4: one U+0020 between Han and Latin becomes the autospace (one gap, never two).
TEST(RuleBookT5, T5_4_SpaceReplacedByAutospace) {
  const Result r = set("使用 C++", 20);
  const Line& l = r.lines.lines[0];
  Sp c_x = 0;
  for (std::size_t k = 0; k < l.glyphs.size(); ++k)
    if (r.p.text()[r.p.shaped().glyphs[l.glyphs[k].glyph].cluster] == U'C') c_x = l.glyphs[k].set_x;
  EXPECT_EQ(em(c_x - l.glyphs[1].set_x - sp_from_pt(kPt)), "0.25");
}

// T5-5: Latin words, numbers with separators and affixes are never split; 2024|年 is legal.
TEST(RuleBookT5, T5_5_UnbreakableUnits) {
  const Result r = set("甲乙丙丁戊Web己", 6);
  EXPECT_EQ(texts(r), "甲乙丙丁戊|Web己");
  expect_clean(r);
  for (const char* s : {"甲乙丙丁戊3.14己", "甲乙丙丁戊30%己", "甲乙丙丁戊￥100己", "甲乙丙丁戊2024己"}) {
    const Result n = set(s, 6);
    const std::string t = texts(n);
    EXPECT_EQ(t.substr(0, t.find('|')), "甲乙丙丁戊") << s;
  }
  EXPECT_EQ(texts(set("甲乙丙丁2024年子丑寅", 6.5)), "甲乙丙丁2024|年子丑寅");
}

// T6-1: 9 pt body, 13 em measure, 2 em indent, 26 Han: 11 | 13 | 2, every x a multiple of 9 pt.
TEST(RuleBookT6, T6_1_CharacterGrid) {
  Diagnostics d;
  ParagraphStyle st;
  st.text.size = sp_from_pt(9);
  st.first_indent = sp_from_pt(18);
  const std::u32string text = U"甲乙丙丁戊己庚辛壬癸子丑寅甲乙丙丁戊己庚辛壬癸子丑寅";
  const PreparedParagraph p = prepare_paragraph(fonts(), text, st, d);
  const Sp w = sp_from_pt(117);
  const LineSet ls = linebreak(p, [=](int) { return w; }, d);
  ASSERT_EQ(ls.lines.size(), 3u);
  EXPECT_EQ(ls.lines[0].glyphs.size(), 11u);
  EXPECT_EQ(ls.lines[1].glyphs.size(), 13u);
  EXPECT_EQ(ls.lines[2].glyphs.size(), 2u);
  for (std::size_t k = 0; k < 11; ++k) EXPECT_EQ(ls.lines[0].glyphs[k].x, sp_from_pt(18 + 9.0 * k));
  for (const Line& l : ls.lines)
    for (const LineGlyph& g : l.glyphs) EXPECT_EQ(g.x % sp_from_pt(9), 0);
}

// T7-1: two paragraphs of 15 Han, measure 10, indent 2 → 8 | 7 each (the pitch is flow's).
TEST(RuleBookT7, T7_1_Indent) {
  for (int i = 0; i < 2; ++i) {
    const Result r = set("甲乙丙丁戊己庚辛壬癸子丑寅卯辰", 10, [](ParagraphStyle& s) { s.first_indent = sp_from_pt(2 * kPt); });
    EXPECT_EQ(texts(r), "甲乙丙丁戊己庚辛|壬癸子丑寅卯辰");
    EXPECT_EQ(em(r.lines.lines[0].glyphs[0].x), "2");
  }
}

// T7-5 hanging = allow-end: the comma hangs past the measure instead of pushing 癸 down;
// the line's content is exactly 10 em and the comma's ink lies outside.
TEST(RuleBookT7, T7_5_HangingPunctuation) {
  const Result r = set("甲乙丙丁戊己庚辛壬癸，子丑寅", 10, [](ParagraphStyle& s) { s.hanging = true; });
  EXPECT_EQ(texts(r), "甲乙丙丁戊己庚辛壬癸，|子丑寅");
  EXPECT_EQ(layout(r), "甲@0 乙@1 丙@2 丁@3 戊@4 己@5 庚@6 辛@7 壬@8 癸@9 ，@10[0.5] | 子@0 丑@1 寅@2");
  EXPECT_TRUE(r.lines.lines[0].hanging);
  EXPECT_FALSE(r.lines.lines[0].overfull);
  EXPECT_EQ(r.diags.count(Severity::Warning), 0u);
  // Only when it would not fit otherwise (allow-end), and never after another mark.
  const Result fits = set("甲乙丙丁戊己庚辛壬，子丑寅", 10, [](ParagraphStyle& s) { s.hanging = true; });
  EXPECT_FALSE(fits.lines.lines[0].hanging);
  const Result pair = set("甲乙丙丁戊己庚辛壬”，子丑寅", 10, [](ParagraphStyle& s) { s.hanging = true; });
  for (const Line& l : pair.lines.lines) EXPECT_FALSE(l.hanging);
}

// T9-2: total fit reproduces T2-2 / T7-2 / T7-3 (above); for 21 Han + 。 at measure 10 it
// avoids first-fit's 10 | 10 | X。: three lines, the last with ≥ 2 Han, exactly one of lines 1–2
// holding 9 Han with 0.125 em gaps.
TEST(RuleBookT9, T9_2_TotalFitAvoidsOrphan) {
  const Result r = set("甲乙丙丁戊己庚辛壬癸子丑寅甲乙丙丁戊己庚辛。", 10);
  ASSERT_EQ(r.lines.lines.size(), 3u);
  const auto n0 = r.lines.lines[0].end - r.lines.lines[0].begin;
  const auto n1 = r.lines.lines[1].end - r.lines.lines[1].begin;
  const auto n2 = r.lines.lines[2].end - r.lines.lines[2].begin;
  EXPECT_GE(n2, 3u);  // ≥ 2 Han + 。
  EXPECT_TRUE((n0 == 9 && n1 == 10) || (n0 == 10 && n1 == 9)) << texts(r);
  const Line& nine = n0 == 9 ? r.lines.lines[0] : r.lines.lines[1];
  for (std::size_t k = 1; k < nine.glyphs.size(); ++k)
    EXPECT_EQ(em(nine.glyphs[k].x - nine.glyphs[k - 1].x), "1.125");
  expect_clean(r);
}
