// Page geometry and colour. Coordinates are sp with the origin at the top-left of the trim box,
// y growing downwards (the way designers measure a page); the PDF writer flips y at its edge.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "engine/base/units.h"

namespace paiban {

struct Point {
  Sp x = 0, y = 0;
  bool operator==(const Point&) const = default;
};

struct Rect {
  Sp x = 0, y = 0, w = 0, h = 0;
  Sp right() const { return x + w; }
  Sp bottom() const { return y + h; }
  bool empty() const { return w <= 0 || h <= 0; }
  bool contains(const Rect& o) const { return o.x >= x && o.y >= y && o.right() <= right() && o.bottom() <= bottom(); }
  bool intersects(const Rect& o) const { return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom(); }
  Rect inflated(Sp d) const { return {x - d, y - d, w + 2 * d, h + 2 * d}; }
  bool operator==(const Rect&) const = default;
};

// Process colour in per-mille of each ink (0‥1000), exact and comparable; or a named
// Separation (spot) with its CMYK alternate. Print plates allow nothing else (checklist C01).
struct Cmyk {
  std::int16_t c = 0, m = 0, y = 0, k = 1000;
  std::string spot;  // non-empty: Separation colour space name; c/m/y/k is the alternate
  int tint = 1000;   // spot tint, per mille
  static Cmyk black() { return {0, 0, 0, 1000, {}, 1000}; }
  static Cmyk white() { return {0, 0, 0, 0, {}, 1000}; }
  // Registration colour for printer's marks: the colorant name "All" puts the tint on every plate
  // (PDF 32000-1 §8.6.6.4), the alternate is 100 % of each process ink (checklist C08, G06).
  static Cmyk registration() { return {1000, 1000, 1000, 1000, "All", 1000}; }
  bool is_pure_black() const { return spot.empty() && c == 0 && m == 0 && y == 0 && k == 1000; }
  bool is_white() const { return spot.empty() && c == 0 && m == 0 && y == 0 && k == 0; }
  int total_ink() const { return c + m + y + k; }  // per mille; 2400 = 240 %
  bool operator==(const Cmyk&) const = default;
};

}  // namespace paiban
