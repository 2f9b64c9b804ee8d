// linebreak/: engine behaviour beyond the rule book's numbered cases — the whole corpus under
// the kinsoku/width/orphan invariants, the character grid, the active-node bound of T9-3,
// per-line widths, alignment, tracking, the relaxed and emergency passes, dumps and traces.
// Real fonts (role song, 9 pt newspaper body unless said otherwise).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "engine/linebreak/linebreak.h"
#include "support/test_fonts.h"
#include "support/test_support.h"

using namespace paiban;

namespace {

using test::fonts;

ParagraphStyle body(double pt = 9, double indent_em = 2) {
  ParagraphStyle st;
  st.text.size = sp_from_pt(pt);
  st.first_indent = sp_from_pt(pt * indent_em);
  return st;
}

LineWidths constant(Sp w) {
  return [w](int) { return w; };
}

Sp right_edge(const Line& l) {
  Sp e = 0;
  for (const LineGlyph& g : l.glyphs)
    if (g.set_width > 0) e = std::max(e, g.set_x + g.set_width);
  return e;
}

std::string line_text(const PreparedParagraph& p, const Line& l) {
  return encode_utf8(std::u32string_view(p.text()).substr(l.begin, l.end - l.begin));
}

std::string texts(const PreparedParagraph& p, const LineSet& ls) {
  std::string out;
  for (std::size_t i = 0; i < ls.lines.size(); ++i) {
    if (i) out += '|';
    out += line_text(p, ls.lines[i]);
  }
  return out;
}

std::vector<std::u32string> corpus_paragraphs(const char* file) {
  std::vector<std::u32string> out;
  std::istringstream in(test::read_file(test::corpus_path(file)));
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(*decode_utf8(line));
  return out;
}

bool ascii_graph(char32_t c) { return c > 0x20 && c < 0x7F; }

// Units of rule book §0 (orphan_min), counted independently of the engine: Han characters and
// maximal runs of ASCII letters/digits.
int units(std::u32string_view t) {
  int n = 0;
  bool in_word = false;
  for (char32_t c : t) {
    const bool alnum = c < 0x80 && std::isalnum(static_cast<int>(c));
    if (is_cjk_ideograph(c)) n++;
    if (alnum && !in_word) n++;
    in_word = alnum;
  }
  return n;
}

struct CorpusStats {
  std::size_t lines = 0, paragraphs = 0;
};

// Every invariant of the brief on one prepared paragraph at one measure.
void check_paragraph(const PreparedParagraph& p, Sp measure, CorpusStats& stats) {
  Diagnostics d;
  const LineSet ls = linebreak(p, constant(measure), d);
  const std::u32string& t = p.text();
  const auto& chars = p.chars();
  ASSERT_FALSE(ls.lines.empty());
  stats.lines += ls.lines.size();
  stats.paragraphs++;
  EXPECT_EQ(d.all().size(), 0u) << encode_utf8(t);
  // Lines tile the text; every glyph is set exactly once.
  std::vector<int> seen(p.shaped().glyphs.size(), 0);
  std::uint32_t pos = 0;
  for (const Line& l : ls.lines) {
    EXPECT_EQ(l.begin, pos);
    pos = l.end;
    for (const LineGlyph& g : l.glyphs) seen[g.glyph]++;
  }
  EXPECT_EQ(pos, t.size());
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; })) << encode_utf8(t);
  for (std::size_t i = 0; i < ls.lines.size(); ++i) {
    const Line& l = ls.lines[i];
    const std::string where = "line " + std::to_string(i) + " |" + line_text(p, l) + "| of " + encode_utf8(t.substr(0, 20));
    EXPECT_FALSE(l.emergency || l.overfull || l.loose) << where;
    if (i > 0) {
      EXPECT_FALSE(not_start(chars[l.begin].cls, KinsokuLevel::Gb)) << "starts with NOT_START: " << where;
    }
    if (!l.last) {
      std::uint32_t e = l.end;
      while (e > l.begin && chars[e - 1].cls == CharClass::Space) --e;
      EXPECT_FALSE(not_end(chars[e - 1].cls, KinsokuLevel::Gb)) << "ends with NOT_END: " << where;
      const char32_t a = t[l.end - 1], b = t[l.end];
      EXPECT_FALSE(ascii_graph(a) && ascii_graph(b)) << "splits a Latin word or number: " << where;
      EXPECT_FALSE(a == U'—' && b == U'—') << "splits ——: " << where;
      EXPECT_FALSE(a == U'…' && b == U'…') << "splits ……: " << where;
      EXPECT_NEAR(pt_from_sp(right_edge(l)), pt_from_sp(measure), 0.1) << "not justified: " << where;
      EXPECT_EQ(right_edge(l), measure) << "not exact in sp: " << where;
    } else if (ls.lines.size() > 1) {
      EXPECT_GE(units(std::u32string_view(t).substr(l.begin, l.end - l.begin)), 2) << "孤字: " << where;
      EXPECT_LE(right_edge(l), measure) << where;
    }
  }
}

}  // namespace

