#include "engine/compose/page.h"

#include <ostream>

#include "engine/base/text.h"

namespace paiban {
namespace {
std::ostream& operator<<(std::ostream& os, const Cmyk& c) {
  if (!c.spot.empty()) return os << "spot(" << c.spot << ' ' << c.tint << ')';
  return os << "cmyk(" << c.c << ',' << c.m << ',' << c.y << ',' << c.k << ')';
}
}  // namespace

void Page::dump(std::ostream& os) const {
  os << "page " << label << " trim " << fmt_pt(trim_width) << 'x' << fmt_pt(trim_height) << " bleed "
     << fmt_pt(bleed);
  if (slug > 0) os << " slug " << fmt_pt(slug);
  os << '\n';
  for (const auto& item : items) {
    std::visit(
        [&](const auto& it) {
          using T = std::decay_t<decltype(it)>;
          if constexpr (std::is_same_v<T, GlyphRunItem>) {
            std::u32string text;
            for (const auto& g : it.glyphs) text += g.text;
            os << "text face=" << it.face << " size=" << fmt_pt(it.size) << " at " << fmt_pt(it.origin.x) << ','
               << fmt_pt(it.origin.y) << ' ' << it.colour << " |" << encode_utf8(text) << "|";
            for (const auto& g : it.glyphs) os << ' ' << g.gid << '@' << fmt_pt(g.x, 2);
            os << '\n';
          } else if constexpr (std::is_same_v<T, RuleItem>) {
            os << "rule " << fmt_pt(it.from.x) << ',' << fmt_pt(it.from.y) << " -> " << fmt_pt(it.to.x) << ','
               << fmt_pt(it.to.y) << " w=" << fmt_pt(it.thickness) << ' ' << it.colour << '\n';
          } else if constexpr (std::is_same_v<T, BoxItem>) {
            os << "box " << fmt_pt(it.rect.x) << ',' << fmt_pt(it.rect.y) << ' ' << fmt_pt(it.rect.w) << 'x'
               << fmt_pt(it.rect.h);
            if (it.fill) os << " fill=" << *it.fill;
            if (it.stroke) os << " stroke=" << *it.stroke << " w=" << fmt_pt(it.stroke_width);
            os << '\n';
          } else if constexpr (std::is_same_v<T, CircleItem>) {
            os << "circle " << fmt_pt(it.centre.x) << ',' << fmt_pt(it.centre.y) << " r=" << fmt_pt(it.radius)
               << " w=" << fmt_pt(it.thickness) << ' ' << it.colour << '\n';
          } else {
            static_assert(std::is_same_v<T, ImageItem>);
            os << "image " << it.path << " frame " << fmt_pt(it.frame.x) << ',' << fmt_pt(it.frame.y) << ' '
               << fmt_pt(it.frame.w) << 'x' << fmt_pt(it.frame.h) << " at " << fmt_pt(it.placement.x) << ','
               << fmt_pt(it.placement.y) << ' ' << fmt_pt(it.placement.w) << 'x' << fmt_pt(it.placement.h)
               << '\n';
          }
        },
        item);
  }
}

}  // namespace paiban
