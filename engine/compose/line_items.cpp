#include "engine/compose/line_items.h"

namespace paiban {

std::size_t append_line_glyphs(const PreparedParagraph& p, const Line& line, Point origin, const Cmyk& colour,
                               std::vector<DisplayItem>& out) {
  const ShapedText& shaped = p.shaped();
  const std::u32string& text = p.text();
  std::size_t chars = 0;
  GlyphRunItem* run = nullptr;
  FaceId run_face = 0;
  for (std::size_t i = 0; i < line.glyphs.size(); ++i) {
    const LineGlyph& lg = line.glyphs[i];
    const ShapedGlyph& g = shaped.glyphs[lg.glyph];
    const ShapedRun& sr = shaped.run_of_glyph(lg.glyph);
    if (!run || sr.face != run_face) {
      GlyphRunItem item;
      item.face = sr.face;
      item.size = sr.size;
      item.origin = origin;
      item.colour = colour;
      out.emplace_back(std::move(item));
      run = &std::get<GlyphRunItem>(out.back());
      run_face = sr.face;
    }
    PlacedGlyph pg;
    pg.gid = g.gid;
    pg.x = lg.x + g.x_offset;
    pg.y = -g.y_offset;  // HarfBuzz y grows up, the display list's y grows down
    pg.advance = g.advance;
    // The cluster's text goes on its first glyph: [cluster, next cluster start) clipped to the line.
    const bool first_of_cluster = lg.glyph == 0 || shaped.glyphs[lg.glyph - 1].cluster != g.cluster;
    if (first_of_cluster) {
      std::uint32_t end = static_cast<std::uint32_t>(text.size());
      for (std::uint32_t k = lg.glyph + 1; k < shaped.glyphs.size(); ++k)
        if (shaped.glyphs[k].cluster != g.cluster) { end = shaped.glyphs[k].cluster; break; }
      end = std::min(end, line.end);
      const std::uint32_t begin = std::max(g.cluster, line.begin);
      if (end > begin) {
        pg.text = text.substr(begin, end - begin);
        chars += end - begin;
      }
    }
    run->glyphs.push_back(std::move(pg));
  }
  return chars;
}

}  // namespace paiban
