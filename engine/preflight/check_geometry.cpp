// Checklist §8.2 page geometry, G02–G04, from the raw page dictionaries (pdfinfo prints default
// boxes that are not in the file).
#include <fmt/format.h>

#include "engine/preflight/internal.h"

namespace paiban::preflight_detail {

namespace {

constexpr double kNestTolPt = 0.001;  // PDF reals are written with 3–4 decimals

std::string box_text(const Box& b) {
  return fmt::format("[{} {} {} {}]", fmt_num(b.x0, 3), fmt_num(b.y0, 3), fmt_num(b.x1, 3), fmt_num(b.y1, 3));
}

std::string size_mm(double w, double h) { return fmt::format("{} × {} mm", fmt_num(w * kMmPerPt, 2), fmt_num(h * kMmPerPt, 2)); }

}  // namespace

void check_geometry(Context& ctx) {
  auto& sink = ctx.sink;
  const auto& opt = ctx.options;
  for (const auto& p : ctx.pages) {
    const int n = p.number;
    // G02: TrimBox, no ArtBox, no rotation.
    if (!p.trim) {
      sink.add("G02", Severity::Error, n, std::nullopt, "page has no /TrimBox");
    } else if (p.trim_inherited) {
      // TrimBox is not inheritable (PDF 1.7 Table 30): many RIPs ignore one on a /Pages node.
      sink.add("G02", Severity::Warning, n, std::nullopt,
               "/TrimBox only on a /Pages ancestor; it is not inheritable (PDF 1.7 Table 30), put it on the page");
    }
    if (p.art) sink.add("G02", Severity::Error, n, std::nullopt, fmt::format("page has an /ArtBox {}", box_text(*p.art)));
    if (!p.rotate.isNull() && !(p.rotate.isInteger() && p.rotate.getIntValue() % 360 == 0))
      sink.add("G02", Severity::Error, n, std::nullopt, fmt::format("page has /Rotate {}", p.rotate.unparse()));
    if (!p.media) sink.add("G04", Severity::Error, n, std::nullopt, "page has no valid /MediaBox");

    // G03: trim size within ±0.1 mm.
    if (p.trim && (opt.trim_width || opt.trim_height)) {
      const double tol = 0.1 / kMmPerPt;
      const double want_w = opt.trim_width ? pt_from_sp(*opt.trim_width) : p.trim->width();
      const double want_h = opt.trim_height ? pt_from_sp(*opt.trim_height) : p.trim->height();
      if (std::abs(p.trim->width() - want_w) > tol || std::abs(p.trim->height() - want_h) > tol)
        sink.add("G03", Severity::Error, n, *p.trim,
                 fmt::format("TrimBox is {} ({} × {} pt), expected {}", size_mm(p.trim->width(), p.trim->height()),
                             fmt_num(p.trim->width(), 2), fmt_num(p.trim->height(), 2), size_mm(want_w, want_h)));
    }

    // G04: TrimBox ⊆ BleedBox ⊆ MediaBox; CropBox = MediaBox; bleed width.
    if (p.trim && !p.eff_bleed.contains(*p.trim, kNestTolPt))
      sink.add("G04", Severity::Error, n, *p.trim,
               fmt::format("TrimBox {} is not inside the BleedBox {}", box_text(*p.trim), box_text(p.eff_bleed)));
    if (p.bleed && !p.eff_media.contains(*p.bleed, kNestTolPt))
      sink.add("G04", Severity::Error, n, *p.bleed,
               fmt::format("BleedBox {} is not inside the MediaBox {}", box_text(*p.bleed), box_text(p.eff_media)));
    if (p.crop && p.media &&
        (std::abs(p.crop->x0 - p.media->x0) > kNestTolPt || std::abs(p.crop->y0 - p.media->y0) > kNestTolPt ||
         std::abs(p.crop->x1 - p.media->x1) > kNestTolPt || std::abs(p.crop->y1 - p.media->y1) > kNestTolPt))
      sink.add("G04", Severity::Error, n, std::nullopt,
               fmt::format("CropBox {} differs from the MediaBox {}", box_text(*p.crop), box_text(*p.media)));
    if (opt.bleed && p.trim) {
      const double want = pt_from_sp(*opt.bleed), tol = 0.01 / kMmPerPt;
      if (!p.bleed && want > tol) {
        sink.add("G04", Severity::Error, n, std::nullopt,
                 fmt::format("page has no /BleedBox; expected {} mm bleed", fmt_num(want * kMmPerPt, 2)));
      } else {
        const Box& b = p.eff_bleed;
        const double sides[4] = {p.trim->x0 - b.x0, p.trim->y0 - b.y0, b.x1 - p.trim->x1, b.y1 - p.trim->y1};
        const char* names[4] = {"left", "bottom", "right", "top"};
        for (int i = 0; i < 4; ++i)
          if (std::abs(sides[i] - want) > tol) {
            sink.add("G04", Severity::Error, n, b,
                     fmt::format("bleed is {} mm on the {} side, expected {} mm", fmt_num(sides[i] * kMmPerPt, 2), names[i],
                                 fmt_num(want * kMmPerPt, 2)));
            break;
          }
      }
    }
  }
}

}  // namespace paiban::preflight_detail
