// Shaping: a paragraph's code points → glyphs, once per paragraph (width-independent; the line
// breaker reuses the result for every trial width). Itemizes by font coverage along the role's
// fallback chain and by script, then runs HarfBuzz with the run's language (zh-Hans → OpenType
// ZHS, so `locl` picks mainland corner-set punctuation, rule book §3.5). Scale is set so that
// every advance and offset arrives in sp.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostics.h"
#include "engine/base/units.h"
#include "engine/fonts/fonts.h"

namespace paiban {

struct TextStyle {
  std::string role = "song";
  int weight = 400;
  Sp size = sp_from_pt(9);          // nominal em of the run
  std::string language = "zh-Hans";  // BCP 47
};

struct ShapedGlyph {
  std::uint32_t gid = 0;
  std::uint32_t cluster = 0;  // index of the first code point of the glyph's cluster
  Sp advance = 0;
  Sp x_offset = 0, y_offset = 0;
  bool unsafe_to_break = false;  // HB_GLYPH_FLAG_UNSAFE_TO_BREAK: a break here needs re-shaping
};

// A maximal range of glyphs with one face and size. Glyph ranges and text ranges are both
// contiguous and in logical order (horizontal LTR only).
struct ShapedRun {
  FaceId face = 0;
  Sp size = 0;
  std::uint32_t text_begin = 0, text_end = 0;    // code point range
  std::uint32_t glyph_begin = 0, glyph_end = 0;  // into ShapedText::glyphs
};

struct MissingChar {
  std::uint32_t index;  // code point index in the text
  char32_t ch;
};

struct ShapedText {
  std::u32string text;
  TextStyle style;
  std::vector<ShapedGlyph> glyphs;
  std::vector<ShapedRun> runs;
  std::vector<MissingChar> missing;  // characters no face of the chain has (drawn as .notdef)

  // HarfBuzz-style serialisation, one run per line: `face=2 size=9.000 [text] gid=cluster+adv|…`.
  void dump(std::ostream& os) const;
  const ShapedRun& run_of_glyph(std::uint32_t glyph_index) const;
};

// Shapes `text` in `style`. Characters missing from every face of the role are reported as
// font.missing-glyph (role, code point, and the character's own position: where.at(i)) and kept as .notdef
// glyphs so no text is lost; the caller's run then fails.
ShapedText shape(FontSet& fonts, std::u32string_view text, const TextStyle& style, Diagnostics& diags,
                 const SourceLoc& where = {});

}  // namespace paiban