// The whole 16-page edition (one paragraph per non-empty line), 9 pt, 2 em indent, at the
// newspaper measure 13 em and at 20 em: no kinsoku violation, no split unit, every justified line
// exactly on the measure, no 孤字, nothing reported. Prints the line count.
TEST(LinebreakCorpus, Edition16pAt13And20Em) {
  const auto paras = corpus_paragraphs("edition-16p.txt");
  ASSERT_GT(paras.size(), 500u);
  CorpusStats s13, s20;
  for (const auto& text : paras) {
    Diagnostics d;
    const PreparedParagraph p = prepare_paragraph(fonts(), text, body(), d);
    EXPECT_FALSE(d.has_errors());
    check_paragraph(p, sp_from_pt(9 * 13), s13);
    check_paragraph(p, sp_from_pt(9 * 20), s20);
  }
  std::cout << "[ corpus   ] edition-16p.txt: " << s13.paragraphs << " paragraphs, " << s13.lines
            << " lines at 13 em, " << s20.lines << " lines at 20 em\n";
  RecordProperty("lines_13em", static_cast<int>(s13.lines));
  RecordProperty("lines_20em", static_cast<int>(s20.lines));
  EXPECT_GT(s13.lines, s20.lines);
}

// Grid (rule book §6): in a pure-CJK paragraph character n of every full line sits at n em (the
// first line shifted by the 2 em indent), to the sp.
TEST(LinebreakGrid, PureHanParagraphOnTheGrid) {
  std::u32string han;
  for (const auto& p : corpus_paragraphs("edition-16p.txt"))
    for (char32_t c : p)
      if (is_cjk_ideograph(c) && han.size() < 11 + 13 * 30 + 5) han += c;
  Diagnostics d;
  const PreparedParagraph p = prepare_paragraph(fonts(), han, body(), d);
  const Sp em = sp_from_pt(9);
  const LineSet ls = linebreak(p, constant(13 * em), d);
  ASSERT_EQ(ls.lines.size(), 32u);
  for (std::size_t i = 0; i < ls.lines.size(); ++i) {
    const Line& l = ls.lines[i];
    if (!l.last) {
      EXPECT_EQ(l.glyphs.size(), i == 0 ? 11u : 13u);
    }
    for (std::size_t k = 0; k < l.glyphs.size(); ++k)
      EXPECT_EQ(l.glyphs[k].x, static_cast<Sp>(k + (i == 0 ? 2 : 0)) * em) << "line " << i << " glyph " << k;
  }
}

namespace {
std::u32string long_paragraph(std::size_t n) {
  std::u32string out;
  const auto paras = corpus_paragraphs("edition-16p.txt");
  for (std::size_t i = 0; out.size() < n; i = (i + 1) % paras.size()) out += paras[i];
  out.resize(n);
  return out;
}
}  // namespace

