// Boxes (border, tint, inset, title; Text and Promo content) and free text blocks. Text that does
// not fit is reported with its count (DEVELOPERS.md: never lose text silently).
#include <string>

#include "engine/compose/compose_internal.h"

namespace paiban::compose_detail {
namespace {

std::string name_of(const char* kind, const Placed& p, std::size_t fallback_index) {
  std::string name = kind;
  name += ':';
  if (p.id.empty()) {
    name += '#';
    name += std::to_string(fallback_index + 1);
  } else {
    name += p.id;
  }
  return name;
}

void report_overset(Context& ctx, const std::string& code, const std::string& what, const StackResult& r,
                    const SourceLoc& loc) {
  if (r.overset_lines == 0) return;
  ctx.diags.warning(code, loc,
                    what + ": " + std::to_string(r.overset_characters) + " characters (" +
                        std::to_string(r.overset_lines) + " lines) do not fit",
                    "enlarge the area or shorten the text");
}

}  // namespace

void place_box(Context& ctx, PageCanvas& canvas, const BoxSpec& spec) {
  const std::size_t index = static_cast<std::size_t>(&spec - canvas.spec->boxes.data());
  const std::string where = name_of("box", spec, index);
  if (spec.tint || spec.border)
    canvas.add(Layer::Background, BoxItem{spec.rect, spec.tint, spec.border, spec.border_width});
  const Sp edge = spec.inset + (spec.border ? spec.border_width : 0);
  Rect inner{spec.rect.x + edge, spec.rect.y + edge, spec.rect.w - 2 * edge, spec.rect.h - 2 * edge};
  if (inner.empty()) return;

  Sp y = inner.y;
  if (!spec.title.empty()) {
    const Style& ts = ctx.style(spec.title_style, spec.loc);
    StackOptions o;
    o.align = to_align(ts.align);
    o.keep_indent = false;
    o.snap_to_grid = false;
    const StackResult r = set_stack(ctx, canvas, split_lines(spec.title), ts, o, inner, where, spec.loc);
    report_overset(ctx, "compose.box-overset", where + " title", r, spec.loc);
    if (r.lines > 0) y = r.bottom + std::max<Sp>(0, ts.leading - ts.size);  // one line gap of the title style
  }
  const Rect rest{inner.x, y, inner.w, inner.bottom() - y};
  switch (spec.content) {
    case BoxSpec::Content::Plain: break;
    case BoxSpec::Content::Guide: compose_guide_box(ctx, canvas, spec, rest); break;
    case BoxSpec::Content::Text:
    case BoxSpec::Content::Promo: {
      if (spec.content == BoxSpec::Content::Promo && !spec.image.empty()) {
        if (rest.empty()) break;
        const auto info = read_image_info(spec.image);
        if (!info) {
          ctx.diags.error("compose.image-unreadable", spec.loc,
                          "cannot read the size of image '" + spec.image + "' (not a readable PNG or JPEG)",
                          "check the path and the file format");
          break;
        }
        canvas.add(Layer::Image, ImageItem{rest, image_placement(rest, *info, ImageSpec::Fit::Fit), spec.image});
        break;
      }
      const Style& st = ctx.style(spec.text_style, spec.loc);
      StackOptions o;
      o.align = to_align(st.align);
      o.keep_indent = spec.content == BoxSpec::Content::Text;  // promo items are headings, not prose
      const StackResult r = set_stack(ctx, canvas, split_lines(spec.text), st, o, rest, where, spec.loc);
      report_overset(ctx, "compose.box-overset", where, r, spec.loc);
      break;
    }
  }
}

void place_text_block(Context& ctx, PageCanvas& canvas, const TextBlockSpec& spec) {
  const std::size_t index = static_cast<std::size_t>(&spec - canvas.spec->text_blocks.data());
  const std::string where = name_of("text", spec, index);
  const Style& st = ctx.style(spec.style, spec.loc);
  StackOptions o;
  o.align = to_align(st.align);
  const StackResult r = set_stack(ctx, canvas, split_lines(spec.text), st, o, spec.rect, where, spec.loc);
  report_overset(ctx, "compose.text-block-overset", where, r, spec.loc);
}

}  // namespace paiban::compose_detail
