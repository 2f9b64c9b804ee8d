// Shared by the compose_*.cpp files (not a public header). One file per kind of object:
//   compose.cpp           the top-level compose(): reads as the stage's pipeline
//   compose_text.cpp      lines → glyph runs; paragraph stacks in a rectangle (boxes, text blocks)
//   compose_headline.cpp  headline blocks (引题/主题/副题/提要/署名) on whole body lines
//   compose_story.cpp     stories through frame chains, jump lines, overset/underset, conservation
//   compose_image.cpp     image headers and fit/fill/crop placement, captions
//   compose_box.cpp       boxes (border, tint, inset, title, text/promo content), text blocks
//   compose_rules.cpp     column rules (分栏线)
//   compose_furniture.cpp masthead, edition line, colophon, page header, folio, 导读 (issue 5)
//   compose_marks.cpp     printer's marks and slug (output.marks)
//   compose_report.cpp    ComposeReport::dump
#pragma once

#include <array>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "engine/compose/compose.h"
#include "engine/flow/flow.h"
#include "engine/linebreak/linebreak.h"

namespace paiban::compose_detail {

// Paint order on a page: backgrounds under images under rules under text.
enum class Layer { Background = 0, Image = 1, Rule = 2, Text = 3 };

struct ItemRef {
  std::size_t page = 0;
  std::size_t index = 0;  // into the page's Text layer
};

// A page while it is being composed: items by layer, and what text must flow around.
struct PageCanvas {
  const PageSpec* spec = nullptr;
  std::size_t index = 0;
  std::array<std::vector<DisplayItem>, 4> layers;
  struct Obstacle {
    Rect rect;             // grown by the wrap offset
    const Placed* source;  // the object (a frame is never its own obstacle)
  };
  std::vector<Obstacle> obstacles;
  PageReport report;
  Sp slug = 0;  // Page::slug, set by compose_marks

  std::size_t add(Layer layer, DisplayItem item) {
    auto& v = layers[static_cast<int>(layer)];
    v.push_back(std::move(item));
    return v.size() - 1;
  }
  GlyphRunItem& text_item(std::size_t i) { return std::get<GlyphRunItem>(layers[static_cast<int>(Layer::Text)][i]); }
  std::vector<Rect> obstacles_for(const Placed* self) const;
  StoryOnPage& story_entry(const std::string& story);
};

// The page's baseline grid (rule book §6) in the numbers flow needs.
struct GridMetrics {
  Sp top = 0;     // em-box top of grid slot 0
  Sp pitch = 0;   // body line pitch
  Sp em = 0;      // body size
  Sp ascent = 0;  // body em-box top → baseline
};

class Context {
 public:
  Context(const Edition& edition, const std::map<std::string, Article>& articles, FontSet& fonts, Diagnostics& diags,
          const ComposeHooks& hooks = {})
      : edition(edition), articles(articles), fonts(fonts), diags(diags), hooks(hooks) {}

  // The named style; an unknown name is reported once (compose.unknown-style) and the body
  // style (or the defaults) used instead, so text is still set.
  const Style& style(const std::string& name, const SourceLoc& where);
  ParagraphStyle paragraph_style(const Style& s) const;
  // Distance from the em-box top to the baseline: the font's ideographic em box (OpenType BASE
  // `ideo`), else 0.88 em (the Adobe-Identity em box, descent 0.12 em, of Noto/Source Han).
  Sp ascent(const Style& s);
  GridMetrics grid(const PageSpec& page);
  const Style& body_style(const PageSpec& page);

  const Edition& edition;
  const std::map<std::string, Article>& articles;
  FontSet& fonts;
  Diagnostics& diags;
  const ComposeHooks& hooks;

 private:
  std::map<std::string, Style> fallback_styles_;
  std::map<std::tuple<std::string, int, Sp>, Sp> ascent_cache_;
};

Align to_align(TextAlign a);
KinsokuLevel to_kinsoku(const std::string& name);

// --- compose_text.cpp ---------------------------------------------------------------------

// Emits one line as glyph runs (one per face/size segment) on `canvas`'s text layer. Every glyph
// that starts a cluster carries the cluster's source text; characters of the line that no glyph
// stands for (a dropped space) join the neighbouring cluster's text, so a line's glyph text is
// exactly text[begin, end) (line_items.h). Returns the refs of the items added. Missing glyphs inside the line
// are added to the page report under `where`.
std::vector<ItemRef> emit_line(PageCanvas& canvas, const PreparedParagraph& p, const Line& line, Point origin,
                               const Cmyk& colour, const std::string& where, std::size_t paragraph,
                               std::uint32_t text_offset);

// Text of a line as its glyphs will carry it: text[begin, end).
std::u32string line_text(const PreparedParagraph& p, const Line& line);

// Paragraphs prepared and broken at one measure.
struct SetText {
  std::vector<PreparedParagraph> paragraphs;
  std::vector<LineSet> lines;
  int line_count() const;
  std::size_t characters() const;
  // Em-box top of the first line to em-box bottom of the last at `leading` (0 when empty).
  Sp height(Sp size, Sp leading) const;
};
SetText set_text(Context& ctx, const std::vector<std::u32string>& paragraphs, const ParagraphStyle& style, Sp width,
                 const SourceLoc& loc);

// Sets paragraphs top-down in `area` at the style's own leading (snapped to the page grid when
// the style's leading is the grid pitch). Lines that do not fit are counted, not drawn.
struct StackResult {
  Sp bottom = 0;                  // page y below the last line set (area.y when nothing was set)
  int lines = 0;
  int overset_lines = 0;
  std::size_t overset_characters = 0;
};
struct StackOptions {
  Align align = Align::Justify;
  bool keep_indent = true;        // false: first_indent = 0 (promo items, titles)
  bool snap_to_grid = true;
};
StackResult set_stack(Context& ctx, PageCanvas& canvas, const std::vector<std::u32string>& paragraphs,
                      const Style& style, const StackOptions& options, const Rect& area, const std::string& where,
                      const SourceLoc& loc);

std::vector<std::u32string> split_lines(const std::u32string& text);  // on '\n', empty items dropped

// --- compose_headline.cpp / compose_image.cpp / compose_story.cpp / compose_furniture.cpp ---

void place_headline(Context& ctx, PageCanvas& canvas, const HeadlineSpec& spec);
void place_image(Context& ctx, PageCanvas& canvas, const ImageSpec& spec);
void place_box(Context& ctx, PageCanvas& canvas, const BoxSpec& spec);
void place_text_block(Context& ctx, PageCanvas& canvas, const TextBlockSpec& spec);
void place_column_rules(Context& ctx, PageCanvas& canvas);
void compose_stories(Context& ctx, std::vector<PageCanvas>& pages, ComposeReport& report);

// Issue 5 extension point: the furniture of one page (masthead with calendar, edition line,
// colophon, page header, folio) and the content of Guide boxes (导读), drawn on `canvas`.
void compose_furniture(Context& ctx, PageCanvas& canvas);
void compose_guide_box(Context& ctx, PageCanvas& canvas, const BoxSpec& box, const Rect& inner);

// Issue 6: crop marks, registration targets and the slug line outside the bleed, in the
// registration colour, when the edition asks for marks (checklist G06); sets canvas.slug.
void compose_marks(Context& ctx, PageCanvas& canvas);

// Slots needed by a block of `content` height on a grid (rule book §6).
int grid_lines_for(Sp content, const GridMetrics& g);

}  // namespace paiban::compose_detail