// T9-3: a 20 000-character paragraph at 13 em keeps ≤ 2·13 + 2 active nodes, and the work
// (line measurements) of a paragraph twice as long is twice as much: linear, no timing involved.
TEST(LinebreakComplexity, T9_3_ActiveNodesBoundedWorkLinear) {
  Diagnostics d;
  const Sp measure = sp_from_pt(9 * 13);
  const PreparedParagraph p20 = prepare_paragraph(fonts(), long_paragraph(20000), body(), d);
  BreakTrace t20;
  t20.record_text = false;
  const LineSet a = linebreak(p20, constant(measure), d, &t20);
  EXPECT_LE(t20.max_active, 2u * 13 + 2);
  EXPECT_EQ(t20.passes, 1);
  EXPECT_GT(a.lines.size(), 1400u);
  EXPECT_EQ(a.lines.back().end, 20000u);

  const PreparedParagraph p40 = prepare_paragraph(fonts(), long_paragraph(40000), body(), d);
  BreakTrace t40;
  t40.record_text = false;
  linebreak(p40, constant(measure), d, &t40);
  EXPECT_LE(t40.max_active, 2u * 13 + 2);
  const double ratio = static_cast<double>(t40.evaluations) / static_cast<double>(t20.evaluations);
  EXPECT_GT(ratio, 1.8);
  EXPECT_LT(ratio, 2.2);
  EXPECT_EQ(d.count(Severity::Warning), 0u);
}

// LineSet::dump: `L07 [123..141) w=117.000 n=116.500 r=+0.214 |text|`.
TEST(LinebreakDump, CanonicalFormat) {
  Diagnostics d;
  const PreparedParagraph p = prepare_paragraph(fonts(), U"甲乙丙丁戊己庚辛壬癸，子丑寅", body(10, 0), d);
  const LineSet ls = linebreak(p, constant(sp_from_pt(100)), d);
  std::ostringstream os;
  ls.dump(os, p);
  EXPECT_EQ(os.str(),
            "L00 [0..9) w=100.000 n=90.000 r=+1.000 |甲乙丙丁戊己庚辛壬|\n"
            "L01 [9..14) w=100.000 n=50.000 r=+0.000 |癸，子丑寅|\n");
  std::ostringstream items;
  p.dump(items);
  EXPECT_NE(items.str().find("[，] COMMA w=5.000 blank_r=5.000"), std::string::npos) << items.str();
  EXPECT_NE(items.str().find("break(icu)"), std::string::npos);
  EXPECT_NE(items.str().find("nobreak(not-start)"), std::string::npos);
}

// BreakTrace: feasible breaks with badness and demerits, the nodes, the chosen path (T2-2).
TEST(LinebreakTrace, TracingParagraphs) {
  Diagnostics d;
  const PreparedParagraph p = prepare_paragraph(fonts(), U"甲乙，丙丁戊己庚辛壬。子丑", body(10, 0), d);
  BreakTrace tr;
  linebreak(p, constant(sp_from_pt(100)), d, &tr);
  EXPECT_NE(tr.text.find("@pass 1"), std::string::npos);
  // push-in: r = −1, b = 100, d = 101²; push-out: r = 1.14, b = 2·149.
  EXPECT_NE(tr.text.find("@ 11 戊己庚辛壬。|子丑 via @@0 line 1 r=-1.000 b=100 p=0 d=10201"), std::string::npos) << tr.text;
  EXPECT_NE(tr.text.find("@ 9 丙丁戊己庚辛|壬。 via @@0 line 1 r=+1.143 b=299"), std::string::npos) << tr.text;
  EXPECT_NE(tr.text.find("@chosen @@0 -> @@3 -> @@4"), std::string::npos) << tr.text;
  EXPECT_EQ(tr.passes, 1);
}

// Width-independent work is done once: any number of measures from one preparation, the same
// shaped text, identical results on repetition.
TEST(LinebreakReuse, ManyWidthsOnePreparation) {
  Diagnostics d;
  const auto paras = corpus_paragraphs("article.txt");
  const PreparedParagraph p = prepare_paragraph(fonts(), paras.at(1), body(), d);
  const ShapedText* shaped = &p.shaped();
  std::string first;
  for (int em : {13, 20, 13, 8, 13}) {
    const LineSet ls = linebreak(p, constant(sp_from_pt(9.0 * em)), d);
    std::ostringstream os;
    ls.dump(os, p);
    if (em == 13) {
      if (first.empty()) first = os.str();
      EXPECT_EQ(os.str(), first);
    }
    EXPECT_EQ(&p.shaped(), shaped);
  }
  EXPECT_FALSE(d.has_errors());
}

