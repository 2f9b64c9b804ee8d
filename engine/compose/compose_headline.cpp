// Headline blocks: 引题 (kicker), 主题 (headline), 副题 (subtitle), 提要 (deck), 署名 (byline),
// from the story's front matter. Each element occupies a whole number of body lines with its
// content centred in them (rule book §6, JLREQ gyōdori), so the text below stays on the grid.
#include "engine/compose/compose_internal.h"

namespace paiban::compose_detail {

void place_headline(Context& ctx, PageCanvas& canvas, const HeadlineSpec& spec) {
  const auto art = ctx.articles.find(spec.story);
  if (art == ctx.articles.end()) {
    ctx.diags.error("compose.headline-without-article", spec.loc,
                    "headline block for story '" + spec.story + "' has no article",
                    "check the story id and its article path");
    return;
  }
  const Article& a = art->second;
  const GridMetrics g = ctx.grid(*canvas.spec);
  if (g.pitch <= 0) return;

  // Titles take the block's alignment; the deck and byline are prose and keep their styles'.
  struct Element {
    const std::u32string* text;
    const std::string* style;
    bool titled;
  };
  const Element elements[] = {
      {&a.kicker, &spec.kicker_style, true},     {&a.headline, &spec.headline_style, true},
      {&a.subtitle, &spec.subtitle_style, true}, {&a.deck, &spec.deck_style, false},
      {&a.byline, &spec.byline_style, false},
  };
  struct Block {
    const Style* style;
    SetText text;
    int lines;  // body lines of the block
    Sp content;
  };
  std::vector<Block> blocks;
  int total = 0;
  for (const Element& e : elements) {
    if (e.text->empty()) continue;
    const Style& st = ctx.style(*e.style, spec.loc);
    ParagraphStyle ps = ctx.paragraph_style(st);
    if (e.titled) {
      ps.align = to_align(spec.align);
      ps.first_indent = 0;
    }
    Block b{&st, set_text(ctx, split_lines(*e.text), ps, spec.rect.w, spec.loc), 0, 0};
    b.content = b.text.height(st.size, st.leading > 0 ? st.leading : st.size);
    b.lines = grid_lines_for(b.content, g);
    total += b.lines;
    blocks.push_back(std::move(b));
  }
  if (blocks.empty()) return;

  // Grid slots inside the block's rectangle; the stack is centred in them by whole lines.
  const Sp first = spec.rect.y > g.top ? (spec.rect.y - g.top + g.pitch - 1) / g.pitch : 0;
  int available = 0;
  while (g.top + (first + available) * g.pitch + g.em <= spec.rect.bottom()) ++available;
  if (total > available)
    ctx.diags.warning("compose.headline-overflow", spec.loc,
                      "headline block of story '" + spec.story + "' needs " + std::to_string(total) +
                          " body lines but its area holds " + std::to_string(available),
                      "make the headline area taller or the headline shorter; it is drawn below its area");
  Sp slot = first + std::max(0, (available - total) / 2);
  const std::string where = "headline:" + spec.story;
  for (const Block& b : blocks) {
    const Sp top = g.top + slot * g.pitch;
    const Sp height = (b.lines - 1) * g.pitch + g.em;
    Sp em_top = top + (height - b.content) / 2;
    const Sp leading = b.style->leading > 0 ? b.style->leading : b.style->size;
    const Sp ascent = ctx.ascent(*b.style);
    for (std::size_t p = 0; p < b.text.paragraphs.size(); ++p) {
      for (const Line& line : b.text.lines[p].lines) {
        emit_line(canvas, b.text.paragraphs[p], line, {spec.rect.x, em_top + ascent}, b.style->colour, where, p, 0);
        em_top += leading;
      }
    }
    slot += b.lines;
  }
}

}  // namespace paiban::compose_detail
