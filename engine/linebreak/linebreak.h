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

#include "engine/base/diagnostics.h"
#include "engine/base/units.h"
#include "engine/shape/shape.h"

namespace paiban {

enum class Align { Justify, Start, Center, End };
enum class KinsokuLevel { None, Basic, Gb, Strict, Loose };  // rule book §2

struct ParagraphStyle {
  TextStyle text;                       // role, weight, size, language
  Sp first_indent = 0;                  // usually 2 em (rule book §7)
  Align align = Align::Justify;         // Justify: all lines but the last (rule book §4.1)
  KinsokuLevel kinsoku = KinsokuLevel::Gb;
  int orphan_min = 2;                   // units on the last line (rule book §7 孤字)
  Sp tracking = 0;                      // extra space after every character (headlines)
};

// Width-independent state of one paragraph: text, analysis, shaping and the item list.
struct PreparedParagraphData;
struct PreparedParagraph {
  std::shared_ptr<const PreparedParagraphData> data;
  const std::u32string& text() const;
  const ShapedText& shaped() const;
  const ParagraphStyle& style() const;
};

PreparedParagraph prepare_paragraph(FontSet& fonts, std::u32string_view text, const ParagraphStyle& style,
                                    Diagnostics& diags, const SourceLoc& where = {});

// Width of line n (0-based) of the paragraph: lets a paragraph run around a box or across a
// column-width change.
using LineWidths = std::function<Sp(int line)>;

struct LineGlyph {
  std::uint32_t glyph = 0;  // index into shaped().glyphs
  Sp x = 0;                 // final pen x relative to the line start (justification applied)
};

struct Line {
  std::uint32_t begin = 0, end = 0;  // code point range [begin, end) of the paragraph text
  Sp width = 0;                      // the measure this line was set to
  Sp natural = 0;                    // natural width after edge trimming
  double ratio = 0;                  // adjustment ratio: <0 shrink, >0 stretch (rule book §9)
  bool last = false;                 // last line of the paragraph (not justified)
  bool emergency = false;            // no legal break fitted: broken inside a unit, reported
  bool overfull = false;             // wider than the measure (reported)
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
};

LineSet linebreak(const PreparedParagraph& p, const LineWidths& widths, Diagnostics& diags,
                  BreakTrace* trace = nullptr);

}  // namespace paiban
