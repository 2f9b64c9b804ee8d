// Lines → glyph runs, and stacks of paragraphs in a rectangle (boxes, text blocks, captions).
#include <algorithm>

#include "engine/compose/compose_internal.h"
#include "engine/compose/line_items.h"

namespace paiban::compose_detail {

std::u32string line_text(const PreparedParagraph& p, const Line& line) {
  const auto& t = p.text();
  const std::uint32_t b = std::min<std::uint32_t>(line.begin, static_cast<std::uint32_t>(t.size()));
  const std::uint32_t e = std::clamp<std::uint32_t>(line.end, b, static_cast<std::uint32_t>(t.size()));
  return t.substr(b, e - b);
}

std::vector<ItemRef> emit_line(PageCanvas& canvas, const PreparedParagraph& p, const Line& line, Point origin,
                               const Cmyk& colour, const std::string& where, std::size_t paragraph,
                               std::uint32_t text_offset) {
  auto& layer = canvas.layers[static_cast<int>(Layer::Text)];
  const std::size_t first = layer.size();
  append_line_glyphs(p, line, origin, colour, layer);
  std::vector<ItemRef> refs;
  for (std::size_t i = first; i < layer.size(); ++i) refs.push_back({canvas.index, i});
  const std::uint32_t size = static_cast<std::uint32_t>(p.text().size());
  const std::uint32_t begin = std::min(line.begin, size), end = std::clamp(line.end, begin, size);
  for (const MissingChar& m : p.shaped().missing)
    if (m.index >= begin && m.index < end) canvas.report.missing.push_back({where, m.ch, paragraph, m.index + text_offset});
  return refs;
}

std::vector<std::u32string> split_lines(const std::u32string& text) {
  std::vector<std::u32string> out;
  std::u32string cur;
  for (char32_t c : text) {
    if (c == U'\n') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != U'\r') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

int SetText::line_count() const {
  int n = 0;
  for (const LineSet& l : lines) n += static_cast<int>(l.lines.size());
  return n;
}

std::size_t SetText::characters() const {
  std::size_t n = 0;
  for (const PreparedParagraph& p : paragraphs) n += p.text().size();
  return n;
}

Sp SetText::height(Sp size, Sp leading) const {
  const int n = line_count();
  return n > 0 ? (n - 1) * leading + size : 0;
}

SetText set_text(Context& ctx, const std::vector<std::u32string>& paragraphs, const ParagraphStyle& style, Sp width,
                 const SourceLoc& loc) {
  SetText out;
  for (const std::u32string& text : paragraphs) {
    out.paragraphs.push_back(prepare_paragraph(ctx.fonts, text, style, ctx.diags, loc));
    out.lines.push_back(linebreak(out.paragraphs.back(), [width](int) { return width; }, ctx.diags));
  }
  return out;
}

StackResult set_stack(Context& ctx, PageCanvas& canvas, const std::vector<std::u32string>& paragraphs,
                      const Style& style, const StackOptions& options, const Rect& area, const std::string& where,
                      const SourceLoc& loc) {
  StackResult r;
  r.bottom = area.y;
  const GridMetrics g = ctx.grid(*canvas.spec);
  ParagraphStyle ps = ctx.paragraph_style(style);
  ps.align = options.align;
  if (!options.keep_indent) ps.first_indent = 0;
  const Sp ascent = ctx.ascent(style);
  const Sp leading = style.leading > 0 ? style.leading : style.size;
  Sp em_top = area.y;
  // Body-pitch text keeps to the page grid (rule book §6) so it lines up with neighbouring columns.
  if (options.snap_to_grid && g.pitch > 0 && leading == g.pitch && em_top > g.top)
    em_top = g.top + (em_top - g.top + g.pitch - 1) / g.pitch * g.pitch;
  const SetText set = set_text(ctx, paragraphs, ps, area.w, loc);
  bool full = false;
  for (std::size_t i = 0; i < set.paragraphs.size(); ++i) {
    for (const Line& line : set.lines[i].lines) {
      if (full || em_top + style.size > area.bottom()) {
        full = true;
        ++r.overset_lines;
        r.overset_characters += line_text(set.paragraphs[i], line).size();
        continue;
      }
      emit_line(canvas, set.paragraphs[i], line, {area.x, em_top + ascent}, style.colour, where, i, 0);
      r.bottom = em_top + style.size;
      em_top += leading;
      ++r.lines;
    }
  }
  return r;
}

}  // namespace paiban::compose_detail
