// Line breaking and justification (rule book §2–§5, §7, §9): a prepared paragraph → justified
// lines. CONTRACT used by flow/ and compose/: the names and fields below are stable; the
// implementation may add fields.
//
//   PreparedParagraph p = prepare_paragraph(fonts, text, style, diags, where);  // once
//   LineSet a = linebreak(p, widths_13em, diags);   // any number of trial widths,
//   LineSet b = linebreak(p, widths_around_box, diags);  // no re-analysis, no re-shaping
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "engine/analyze/analyze.h"  // KinsokuLevel, CharInfo, BreakOpportunity, PunctGlyph
#include "engine/base/diagnostics.h"
#include "engine/base/units.h"
#include "engine/shape/shape.h"

namespace paiban {

enum class Align { Justify, Start, Center, End };
// KinsokuLevel { None, Basic, Gb, Strict, Loose } (rule book §2) is declared in analyze.h.

// Profile switches of rule book §0 / §3 / §5; the defaults are profile ZH-HANS-NEWS.
enum class PunctStyle {
  Quanjiao,       // 全角式: 1 em marks, blank half adjustable, adjacent marks collapsed (§3.2)
  Kaiming,        // 开明式: sentence-final 。？！． 1 em, every other mark ½ em
  Hangmobanjiao,  // 行末半角式: 1 em marks, only line edges trimmed, no adjacent collapsing
  Cns,            // centred marks, 1 em, never adjusted (many Taiwan publications)
};
enum class LineEndTrim { Always, AllowEnd, None };          // §3.4 line_end_trim
enum class LineStartTrim { SpaceFirst, TrimStart, SpaceAll };  // §3.4 line_start_trim
enum class Autospace { Quarter, Eighth, Off };  // §5: ¼ em (⅛…½), ⅛ em fixed (CSS), off

struct ParagraphStyle {
  TextStyle text;                       // role, weight, size, language
  Sp first_indent = 0;                  // usually 2 em (rule book §7)
  Align align = Align::Justify;         // Justify: all lines but the last (rule book §4.1)
  KinsokuLevel kinsoku = KinsokuLevel::Gb;
  int orphan_min = 2;                   // units on the last line (rule book §7 孤字)
  Sp tracking = 0;                      // extra space after every character (headlines)
  PunctStyle punct = PunctStyle::Quanjiao;
  LineEndTrim line_end_trim = LineEndTrim::Always;
  LineStartTrim line_start_trim = LineStartTrim::SpaceFirst;
  Autospace autospace = Autospace::Quarter;
  // hanging = allow-end (§7): a single 、，。． that would not fit may hang past the line end.
  // Off in mainland body text (CLREQ).
  bool hanging = false;
};

// Width-independent state of one paragraph: text, analysis, shaping and the item list.
struct PreparedParagraphData;
struct PreparedParagraph {
  std::shared_ptr<const PreparedParagraphData> data;
  const std::u32string& text() const;
  const ShapedText& shaped() const;
  const ParagraphStyle& style() const;
  // Analysis as used for breaking: classes after the glyph-width check of §1 rule 1, and the
  // break opportunity before every code point (size text().size() + 1).
  const std::vector<CharInfo>& chars() const;
  const std::vector<BreakOpportunity>& breaks() const;
  // How the glyph of the code point at `index` sits in its em box (§1 rule 2); Fixed for
  // anything that is not an adjustable CJK mark.
  PunctGlyph punct_glyph(std::uint32_t index) const;
  // The item list (boxes, glue, penalties), one line per box: for debugging and golden tests.
  void dump(std::ostream& os) const;
};

PreparedParagraph prepare_paragraph(FontSet& fonts, std::u32string_view text, const ParagraphStyle& style,
                                    Diagnostics& diags, const SourceLoc& where = {});

// Width of line n (0-based) of the paragraph: lets a paragraph run around a box or across a
// column-width change.
using LineWidths = std::function<Sp(int line)>;

struct LineGlyph {
  std::uint32_t glyph = 0;  // index into shaped().glyphs
  Sp x = 0;                 // final pen x relative to the line start (justification applied)
  // The box the glyph is set in (rule book notation X[w]): for a trimmed or compressed mark
  // its ink half plus what is left of its blank; for other glyphs the advance box. A trimmed
  // opening mark has set_x = x + ½ em. Further glyphs of one cluster (combining marks, parts
  // of a multi-glyph cluster) have an empty box at the cluster's left edge.
  Sp set_x = 0;
  Sp set_width = 0;
};

struct Line {
  std::uint32_t begin = 0, end = 0;  // code point range [begin, end) of the paragraph text
  Sp width = 0;                      // the measure this line was set to
  Sp natural = 0;                    // natural width after edge trimming
  double ratio = 0;                  // adjustment ratio: <0 shrink, >0 stretch (rule book §9)
  bool last = false;                 // last line of the paragraph (not justified)
  bool emergency = false;            // no legal break fitted: broken inside a unit, reported
  bool overfull = false;             // wider than the measure (reported)
  bool loose = false;                // stretched beyond the hard limits of §4.4 (reported)
  bool hard_break = false;           // ends at a mandatory break (not justified)
  bool hanging = false;              // its last mark hangs outside the measure (hanging=allow-end)
  std::vector<LineGlyph> glyphs;     // in logical order
};

struct LineSet {
  std::vector<Line> lines;
  // `L07 [123..141) w=117.000 n=116.500 r=+0.214 |新闻排版引擎…|` one line each (architecture.md).
  void dump(std::ostream& os, const PreparedParagraph& p) const;
};

// Optional trace of the total-fit search (TeX's \tracingparagraphs).
struct BreakTrace {
  std::string text;  // human-readable: feasible breaks, demerits, chosen path
  bool record_text = true;       // false: only the counters below (for very long paragraphs)
  int passes = 0;                // 1 normal, 2 relaxed tolerance, 3 emergency (§9)
  std::size_t max_active = 0;    // largest active-node list seen (rule book T9-3)
  std::size_t candidates = 0;    // break candidates examined in the last pass
  std::size_t evaluations = 0;   // candidate × active-node line measurements, all passes (work)
};

LineSet linebreak(const PreparedParagraph& p, const LineWidths& widths, Diagnostics& diags,
                  BreakTrace* trace = nullptr);

}  // namespace paiban
