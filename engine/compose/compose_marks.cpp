// Printer's marks (output.marks; issue 6, checklist G06): crop marks at the four trim corners,
// registration targets (ring and cross) at the middle of each side and a slug line with the page
// label, the paper and the date. All of it lies in a slug beyond the bleed, stroked or filled in
// the registration colour (Cmyk::registration(): /Separation /All, so every plate carries it and
// the plates can be registered and identified), with 0.3 pt lines (G06: 0.25–0.5 pt). The page
// grows by the slug on every side (Page::slug); trim and bleed stay where they are.
#include <cstdio>

#include "engine/base/text.h"
#include "engine/compose/compose_internal.h"

namespace paiban::compose_detail {
namespace {

// Clear space between the BleedBox and the nearest mark: G06 wants marks entirely outside the
// bleed, and 2 mm keeps them clear of it even with the half line width and a loose trim.
constexpr Sp kMarkGap = sp_from_mm(2);
// Crop marks: 6 mm, within the 5–10 mm printers use; long enough to align the guillotine.
constexpr Sp kCropLength = sp_from_mm(6);
// Registration target: a ring of 2 mm radius with a cross of 3 mm arms through it.
constexpr Sp kTargetRadius = sp_from_mm(2);
constexpr Sp kTargetArm = sp_from_mm(3);
// G06 allows 0.25–0.5 pt; 0.3 pt stays clear of both ends after rounding to 1/1000 pt.
constexpr Sp kMarkLine = sp_from_pt(0.3);
// Slug text: small, but above preflight's F04 minimum (6 pt), in the body face so no font is
// added to the page just for the slug.
constexpr Sp kSlugTextSize = sp_from_pt(7);
// The slug: the gap, the longest mark (crop mark; the target is 2 × 3 mm) and 2 mm to the edge
// of the sheet.
constexpr Sp kSlug = kMarkGap + kCropLength + sp_from_mm(2);
static_assert(2 * kTargetArm <= kCropLength, "the registration target must fit in the slug");

std::u32string u32_of(const std::string& s) {
  auto d = decode_utf8(s);
  return d ? *d : std::u32string{};
}

void crop_marks(PageCanvas& canvas, Sp w, Sp h, Sp out) {
  const Cmyk reg = Cmyk::registration();
  // Each corner: one mark on the extension of each trim edge, starting `out` from the trim.
  for (const Sp x : {Sp{0}, w})
    for (const Sp y : {Sp{0}, h}) {
      const Sp dx = x == 0 ? -1 : 1, dy = y == 0 ? -1 : 1;
      canvas.add(Layer::Rule, RuleItem{{x + dx * out, y}, {x + dx * (out + kCropLength), y}, kMarkLine, reg});
      canvas.add(Layer::Rule, RuleItem{{x, y + dy * out}, {x, y + dy * (out + kCropLength)}, kMarkLine, reg});
    }
}

void target(PageCanvas& canvas, Point c) {
  const Cmyk reg = Cmyk::registration();
  canvas.add(Layer::Rule, CircleItem{c, kTargetRadius, kMarkLine, reg});
  canvas.add(Layer::Rule, RuleItem{{c.x - kTargetArm, c.y}, {c.x + kTargetArm, c.y}, kMarkLine, reg});
  canvas.add(Layer::Rule, RuleItem{{c.x, c.y - kTargetArm}, {c.x, c.y + kTargetArm}, kMarkLine, reg});
}

// The slug line under the page: "A1  山西科技报  2024-06-14", from the bottom-left corner's crop
// mark to the bottom registration target.
void slug_line(Context& ctx, PageCanvas& canvas, Sp w, Sp h, Sp out) {
  const PageSpec& page = *canvas.spec;
  const EditionMeta& meta = ctx.edition.meta;
  std::u32string text = u32_of(page.label);
  if (!meta.paper.empty()) text += U"  " + u32_of(meta.paper);
  if (meta.year > 0) {
    char date[40];  // room for any int, so the compiler can see no truncation
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", meta.year, meta.month, meta.day);
    text += U"  " + u32_of(date);
  }
  Style st = ctx.body_style(page);
  st.size = kSlugTextSize;
  st.leading = kSlugTextSize;
  st.tracking = 0;
  ParagraphStyle ps = ctx.paragraph_style(st);
  ps.align = Align::Start;
  ps.first_indent = 0;
  const Sp x = kMarkGap;  // clear of the corner's vertical crop mark at x = 0
  const Sp width = w / 2 - kTargetArm - kMarkGap - x;
  if (width < kSlugTextSize) return;  // no room beside the marks (a tiny page)
  const SetText set = set_text(ctx, {text}, ps, width, page.loc);
  if (set.lines.empty() || set.lines.front().lines.empty()) return;
  const auto& lines = set.lines.front().lines;
  if (lines.size() > 1)
    ctx.diags.warning("compose.slug-overflow", SourceLoc::on_page(page.label),
                      "the slug line does not fit beside the marks; only its first line is printed",
                      "shorten the paper's name");
  // Em-box top 1 mm below the mark gap: the text's ink box (which fonts may draw taller than the
  // em box) stays outside the bleed (G06).
  const Sp top = h + out + sp_from_mm(1);
  emit_line(canvas, set.paragraphs.front(), lines.front(), {x, top + ctx.ascent(st)}, Cmyk::registration(), "slug", 0,
            0);
}

}  // namespace

void compose_marks(Context& ctx, PageCanvas& canvas) {
  if (!ctx.edition.output.marks) return;
  const PageSpec& page = *canvas.spec;
  const Sp w = page.trim_width, h = page.trim_height;
  const Sp out = page.bleed + kMarkGap;  // trim edge → nearest mark
  canvas.slug = kSlug;
  crop_marks(canvas, w, h, out);
  target(canvas, {w / 2, -(out + kTargetArm)});
  target(canvas, {w / 2, h + out + kTargetArm});
  target(canvas, {-(out + kTargetArm), h / 2});
  target(canvas, {w + out + kTargetArm, h / 2});
  slug_line(ctx, canvas, w, h, out);
}

}  // namespace paiban::compose_detail