// LineWidths per line (a paragraph running around a box): each line is set to its own measure.
TEST(LinebreakWidths, PerLineMeasure) {
  Diagnostics d;
  const PreparedParagraph p = prepare_paragraph(fonts(), long_paragraph(300), body(9, 0), d);
  const Sp em = sp_from_pt(9);
  auto widths = [=](int line) { return line >= 3 && line < 7 ? 8 * em : 13 * em; };
  const LineSet ls = linebreak(p, widths, d);
  ASSERT_GT(ls.lines.size(), 8u);
  for (std::size_t i = 0; i + 1 < ls.lines.size(); ++i) {
    const Sp w = widths(static_cast<int>(i));
    EXPECT_EQ(ls.lines[i].width, w);
    EXPECT_NEAR(pt_from_sp(right_edge(ls.lines[i])), pt_from_sp(w), 0.01) << i;
  }
  EXPECT_EQ(d.count(Severity::Warning), 0u);
}

// Headline alignment (no justification): Start at 0, Center and End place each line by its
// natural width; every line fits the measure.
TEST(LinebreakAlign, StartCenterEnd) {
  const std::u32string text = U"甲乙丙丁戊己庚辛壬癸子丑寅卯辰";
  const Sp em = sp_from_pt(20);
  for (Align al : {Align::Start, Align::Center, Align::End}) {
    Diagnostics d;
    ParagraphStyle st = body(20, 0);
    st.align = al;
    const PreparedParagraph p = prepare_paragraph(fonts(), text, st, d);
    const LineSet ls = linebreak(p, constant(6 * em), d);
    ASSERT_GE(ls.lines.size(), 3u);
    for (const Line& l : ls.lines) {
      const Sp n = static_cast<Sp>(l.glyphs.size()) * em;
      EXPECT_LE(n, 6 * em);
      const Sp x0 = l.glyphs.front().x;
      EXPECT_EQ(x0, al == Align::Start ? 0 : al == Align::Center ? (6 * em - n) / 2 : 6 * em - n);
      for (std::size_t k = 1; k < l.glyphs.size(); ++k) EXPECT_EQ(l.glyphs[k].x - l.glyphs[k - 1].x, em);
      EXPECT_DOUBLE_EQ(l.ratio, 0.0);
    }
  }
}

// Tracking adds the same space after every character, none after the last one of a line.
TEST(LinebreakTracking, SpaceAfterEachCharacter) {
  Diagnostics d;
  ParagraphStyle st = body(20, 0);
  st.align = Align::Start;
  st.tracking = sp_from_pt(2);
  const PreparedParagraph p = prepare_paragraph(fonts(), U"甲乙丙丁", st, d);
  const LineSet ls = linebreak(p, constant(sp_from_pt(200)), d);
  ASSERT_EQ(ls.lines.size(), 1u);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(ls.lines[0].glyphs[k].x, static_cast<Sp>(k) * sp_from_pt(22));
  EXPECT_EQ(ls.lines[0].natural, sp_from_pt(86));
}

// An unbreakable Latin run wider than the measure: emergency break inside it, flagged and
// reported, no text lost, no line wider than the measure.
TEST(LinebreakEmergency, LongWordBrokenAndReported) {
  Diagnostics d;
  const PreparedParagraph p = prepare_paragraph(fonts(), U"甲乙ABCDEFGHIJKLMNOPQRSTUVWXYZ丙丁", body(10, 0), d);
  const LineSet ls = linebreak(p, constant(sp_from_pt(90)), d);
  ASSERT_GE(ls.lines.size(), 2u);
  EXPECT_TRUE(std::any_of(ls.lines.begin(), ls.lines.end(), [](const Line& l) { return l.emergency; }));
  EXPECT_GE(d.count_code("linebreak.emergency"), 1u);
  EXPECT_EQ(d.count_code("linebreak.orphan"), 0u);
  EXPECT_EQ(ls.lines.back().end, p.text().size());
  for (const Line& l : ls.lines) {
    EXPECT_FALSE(l.overfull);
    EXPECT_LE(right_edge(l), sp_from_pt(90));
  }
}

