// Newspaper furniture (issue 5): masthead with calendar, edition line, colophon, page header
// (报眉), folio, and the 导读 guide box content. compose() calls compose_furniture() once per page
// after the fixed objects and before the stories; Guide boxes call compose_guide_box() with the
// area left under the box title. Everything printed comes from the edition's metadata, the page's
// keys and the articles' front matter; every piece of text goes through the line breaker
// (set_text → emit_line), so glyphs carry their source text (ToUnicode) and missing glyphs are
// reported like any other text. Text that does not fit is reported with its count
// (DEVELOPERS.md: never lose text silently).
#include <algorithm>
#include <limits>

#include "engine/base/calendar.h"
#include "engine/base/text.h"
#include "engine/compose/compose_internal.h"

namespace paiban::compose_detail {
namespace {

std::u32string u32(const std::string& s) {
  auto d = decode_utf8(s);
  return d ? *d : std::u32string{};
}

std::u32string num(long long n) { return u32(std::to_string(n)); }

// Text not drawn because it did not fit, added up per object.
struct Overset {
  int lines = 0;
  std::size_t characters = 0;
  void add(const Overset& o) {
    lines += o.lines;
    characters += o.characters;
  }
};

void report_overset(Context& ctx, const std::string& what, const Overset& o, const SourceLoc& loc) {
  if (o.lines == 0) return;
  ctx.diags.warning("compose.furniture-overset", loc,
                    what + ": " + std::to_string(o.characters) + " characters (" + std::to_string(o.lines) +
                        " lines) do not fit",
                    "enlarge the area, use a smaller style or shorten the metadata");
}

// Paragraphs set in one style at one measure, not yet placed.
struct Block {
  const Style* style = nullptr;
  SetText set;
  Sp leading = 0;
  Sp height() const { return set.height(style->size, leading); }
  int lines() const { return set.line_count(); }
  Sp natural() const {  // widest line as set (before justification)
    Sp w = 0;
    for (const LineSet& ls : set.lines)
      for (const Line& l : ls.lines) w = std::max(w, l.natural);
    return w;
  }
};

Block make_block(Context& ctx, const std::vector<std::u32string>& paragraphs, const Style& st, Align align,
                 Sp measure, const SourceLoc& loc) {
  ParagraphStyle ps = ctx.paragraph_style(st);
  ps.align = align;
  ps.first_indent = 0;  // furniture lines are labels, not prose
  Block b;
  b.style = &st;
  b.leading = st.leading > 0 ? st.leading : st.size;
  b.set = set_text(ctx, paragraphs, ps, std::max<Sp>(measure, st.size), loc);
  return b;
}

// A single line measured at its natural width (a field of the edition line or the colophon).
Block make_field(Context& ctx, const std::u32string& text, const Style& st, const SourceLoc& loc) {
  // Wide enough never to break: 4096 em.
  return make_block(ctx, {text}, st, Align::Start, st.size * 4096, loc);
}

// Draws `b` with its first em-box top at `top`; lines whose em box would end below `limit` are
// counted, not drawn.
Overset draw_block(Context& ctx, PageCanvas& canvas, const Block& b, Sp x, Sp top, Sp limit, const std::string& where) {
  Overset o;
  const Sp ascent = ctx.ascent(*b.style);
  for (std::size_t p = 0; p < b.set.paragraphs.size(); ++p)
    for (const Line& line : b.set.lines[p].lines) {
      if (top + b.style->size > limit) {
        ++o.lines;
        o.characters += line_text(b.set.paragraphs[p], line).size();
      } else {
        emit_line(canvas, b.set.paragraphs[p], line, {x, top + ascent}, b.style->colour, where, p, 0);
      }
      top += b.leading;
    }
  return o;
}

// Stacks blocks top-down with `gap` between them, the whole stack centred vertically in `area`
// (top-aligned when it is taller than the area, the rest counted as overset).
Overset draw_stack(Context& ctx, PageCanvas& canvas, const std::vector<Block>& blocks, const Rect& area, Sp gap,
                   const std::string& where) {
  Sp total = 0;
  for (const Block& b : blocks) total += b.height();
  if (!blocks.empty()) total += gap * static_cast<Sp>(blocks.size() - 1);
  Sp top = area.y + std::max<Sp>(0, (area.h - total) / 2);
  Overset o;
  for (const Block& b : blocks) {
    o.add(draw_block(ctx, canvas, b, area.x, top, area.bottom(), where));
    top += b.height() + gap;
  }
  return o;
}

// Fields on one line spread across `width` with equal space between them (the edition line and
// the colophon are justified by field, as papers print them: no letter-spacing inside a field).
// Returns false when they do not fit with at least `min_gap` between fields.
bool fields_fit(const std::vector<Block>& fields, std::size_t from, std::size_t to, Sp width, Sp min_gap) {
  Sp total = 0;
  for (std::size_t i = from; i < to; ++i) {
    if (fields[i].lines() != 1) return false;
    total += fields[i].natural();
  }
  return total + min_gap * static_cast<Sp>(to - from - 1) <= width;
}

Sp fields_width(const std::vector<Block>& fields, std::size_t from, std::size_t to, Sp min_gap) {
  Sp total = 0;
  for (std::size_t i = from; i < to; ++i) total += fields[i].natural();
  return total + min_gap * static_cast<Sp>(to - from - 1);
}

void draw_spread(Context& ctx, PageCanvas& canvas, const std::vector<Block>& fields, std::size_t from, std::size_t to,
                 Sp x, Sp width, Sp top, const std::string& where) {
  Sp total = 0;
  for (std::size_t i = from; i < to; ++i) total += fields[i].natural();
  const std::size_t n = to - from;
  // One field alone is centred; otherwise the first starts at the left edge, the last ends at
  // the right edge.
  Sp pen = n == 1 ? x + (width - total) / 2 : x;
  const Sp gap = n > 1 ? (width - total) / static_cast<Sp>(n - 1) : 0;
  for (std::size_t i = from; i < to; ++i) {
    draw_block(ctx, canvas, fields[i], pen, top, std::numeric_limits<Sp>::max(), where);
    pen += fields[i].natural() + gap;
  }
}

// Fields of an edition line or colophon in `area`: one line if they fit, else two lines split at
// the field boundary that balances them best, else the fields as one justified paragraph whose
// lines beyond the area are reported.
Overset draw_fields(Context& ctx, PageCanvas& canvas, const std::vector<std::u32string>& texts, const Style& st,
                    const Rect& area, bool allow_two_lines, const std::string& where, const SourceLoc& loc) {
  Overset o;
  if (texts.empty() || area.empty()) return o;
  std::vector<Block> fields;
  for (const auto& t : texts) fields.push_back(make_field(ctx, t, st, loc));
  const Sp min_gap = st.size;  // at least one em between fields
  const Sp leading = st.leading > 0 ? st.leading : st.size;
  const std::size_t n = fields.size();
  if (fields_fit(fields, 0, n, area.w, min_gap)) {
    const Sp top = area.y + std::max<Sp>(0, (area.h - st.size) / 2);
    if (top + st.size > area.bottom()) {
      o.lines = 1;
      for (const auto& t : texts) o.characters += t.size();
      return o;
    }
    draw_spread(ctx, canvas, fields, 0, n, area.x, area.w, top, where);
    return o;
  }
  if (allow_two_lines && n > 1) {
    std::size_t best = 0;
    Sp best_width = 0;
    for (std::size_t k = 1; k < n; ++k) {
      if (!fields_fit(fields, 0, k, area.w, min_gap) || !fields_fit(fields, k, n, area.w, min_gap)) continue;
      const Sp w = std::max(fields_width(fields, 0, k, min_gap), fields_width(fields, k, n, min_gap));
      if (best == 0 || w < best_width) best = k, best_width = w;
    }
    if (best > 0) {
      const Sp height = leading + st.size;
      const Sp top = area.y + std::max<Sp>(0, (area.h - height) / 2);
      const std::pair<std::size_t, std::size_t> lines[] = {{0, best}, {best, n}};
      Sp line_top = top;
      for (const auto& [from, to] : lines) {
        if (line_top + st.size > area.bottom()) {
          ++o.lines;
          for (std::size_t i = from; i < to; ++i) o.characters += texts[i].size();
        } else {
          draw_spread(ctx, canvas, fields, from, to, area.x, area.w, line_top, where);
        }
        line_top += leading;
      }
      return o;
    }
  }
  // Too long for the furniture's lines: set it as prose so nothing is dropped, report the rest.
  std::u32string joined;
  for (const auto& t : texts) joined += (joined.empty() ? U"" : U" ") + t;
  const Block b = make_block(ctx, {joined}, st, Align::Justify, area.w, loc);
  o.add(draw_block(ctx, canvas, b, area.x, area.y, area.bottom(), where));
  if (b.lines() > (allow_two_lines ? 2 : 1) && o.lines == 0)
    ctx.diags.warning("compose.furniture-overflow", loc,
                      "page " + canvas.spec->label + ": " + where + " needs " + std::to_string(b.lines()) + " lines",
                      "enlarge the area or shorten the metadata");
  return o;
}

std::u32string year_month(const EditionMeta& m) { return num(m.year) + U"年" + num(m.month) + U"月"; }
std::u32string full_date(const EditionMeta& m) { return year_month(m) + num(m.day) + U"日"; }

// --- masthead 报头 ---------------------------------------------------------------------------

void draw_calendar(Context& ctx, PageCanvas& canvas, const MastheadSpec& m, const Style& frame_style) {
  const EditionMeta& meta = ctx.edition.meta;
  const CivilDate date{meta.year, meta.month, meta.day};
  if (!is_valid(date)) {
    ctx.diags.warning("compose.masthead-date", m.loc,
                      "page " + canvas.spec->label + ": the edition has no valid date; the calendar block is empty",
                      "give [edition] date = 2024-06-14");
    return;
  }
  // A thin frame in the masthead colour around the block, as papers print it.
  canvas.add(Layer::Background, BoxItem{m.calendar, std::nullopt, frame_style.colour, sp_from_pt(0.75)});
  const Style& text = ctx.style(m.calendar_style, m.loc);
  const Style& day = ctx.style(m.day_style, m.loc);
  const Sp inset = text.size / 2;
  const Rect inner{m.calendar.x + inset, m.calendar.y + inset, m.calendar.w - 2 * inset, m.calendar.h - 2 * inset};
  std::vector<Block> blocks;
  blocks.push_back(make_block(ctx, {year_month(meta)}, text, Align::Center, inner.w, m.loc));
  blocks.push_back(make_block(ctx, {num(meta.day)}, day, Align::Center, inner.w, m.loc));
  std::vector<std::u32string> lower{u32(weekday_name(date))};
  if (auto lunar = lunar_date(date)) {
    const LunarLines l = format_lunar_lines(*lunar);
    lower.push_back(u32(l.year_line));
    lower.push_back(u32(l.date_line));
  } else {
    ctx.diags.note("compose.masthead-date", m.loc,
                   "page " + canvas.spec->label + ": no lunar date for years outside " +
                       std::to_string(kLunarFirstYear) + "–" + std::to_string(kLunarLastYear));
  }
  blocks.push_back(make_block(ctx, lower, text, Align::Center, inner.w, m.loc));
  report_overset(ctx, "page " + canvas.spec->label + " calendar",
                 draw_stack(ctx, canvas, blocks, inner, text.size / 2, "masthead:calendar"), m.loc);
}

void draw_masthead(Context& ctx, PageCanvas& canvas, const MastheadSpec& m) {
  const EditionMeta& meta = ctx.edition.meta;
  const GridSpec& grid = canvas.spec->grid;
  const Sp gutter = grid.gutter > 0 ? grid.gutter : sp_from_pt(9);
  const Rect& r = m.rect;
  const Style& name_style = ctx.style(m.name_style, m.loc);
  const Style& small = ctx.style(m.small_style, m.loc);
  const Style& slogan = ctx.style(m.slogan_style, m.loc);
  Overset lost;

  if (!m.calendar.empty()) draw_calendar(ctx, canvas, m, name_style);
  // Left to right: [calendar] [name] [subtitle over slogan] [frequency, hotline].
  Sp left = r.x;
  if (!m.calendar.empty() && m.calendar.right() > r.x && m.calendar.x < r.x + r.w / 2) left = m.calendar.right() + gutter;
  const Sp column = grid.column_width() > 0 ? grid.column_width() : r.w / 6;
  const bool side = !meta.frequency.empty() || !meta.hotline.empty();
  const Sp right = side ? r.right() - column - gutter : r.right();
  if (right <= left) return;

  // The paper's name: the logo image, else the name set large (a single line at its natural
  // width, so the words after it start where it ends).
  Sp name_right = left;
  if (!m.logo.empty()) {
    if (const auto info = read_image_info(m.logo)) {
      const Rect frame{left, r.y, std::min<Sp>(right - left, r.h * 4), r.h};
      const Rect place = image_placement(frame, *info, ImageSpec::Fit::Fit);
      canvas.add(Layer::Image, ImageItem{frame, place, m.logo});
      name_right = place.right();
    } else {
      ctx.diags.error("compose.image-unreadable", m.loc,
                      "cannot read the size of the masthead logo '" + m.logo + "' (not a readable PNG or JPEG)",
                      "check the path and the file format");
    }
  } else if (!meta.paper.empty()) {
    const Block name = make_block(ctx, {u32(meta.paper)}, name_style, Align::Start, right - left, m.loc);
    const Sp w = name.natural();
    lost.add(draw_stack(ctx, canvas, {name}, {left, r.y, w, r.h}, 0, "masthead:name"));
    name_right = left + w;
  }

  // Subtitle (立媒 科经) over the slogan, centred in the space after the name.
  const Sp mid_left = name_right + 2 * gutter;
  if (right > mid_left) {
    std::vector<Block> mid;
    if (!meta.subtitle.empty()) mid.push_back(make_block(ctx, {u32(meta.subtitle)}, small, Align::Center, right - mid_left, m.loc));
    if (!meta.slogan.empty()) mid.push_back(make_block(ctx, {u32(meta.slogan)}, slogan, Align::Center, right - mid_left, m.loc));
    lost.add(draw_stack(ctx, canvas, mid, {mid_left, r.y, right - mid_left, r.h}, slogan.size / 2, "masthead:slogan"));
  } else if (!meta.subtitle.empty() || !meta.slogan.empty()) {
    lost.lines += 1;
    lost.characters += u32(meta.subtitle).size() + u32(meta.slogan).size();
  }

  // Right column: frequency, then the hotline block in a thin frame.
  if (side) {
    const Rect col{r.right() - column, r.y, column, r.h};
    std::vector<Block> blocks;
    if (!meta.frequency.empty()) blocks.push_back(make_block(ctx, {u32(meta.frequency)}, slogan, Align::Center, col.w, m.loc));
    if (!meta.hotline.empty())
      blocks.push_back(make_block(ctx, {U"新闻热线", u32(meta.hotline)}, small, Align::Center, col.w, m.loc));
    lost.add(draw_stack(ctx, canvas, blocks, col, small.size, "masthead:hotline"));
    if (!meta.hotline.empty()) {
      // Frame the hotline: its lines are the last block of the centred stack.
      Sp total = 0;
      for (const Block& b : blocks) total += b.height();
      total += small.size * static_cast<Sp>(blocks.size() - 1);
      const Sp bottom = col.y + std::max<Sp>(0, (col.h - total) / 2) + total;
      const Sp h = blocks.back().height();
      canvas.add(Layer::Background, BoxItem{{col.x + small.size, bottom - h - small.size / 2, col.w - 2 * small.size,
                                             h + small.size},
                                            std::nullopt, name_style.colour, sp_from_pt(0.5)});
    }
  }
  report_overset(ctx, "page " + canvas.spec->label + " masthead", lost, m.loc);
}

// --- edition line, colophon, page header, folio -------------------------------------------------

void draw_edition_line(Context& ctx, PageCanvas& canvas, const EditionLineSpec& e) {
  const EditionMeta& meta = ctx.edition.meta;
  std::vector<std::u32string> fields;
  if (!meta.serial.empty()) fields.push_back(U"国内统一连续出版物号 " + u32(meta.serial));
  if (!meta.postal_code.empty()) fields.push_back(U"邮发代号 " + u32(meta.postal_code));
  if (meta.issue_number > 0) fields.push_back(U"总第 " + num(meta.issue_number) + U" 期");
  // 今日 N 版: the pages of this edition, counted, never typed.
  fields.push_back(U"今日 " + num(static_cast<long long>(ctx.edition.pages.size())) + U" 版");
  const Style& st = ctx.style(e.style, e.loc);
  report_overset(ctx, "page " + canvas.spec->label + " edition line",
                 draw_fields(ctx, canvas, fields, st, e.rect, false, "edition-line", e.loc), e.loc);
}

void draw_colophon(Context& ctx, PageCanvas& canvas, const ColophonSpec& c) {
  std::vector<std::u32string> fields;
  for (const auto& [label, value] : ctx.edition.meta.colophon)
    fields.push_back(label.empty() ? u32(value) : u32(label) + U"：" + u32(value));
  if (fields.empty()) {
    ctx.diags.warning("compose.colophon-empty", c.loc, "page " + canvas.spec->label + ": the colophon has no fields",
                      "give [edition] colophon = [[\"主管\", \"…\"], …]");
    return;
  }
  const Style& st = ctx.style(c.style, c.loc);
  report_overset(ctx, "page " + canvas.spec->label + " colophon",
                 draw_fields(ctx, canvas, fields, st, c.rect, true, "colophon", c.loc), c.loc);
}

void draw_page_header(Context& ctx, PageCanvas& canvas, const PageHeaderSpec& h) {
  const PageSpec& page = *canvas.spec;
  const EditionMeta& meta = ctx.edition.meta;
  const Style& st = ctx.style(h.style, h.loc);
  const Rect& r = h.rect;
  // The line sits on the rule with a quarter em between them.
  const Sp top = std::max(r.y, r.bottom() - h.rule - st.size / 4 - st.size);
  std::u32string left = u32(page.label);
  if (!page.section.empty()) left += U"  " + u32(page.section);
  std::u32string centre = u32(meta.paper);
  if (is_valid({meta.year, meta.month, meta.day}))
    centre += (centre.empty() ? U"" : U"  ") + full_date(meta) + U"  " + u32(weekday_name({meta.year, meta.month, meta.day}));
  const std::u32string right = page.editor.empty() ? U"" : U"责编：" + u32(page.editor);
  Overset lost;
  const Block l = make_block(ctx, {left}, st, Align::Start, r.w, h.loc);
  lost.add(draw_block(ctx, canvas, l, r.x, top, r.bottom(), "page-header"));
  if (!centre.empty()) {
    const Block c = make_block(ctx, {centre}, st, Align::Center, r.w, h.loc);
    lost.add(draw_block(ctx, canvas, c, r.x, top, r.bottom(), "page-header"));
  }
  if (!right.empty()) {
    const Block e = make_block(ctx, {right}, st, Align::End, r.w, h.loc);
    lost.add(draw_block(ctx, canvas, e, r.x, top, r.bottom(), "page-header"));
  }
  if (h.rule > 0)
    canvas.add(Layer::Rule, RuleItem{{r.x, r.bottom() - h.rule / 2}, {r.right(), r.bottom() - h.rule / 2}, h.rule,
                                     Cmyk::black()});
  report_overset(ctx, "page " + page.label + " page header", lost, h.loc);
}

void draw_folio(Context& ctx, PageCanvas& canvas, const FolioSpec& f) {
  const Style& st = ctx.style(f.style, f.loc);
  const Block b = make_block(ctx, {u32(canvas.spec->label)}, st, to_align(st.align), f.rect.w, f.loc);
  report_overset(ctx, "page " + canvas.spec->label + " folio", draw_stack(ctx, canvas, {b}, f.rect, 0, "folio"), f.loc);
}

}  // namespace

void compose_furniture(Context& ctx, PageCanvas& canvas) {
  const PageSpec& p = *canvas.spec;
  if (p.masthead) draw_masthead(ctx, canvas, *p.masthead);
  if (p.edition_line) draw_edition_line(ctx, canvas, *p.edition_line);
  if (p.page_header) draw_page_header(ctx, canvas, *p.page_header);
  if (p.folio) draw_folio(ctx, canvas, *p.folio);
  if (p.colophon) draw_colophon(ctx, canvas, *p.colophon);
}

// 导读: the stories flagged guide (descriptor or front matter) that start on another page, in
// edition order (by the page and frame where each starts), each as kicker / headline / subtitle,
// grouped by page with the page's label ("A2 版") after its group.
void compose_guide_box(Context& ctx, PageCanvas& canvas, const BoxSpec& box, const Rect& inner) {
  struct Entry {
    int page, frame;
    std::size_t order;
    const Article* article;
  };
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < ctx.edition.stories.size(); ++i) {
    const StorySpec& s = ctx.edition.stories[i];
    const auto art = ctx.articles.find(s.id);
    const Article* a = art == ctx.articles.end() ? nullptr : &art->second;
    if (!(s.guide || (a && a->guide)) || s.chain.empty() || !a) continue;
    if (static_cast<std::size_t>(s.chain.front().page) == canvas.index) continue;  // already on this page
    entries.push_back({s.chain.front().page, s.chain.front().frame, i, a});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.page, a.frame, a.order) < std::tie(b.page, b.frame, b.order);
  });
  const std::string where = "box:" + (box.id.empty() ? std::string("guide") : box.id);
  if (entries.empty()) {
    ctx.diags.note("compose.guide-empty", box.loc,
                   "page " + canvas.spec->label + ": no story on another page is flagged guide; the 导读 box is empty",
                   "set guide = true on the stories to list");
    return;
  }
  // Kicker in the box text style; the headline in the same size, 黑体 bold, so it reads as the
  // title; the page label in 黑体, set to the right (in the text's colour: small type in a
  // two-ink red would need perfect register, preflight C06).
  const Style& text = ctx.style(box.text_style, box.loc);
  Style headline = text;
  headline.font_role = "hei";
  headline.weight = 700;
  Style label = text;
  label.font_role = "hei";
  const Sp leading = text.leading > 0 ? text.leading : text.size;
  const Sp gap = leading / 2;  // half a line between entries

  StackOptions start;
  start.align = Align::Start;
  start.keep_indent = false;
  start.snap_to_grid = false;
  StackOptions end = start;
  end.align = Align::End;
  Overset lost;
  Sp y = inner.y;
  auto stack = [&](const std::vector<std::u32string>& paras, const Style& st, const StackOptions& o) {
    if (paras.empty()) return;
    const Rect area{inner.x, y, inner.w, std::max<Sp>(0, inner.bottom() - y)};
    const StackResult r = set_stack(ctx, canvas, paras, st, o, area, where, box.loc);
    lost.lines += r.overset_lines;
    lost.characters += r.overset_characters;
    if (r.lines > 0) y = r.bottom + (st.leading > st.size ? st.leading - st.size : 0);
    else y = inner.bottom();
  };
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Article& a = *entries[i].article;
    std::vector<std::u32string> first;
    if (!a.kicker.empty()) first = split_lines(a.kicker);
    stack(first, text, start);
    std::vector<std::u32string> title = split_lines(a.headline);
    for (auto& l : split_lines(a.subtitle)) title.push_back(l);
    stack(title, headline, start);
    const bool last_of_page = i + 1 == entries.size() || entries[i + 1].page != entries[i].page;
    if (last_of_page) {
      stack({u32(ctx.edition.pages[static_cast<std::size_t>(entries[i].page)].label) + U" 版"}, label, end);
      y += gap;
    }
    y += gap;
  }
  report_overset(ctx, "page " + canvas.spec->label + " " + where + " (导读)", lost, box.loc);
}

}  // namespace paiban::compose_detail
