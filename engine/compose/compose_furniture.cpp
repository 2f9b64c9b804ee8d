// Newspaper furniture (issue 5, a separate task): masthead with calendar, edition line, colophon,
// page header, folio, and the 导读 guide box content. compose() calls compose_furniture() once
// per page after the fixed objects and before the stories; Guide boxes call compose_guide_box()
// with the area left under the box title. Both draw into the page canvas (Layer::Text for text,
// Layer::Rule for rules…), may use set_stack()/set_text()/emit_line() from compose_text.cpp, and
// furniture rectangles with `wrap` set are already obstacles for the stories.
//
// Until that task lands, furniture is reported, not silently skipped.
#include "engine/compose/compose_internal.h"

namespace paiban::compose_detail {

void compose_furniture(Context& ctx, PageCanvas& canvas) {
  const PageSpec& p = *canvas.spec;
  std::string pending;
  auto note = [&](bool present, const char* what) {
    if (present) pending += std::string(pending.empty() ? "" : ", ") + what;
  };
  note(p.masthead.has_value(), "masthead");
  note(p.edition_line.has_value(), "edition line");
  note(p.colophon.has_value(), "colophon");
  note(p.page_header.has_value(), "page header");
  note(p.folio.has_value(), "folio");
  if (!pending.empty())
    ctx.diags.note("compose.furniture-pending", SourceLoc::on_page(p.label),
                   "page " + p.label + ": " + pending + " not drawn (furniture composer not built yet)");
}

void compose_guide_box(Context& ctx, PageCanvas& canvas, const BoxSpec& box, const Rect& /*inner*/) {
  ctx.diags.note("compose.furniture-pending", box.loc,
                 "page " + canvas.spec->label + ": guide box content (导读) not drawn (furniture composer not built yet)");
}

}  // namespace paiban::compose_detail
