// Column rules (分栏线): when the grid asks for them, a hairline in the middle of every gutter
// that separates text columns — between the columns of a frame and between side-by-side frames —
// interrupted where a wrap obstacle (box, picture) crosses the gutter.
#include <algorithm>
#include <map>

#include "engine/compose/compose_internal.h"

namespace paiban::compose_detail {
namespace {

using Segments = std::vector<std::pair<Sp, Sp>>;

Segments merged(Segments s) {
  std::sort(s.begin(), s.end());
  Segments out;
  for (const auto& seg : s) {
    if (!out.empty() && seg.first <= out.back().second) out.back().second = std::max(out.back().second, seg.second);
    else out.push_back(seg);
  }
  return out;
}

Segments minus(const Segments& s, Sp a, Sp b) {
  Segments out;
  for (const auto& seg : s) {
    if (b <= seg.first || a >= seg.second) {
      out.push_back(seg);
      continue;
    }
    if (seg.first < a) out.push_back({seg.first, a});
    if (b < seg.second) out.push_back({b, seg.second});
  }
  return out;
}

}  // namespace

void place_column_rules(Context& /*ctx*/, PageCanvas& canvas) {
  const PageSpec& page = *canvas.spec;
  if (!page.grid.column_rules) return;
  std::map<Sp, Segments> at;  // gutter centre x → vertical segments
  for (const FrameSpec& f : page.frames) {
    const int n = std::max(1, f.columns);
    const Sp gutter = f.gutter > 0 ? f.gutter : (n > 1 ? page.grid.gutter : 0);
    const Sp cw = (f.rect.w - gutter * (n - 1)) / n;
    for (int i = 1; i < n; ++i) at[f.rect.x + i * cw + (i - 1) * gutter + gutter / 2].push_back({f.rect.y, f.rect.bottom()});
  }
  // Side-by-side frames: a gap of up to two grid gutters is a gutter between text columns.
  const Sp max_gap = 2 * page.grid.gutter;
  for (const FrameSpec& a : page.frames)
    for (const FrameSpec& b : page.frames) {
      const Sp gap = b.rect.x - a.rect.right();
      if (&a == &b || gap <= 0 || gap > max_gap) continue;
      const Sp top = std::max(a.rect.y, b.rect.y), bottom = std::min(a.rect.bottom(), b.rect.bottom());
      if (bottom > top) at[a.rect.right() + gap / 2].push_back({top, bottom});
    }
  for (auto& [x, segs] : at) {
    Segments s = merged(segs);
    for (const auto& ob : canvas.obstacles)
      if (ob.rect.x <= x && x <= ob.rect.right()) s = minus(s, ob.rect.y, ob.rect.bottom());
    for (const auto& [y0, y1] : s)
      canvas.add(Layer::Rule, RuleItem{{x, y0}, {x, y1}, page.grid.column_rule_width, Cmyk::black()});
  }
}

}  // namespace paiban::compose_detail
