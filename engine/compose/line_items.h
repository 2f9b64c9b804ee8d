// Turning a broken line into display-list glyph runs: shared by the galley and the page composer.
#pragma once

#include <vector>

#include "engine/compose/page.h"
#include "engine/linebreak/linebreak.h"

namespace paiban {

// Appends the glyphs of `line` as GlyphRunItems (one per face/size run crossing the line) with
// the baseline starting at `origin`. Each glyph carries the source text of its cluster so the
// PDF's ToUnicode reproduces the input exactly. Returns the number of characters emitted.
std::size_t append_line_glyphs(const PreparedParagraph& p, const Line& line, Point origin, const Cmyk& colour,
                               std::vector<DisplayItem>& out);

}  // namespace paiban