// Emergency lines are reported at their first character's place in the source: with the
// paragraph's character map (text joined from several source lines), the line's own
// line:column, not the paragraph's first column + offset.
TEST(LinebreakEmergency, ReportedAtTheLinesSourcePosition) {
  const std::u32string text = U"甲乙ABCDEFGHIJKLMNOPQRSTUVWXYZ丙丁";
  // 甲乙 on source line 7 (columns 3, 4); the word and 丙丁 on line 8 from column 1.
  auto chars = std::make_shared<std::vector<SourcePos>>();
  for (std::size_t i = 0; i < text.size(); ++i)
    chars->push_back(i < 2 ? SourcePos{static_cast<std::int64_t>(100 + 3 * i), 7, static_cast<int>(3 + i)}
                           : SourcePos{static_cast<std::int64_t>(107 + i), 8, static_cast<int>(i - 1)});
  SourceLoc where("story.txt", 7, 3, 100);
  where.chars = chars;
  Diagnostics d;
  const PreparedParagraph p = prepare_paragraph(fonts(), text, body(10, 0), d, where);
  const LineSet ls = linebreak(p, constant(sp_from_pt(90)), d);
  std::vector<std::string> expected, got;
  for (const Line& l : ls.lines)
    if (l.emergency) {
      const SourcePos& at = (*chars)[l.begin];
      expected.push_back("story.txt:" + std::to_string(at.line) + ":" + std::to_string(at.column));
    }
  for (const Diagnostic& x : d.all())
    if (x.code == "linebreak.emergency")
      got.push_back(x.loc.file + ":" + std::to_string(x.loc.line) + ":" + std::to_string(x.loc.column));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(got, expected);
  // At least one emergency line starts inside the word, on line 8.
  EXPECT_TRUE(std::any_of(got.begin(), got.end(), [](const std::string& s) { return s.rfind("story.txt:8:", 0) == 0; }));
}

// A measure narrower than one character: every line overfull, flagged, reported, text kept.
TEST(LinebreakEmergency, OverfullReportedNeverSilent) {
  Diagnostics d;
  const PreparedParagraph p = prepare_paragraph(fonts(), U"甲乙丙", body(10, 0), d);
  const LineSet ls = linebreak(p, constant(sp_from_pt(5)), d);
  EXPECT_EQ(texts(p, ls), "甲|乙|丙");
  for (const Line& l : ls.lines) EXPECT_TRUE(l.overfull);
  EXPECT_EQ(d.count_code("linebreak.overfull"), 3u);
}

// Relaxed pass: a line that can only be filled beyond the hard limits of §4.4 is accepted,
// justified exactly, flagged loose and reported.
TEST(LinebreakRelaxed, LooseLineReported) {
  Diagnostics d;
  const PreparedParagraph probe = prepare_paragraph(fonts(), U"ABCDEFGHIJKLMN", body(10, 0), d);
  Sp w = 0;
  for (const auto& g : probe.shaped().glyphs) w += g.advance;
  const Sp measure = w + sp_from_pt(12.5);  // Latin run + autospace + one Han
  const PreparedParagraph p = prepare_paragraph(fonts(), U"甲乙ABCDEFGHIJKLMN丙", body(10, 0), d);
  const LineSet ls = linebreak(p, constant(measure), d);
  EXPECT_EQ(texts(p, ls), "甲乙|ABCDEFGHIJKLMN丙");
  EXPECT_TRUE(ls.lines[0].loose);
  EXPECT_EQ(right_edge(ls.lines[0]), measure);
  EXPECT_EQ(d.count_code("linebreak.loose"), 1u);
}

// Relaxed pass: a 孤字 nothing can avoid is set and reported, never silently.
TEST(LinebreakRelaxed, UnavoidableOrphanReported) {
  Diagnostics d;
  const PreparedParagraph p = prepare_paragraph(fonts(), U"甲乙丙", body(10, 0), d);
  const LineSet ls = linebreak(p, constant(sp_from_pt(20)), d);
  EXPECT_EQ(texts(p, ls), "甲乙|丙");
  EXPECT_EQ(d.count_code("linebreak.orphan"), 1u);
}

