#include "engine/compose/compose.h"

#include <hb-ot.h>
#include <hb.h>

#include "engine/compose/compose_internal.h"

namespace paiban {
namespace compose_detail {

Align to_align(TextAlign a) {
  switch (a) {
    case TextAlign::Justify: return Align::Justify;
    case TextAlign::Start: return Align::Start;
    case TextAlign::Center: return Align::Center;
    case TextAlign::End: return Align::End;
  }
  return Align::Justify;
}

KinsokuLevel to_kinsoku(const std::string& name) {
  if (name == "none") return KinsokuLevel::None;
  if (name == "basic") return KinsokuLevel::Basic;
  if (name == "strict") return KinsokuLevel::Strict;
  if (name == "loose") return KinsokuLevel::Loose;
  return KinsokuLevel::Gb;  // the descriptor validates names; gb is the rule book default
}

const Style& Context::style(const std::string& name, const SourceLoc& where) {
  if (const Style* s = edition.style(name)) return *s;
  auto it = fallback_styles_.find(name);
  if (it != fallback_styles_.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [n, _] : edition.styles) names.push_back(n);
  const std::string guess = did_you_mean(name, names);
  diags.warning("compose.unknown-style", where, "style '" + name + "' is not defined; the body style is used",
                guess.empty() ? "define it under [styles]" : "did you mean '" + guess + "'?");
  Style fallback;
  if (const Style* body = edition.style("body")) fallback = *body;
  fallback.name = name;
  return fallback_styles_.emplace(name, fallback).first->second;
}

const Style& Context::body_style(const PageSpec& page) {
  return style(page.grid.body_style.empty() ? std::string("body") : page.grid.body_style, page.loc);
}

ParagraphStyle Context::paragraph_style(const Style& s) const {
  ParagraphStyle p;
  p.text.role = s.font_role;
  p.text.weight = s.weight;
  p.text.size = s.size;
  p.text.language = s.language;
  p.first_indent = s.first_indent;
  p.align = to_align(s.align);
  p.kinsoku = to_kinsoku(s.kinsoku);
  p.tracking = s.tracking;
  return p;
}

Sp Context::ascent(const Style& s) {
  const auto key = std::make_tuple(s.font_role, s.weight, s.size);
  if (auto it = ascent_cache_.find(key); it != ascent_cache_.end()) return it->second;
  // Adobe-Identity CJK em box: baseline 0.88 em below the em-box top (BASE ideo = −120/1000).
  Sp value = scale_sp(s.size, 88, 100);
  // Resolved without reporting: the role's problems are reported where its text is shaped.
  const auto& chain = fonts.chain(s.font_role, s.weight);
  if (!chain.empty()) {
    hb_font_t* font = fonts.face(chain.front()).hb_font_at(s.size);
    hb_position_t bottom = 0;
    if (hb_ot_layout_get_baseline(font, HB_OT_LAYOUT_BASELINE_TAG_IDEO_EMBOX_BOTTOM_OR_LEFT, HB_DIRECTION_LTR,
                                  HB_TAG('h', 'a', 'n', 'i'), HB_TAG('Z', 'H', 'S', ' '), &bottom) &&
        bottom <= 0 && -bottom < s.size)
      value = s.size + bottom;
  }
  ascent_cache_.emplace(key, value);
  return value;
}

GridMetrics Context::grid(const PageSpec& page) {
  const Style& body = body_style(page);
  GridMetrics g;
  g.top = page.grid.type_area.y;
  g.pitch = page.grid.line_pitch > 0 ? page.grid.line_pitch : body.leading;
  g.em = page.grid.body_size > 0 ? page.grid.body_size : body.size;
  Style sized = body;
  sized.size = g.em;
  g.ascent = ascent(sized);
  return g;
}

int grid_lines_for(Sp content, const GridMetrics& g) {
  if (content <= g.em || g.pitch <= 0) return 1;
  return static_cast<int>((content - g.em + g.pitch - 1) / g.pitch) + 1;
}

std::vector<Rect> PageCanvas::obstacles_for(const Placed* self) const {
  std::vector<Rect> out;
  for (const auto& o : obstacles)
    if (o.source != self) out.push_back(o.rect);
  return out;
}

StoryOnPage& PageCanvas::story_entry(const std::string& story) {
  for (auto& s : report.stories)
    if (s.story == story) return s;
  report.stories.push_back({story, 0, 0});
  return report.stories.back();
}

namespace {

void collect_obstacles(PageCanvas& c) {
  const PageSpec& p = *c.spec;
  auto add = [&](const Placed& o) {
    if (o.wrap.enabled && !o.rect.empty()) c.obstacles.push_back({o.rect.inflated(o.wrap.offset), &o});
  };
  for (const auto& o : p.frames) add(o);
  for (const auto& o : p.headlines) add(o);
  for (const auto& o : p.boxes) add(o);
  for (const auto& o : p.images) add(o);
  for (const auto& o : p.text_blocks) add(o);
  if (p.masthead) add(*p.masthead);
  if (p.edition_line) add(*p.edition_line);
  if (p.colophon) add(*p.colophon);
  if (p.page_header) add(*p.page_header);
  if (p.folio) add(*p.folio);
}

Page flatten(PageCanvas& c) {
  Page page;
  page.label = c.spec->label;
  page.trim_width = c.spec->trim_width;
  page.trim_height = c.spec->trim_height;
  page.bleed = c.spec->bleed;
  page.slug = c.slug;
  for (auto& layer : c.layers)
    for (auto& item : layer) page.items.push_back(std::move(item));
  return page;
}

}  // namespace
}  // namespace compose_detail

ComposedEdition compose(const Edition& edition, const std::map<std::string, Article>& articles_by_story,
                        FontSet& fonts, Diagnostics& diags, const ComposeHooks& hooks) {
  using namespace compose_detail;
  Context ctx(edition, articles_by_story, fonts, diags, hooks);
  ComposedEdition out;

  std::vector<PageCanvas> pages(edition.pages.size());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    pages[i].spec = &edition.pages[i];
    pages[i].index = i;
    pages[i].report.label = edition.pages[i].label;
    collect_obstacles(pages[i]);
  }
  // Fixed objects first: they are what stories flow around.
  for (PageCanvas& page : pages) {
    // Errors found while setting this page's own content (a headline whose role has no font,
    // a box that cannot be read) are located in the descriptor and belong to this page: its
    // plate is not written (the CLI skips pages named by errors), last night's stays.
    const std::size_t since = diags.size();
    for (const BoxSpec& b : page.spec->boxes) place_box(ctx, page, b);
    for (const ImageSpec& im : page.spec->images) place_image(ctx, page, im);
    for (const RuleSpec& r : page.spec->rules)
      page.add(Layer::Rule, RuleItem{r.from, r.to, r.thickness, r.colour});
    for (const TextBlockSpec& t : page.spec->text_blocks) place_text_block(ctx, page, t);
    for (const HeadlineSpec& h : page.spec->headlines) place_headline(ctx, page, h);
    compose_furniture(ctx, page);
    diags.place_errors_on_page(since, page.spec->label);
  }
  compose_stories(ctx, pages, out.report);
  for (PageCanvas& page : pages) place_column_rules(ctx, page);
  for (PageCanvas& page : pages) compose_marks(ctx, page);

  for (PageCanvas& page : pages) {
    out.report.pages.push_back(std::move(page.report));
    out.pages.push_back(flatten(page));
  }
  return out;
}

}  // namespace paiban
