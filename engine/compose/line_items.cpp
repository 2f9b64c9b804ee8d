#include "engine/compose/line_items.h"

#include <algorithm>

namespace paiban {

std::size_t append_line_glyphs(const PreparedParagraph& p, const Line& line, Point origin, const Cmyk& colour,
                               std::vector<DisplayItem>& out) {
  const ShapedText& shaped = p.shaped();
  const std::u32string& text = p.text();
  const auto& lg = line.glyphs;
  const std::uint32_t begin = std::min<std::uint32_t>(line.begin, static_cast<std::uint32_t>(text.size()));
  const std::uint32_t end = std::clamp<std::uint32_t>(line.end, begin, static_cast<std::uint32_t>(text.size()));

  // Cluster start of every glyph, clamped into the line and made monotone, so that the glyphs'
  // text partitions text[begin, end) exactly: the first glyph also takes any characters before
  // its cluster, a cluster's text runs to the next cluster's start (or the line end), and the
  // other glyphs of a multi-glyph cluster carry none. The ToUnicode map and compose's text
  // conservation check rely on it.
  std::vector<std::uint32_t> cl(lg.size());
  for (std::size_t k = 0; k < lg.size(); ++k) {
    const std::uint32_t c = lg[k].glyph < shaped.glyphs.size() ? shaped.glyphs[lg[k].glyph].cluster : begin;
    cl[k] = std::clamp(c, begin, end);
    if (k > 0) cl[k] = std::max(cl[k], cl[k - 1]);
  }

  std::size_t chars = 0;
  GlyphRunItem* run = nullptr;
  FaceId run_face = 0;
  Sp run_size = -1;
  std::size_t next_distinct = 0;
  for (std::size_t k = 0; k < lg.size(); ++k) {
    if (lg[k].glyph >= shaped.glyphs.size()) continue;
    const ShapedGlyph& g = shaped.glyphs[lg[k].glyph];
    const ShapedRun& sr = shaped.run_of_glyph(lg[k].glyph);
    if (!run || sr.face != run_face || sr.size != run_size) {
      GlyphRunItem item;
      item.face = sr.face;
      item.size = sr.size;
      item.origin = origin;
      item.colour = colour;
      // Most lines are one run: sized once instead of regrown glyph by glyph (5 copies a line).
      item.glyphs.reserve(lg.size() - k);
      out.emplace_back(std::move(item));
      run = &std::get<GlyphRunItem>(out.back());
      run_face = sr.face;
      run_size = sr.size;
    }
    PlacedGlyph pg;
    pg.gid = g.gid;
    pg.x = lg[k].x + g.x_offset;
    pg.y = -g.y_offset;  // HarfBuzz y grows up, the display list's y grows down
    pg.advance = g.advance;
    if (k == 0 || cl[k] != cl[k - 1]) {
      const std::uint32_t from = k == 0 ? begin : cl[k];
      if (next_distinct <= k) {
        next_distinct = k + 1;
        while (next_distinct < lg.size() && cl[next_distinct] == cl[k]) ++next_distinct;
      }
      const std::uint32_t to = next_distinct < lg.size() ? cl[next_distinct] : end;
      pg.text = text.substr(from, to - from);
      chars += to - from;
    }
    run->glyphs.push_back(std::move(pg));
  }
  return chars;
}

}  // namespace paiban