// Degenerate input: empty text gives no lines; spaces only give one line holding them.
TEST(LinebreakEdge, EmptyAndSpacesOnly) {
  Diagnostics d;
  const PreparedParagraph e = prepare_paragraph(fonts(), U"", body(), d);
  EXPECT_TRUE(linebreak(e, constant(sp_from_pt(117)), d).lines.empty());
  const PreparedParagraph s = prepare_paragraph(fonts(), U"   ", body(), d);
  const LineSet ls = linebreak(s, constant(sp_from_pt(117)), d);
  ASSERT_EQ(ls.lines.size(), 1u);
  EXPECT_EQ(ls.lines[0].end, 3u);
}

// Latin words inside Chinese: spaces become autospace next to Han, word spaces between words;
// space glyphs stay in the line (text is never lost).
TEST(LinebreakLatin, WordSpacesAndAutospace) {
  Diagnostics d;
  const PreparedParagraph p = prepare_paragraph(fonts(), U"为深入贯彻精神 and the 习近平", body(10, 0), d);
  const LineSet ls = linebreak(p, constant(sp_from_pt(300)), d);
  ASSERT_EQ(ls.lines.size(), 1u);
  const Line& l = ls.lines[0];
  EXPECT_EQ(l.glyphs.size(), p.shaped().glyphs.size());
  const auto& sh = p.shaped().glyphs;
  // 神 → a: autospace 2.5 pt; d → t: the space's own advance; e → 习: autospace.
  auto x_of = [&](char32_t c, int nth = 0) {
    for (const LineGlyph& g : l.glyphs)
      if (p.text()[sh[g.glyph].cluster] == c && nth-- == 0) return g.x;
    return Sp(-1);
  };
  EXPECT_EQ(x_of(U'a') - x_of(U'神') - sp_from_pt(10), sp_from_pt(2.5));
  Sp d_adv = 0, space_adv = 0;
  for (const LineGlyph& g : l.glyphs) {
    if (p.text()[sh[g.glyph].cluster] == U'd') d_adv = sh[g.glyph].advance;
    if (p.text()[sh[g.glyph].cluster] == U' ') space_adv = sh[g.glyph].advance;
  }
  EXPECT_EQ(x_of(U't') - x_of(U'd') - d_adv, space_adv);
  Sp e_adv = 0;
  for (const LineGlyph& g : l.glyphs)
    if (p.text()[sh[g.glyph].cluster] == U'e') e_adv = sh[g.glyph].advance;
  EXPECT_EQ(x_of(U'习') - x_of(U'e') - e_adv, sp_from_pt(2.5));
}

