#include "engine/compose/galley.h"

#include "engine/compose/line_items.h"

namespace paiban {

std::vector<GalleyLine> Galley::lines() const {
  std::vector<GalleyLine> out;
  for (std::size_t p = 0; p < line_sets.size(); ++p)
    for (std::size_t l = 0; l < line_sets[p].lines.size(); ++l)
      out.push_back({static_cast<int>(p), static_cast<int>(l), &line_sets[p].lines[l], &paragraphs[p]});
  return out;
}

Galley compose_galley(const Article& article, FontSet& fonts, const GalleyOptions& options, Diagnostics& diags) {
  Galley g;
  const Sp pitch = options.line_pitch > 0 ? options.line_pitch : options.body.text.size * 3 / 2;
  const Sp measure = options.measure;
  auto new_page = [&] {
    Page p;
    p.label = "G";  // (built in two steps: g++ 12's -Wrestrict misfires on "G" + std::string)
    p.label += std::to_string(g.pages.size() + 1);
    p.trim_width = measure + 2 * options.margin;
    p.trim_height = options.page_height;
    g.pages.push_back(std::move(p));
  };
  new_page();
  // First baseline: one em below the top margin (the em box's top sits on the margin).
  Sp y = options.margin + options.body.text.size * 88 / 100;
  const Sp bottom = options.page_height - options.margin;
  for (const ArticleParagraph& para : article.paragraphs) {
    ParagraphStyle style = options.body;
    if (para.kind == ArticleParagraph::Kind::Subhead) {
      style.first_indent = 0;
      style.align = Align::Start;
      style.text.role = "hei";
    }
    g.paragraphs.push_back(prepare_paragraph(fonts, para.text, style, diags, para.loc));
    BreakTrace trace;
    g.line_sets.push_back(linebreak(g.paragraphs.back(), [measure](int) { return measure; }, diags,
                                    options.trace ? &trace : nullptr));
    if (options.trace) g.traces.push_back(std::move(trace.text));
    for (const Line& line : g.line_sets.back().lines) {
      if (y > bottom) {
        new_page();
        y = options.margin + options.body.text.size * 88 / 100;
      }
      append_line_glyphs(g.paragraphs.back(), line, Point{options.margin, y}, Cmyk::black(), g.pages.back().items);
      y += pitch;
    }
  }
  return g;
}

}  // namespace paiban