// Random paragraphs over every character class, measure, level and profile (fixed seed): no
// crash, lines tile the text, every glyph is set exactly once, every justified line that is not
// flagged ends on its measure, and anything flagged was reported.
TEST(LinebreakRobustness, RandomTextInvariants) {
  const std::u32string pool =
      U"甲乙丙丁戊己庚辛壬癸子丑，、。．：；！？“”‘’（）《》【】·—…～／/-–　々ぁあー１Ａ￥$%％°±"
      U"AbcdeWxyz0123456789 .,@&\u0301\u200b😀\uFFFD";
  std::mt19937 rng(20240613);
  const KinsokuLevel levels[] = {KinsokuLevel::None, KinsokuLevel::Basic, KinsokuLevel::Gb, KinsokuLevel::Strict,
                                 KinsokuLevel::Loose};
  const PunctStyle styles[] = {PunctStyle::Quanjiao, PunctStyle::Kaiming, PunctStyle::Hangmobanjiao, PunctStyle::Cns};
  const Align aligns[] = {Align::Justify, Align::Justify, Align::Start, Align::Center, Align::End};
  for (int round = 0; round < 150; ++round) {
    std::u32string text;
    const std::size_t n = 1 + rng() % 120;
    for (std::size_t i = 0; i < n; ++i) text += pool[rng() % pool.size()];
    ParagraphStyle st = body(10, rng() % 3);
    st.kinsoku = levels[rng() % 5];
    st.punct = styles[rng() % 4];
    st.align = aligns[rng() % 5];
    st.line_end_trim = static_cast<LineEndTrim>(rng() % 3);
    st.line_start_trim = static_cast<LineStartTrim>(rng() % 3);
    st.tracking = (rng() % 4 == 0) ? sp_from_pt(1) : 0;
    st.hanging = rng() % 4 == 0;
    Diagnostics prep;
    const PreparedParagraph p = prepare_paragraph(fonts(), text, st, prep);
    const Sp em = sp_from_pt(10);
    const int base_em = 1 + static_cast<int>(rng() % 20);
    auto widths = [&](int line) { return (base_em + line % 3) * em; };
    Diagnostics d;
    const LineSet ls = linebreak(p, widths, d);
    std::vector<int> seen(p.shaped().glyphs.size(), 0);
    std::uint32_t pos = 0;
    std::size_t flagged = 0;
    for (std::size_t i = 0; i < ls.lines.size(); ++i) {
      const Line& l = ls.lines[i];
      ASSERT_EQ(l.begin, pos) << encode_utf8(text);
      ASSERT_LT(l.begin, l.end) << encode_utf8(text);
      pos = l.end;
      for (const LineGlyph& g : l.glyphs) seen.at(g.glyph)++;
      EXPECT_EQ(l.width, widths(static_cast<int>(i)));
      if (l.emergency || l.overfull || l.loose) flagged++;
      if (st.align == Align::Justify && !l.last && !l.hard_break && !l.overfull && !l.loose && l.end - l.begin > 1) {
        std::ostringstream dump;
        ls.dump(dump, p);
        // The right edge of the last box, an empty one (a stray combining mark) included.
        Sp edge = 0, hang = 0;
        for (const LineGlyph& g : l.glyphs)
          if (p.chars()[p.shaped().glyphs[g.glyph].cluster].cls != CharClass::Space) {
            edge = std::max(edge, g.set_x + g.set_width);
            hang = g.set_width;  // a hanging mark is the last box of its line
          }
        if (l.hanging) edge -= hang;
        EXPECT_EQ(edge, l.width) << "line " << i << " level " << int(st.kinsoku) << " punct " << int(st.punct)
                                          << " end " << int(st.line_end_trim) << " start " << int(st.line_start_trim)
                                          << " tracking " << st.tracking << "\n" << dump.str();
      }
    }
    EXPECT_EQ(pos, text.size()) << encode_utf8(text);
    EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int k) { return k == 1; })) << encode_utf8(text);
    const std::size_t reported = d.count_code("linebreak.emergency") + d.count_code("linebreak.overfull") +
                                 d.count_code("linebreak.loose");
    EXPECT_GE(reported, flagged > 0 ? 1u : 0u) << encode_utf8(text);
  }
}

// Golden dump (DEVELOPERS.md): samples/corpus/article.txt at 13 em of 9 pt, every paragraph's
// LineSet::dump. PAIBAN_UPDATE_GOLDEN=1 rewrites tests/data/linebreak/article-13em.txt so a
// change in breaking shows up in review as a diff.
TEST(LinebreakGolden, ArticleAt13Em) {
  std::ostringstream os;
  Diagnostics d;
  int n = 0;
  for (const auto& text : corpus_paragraphs("article.txt")) {
    const PreparedParagraph p = prepare_paragraph(fonts(), text, body(), d);
    os << "# paragraph " << ++n << '\n';
    linebreak(p, constant(sp_from_pt(117)), d).dump(os, p);
  }
  EXPECT_EQ(d.all().size(), 0u);
  const std::string path = test::data_path("linebreak/article-13em.txt");
  if (const char* u = std::getenv("PAIBAN_UPDATE_GOLDEN"); u && std::string(u) == "1") test::write_file(path, os.str());
  EXPECT_EQ(os.str(), test::read_file(path)) << "re-run with PAIBAN_UPDATE_GOLDEN=1 and review the diff";
}
