// The page display list: the contract between layout and output (docs/architecture.md).
// Everything the PDF writer draws, in paint order, in page coordinates (sp, origin at the top-left
// of the trim box, y down). It knows nothing of articles or descriptors, and nothing of PDF.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/base/geometry.h"
#include "engine/base/units.h"
#include "engine/fonts/fonts.h"

namespace paiban {

struct PlacedGlyph {
  std::uint32_t gid = 0;
  Sp x = 0;         // pen position relative to the run origin (offsets already applied)
  Sp y = 0;         // vertical offset relative to the baseline, y down
  Sp advance = 0;   // shaped advance (the font's /W width at this size, before justification)
  std::u32string text;  // the source characters this glyph stands for (first glyph of a cluster);
                        // empty for the other glyphs of a multi-glyph cluster. Feeds ToUnicode.
};

struct GlyphRunItem {
  FaceId face = 0;
  Sp size = 0;
  Point origin;  // baseline start
  Cmyk colour = Cmyk::black();
  std::vector<PlacedGlyph> glyphs;
};

struct RuleItem {
  Point from, to;
  Sp thickness = sp_from_pt(0.5);
  Cmyk colour = Cmyk::black();
};

struct BoxItem {
  Rect rect;
  std::optional<Cmyk> fill;
  std::optional<Cmyk> stroke;
  Sp stroke_width = sp_from_pt(0.5);
};

struct ImageItem {
  Rect frame;          // where the image is clipped to
  Rect placement;      // where the whole image is drawn (may exceed frame for fill/crop)
  std::string path;    // source file (JPEG/PNG)
};

// A stroked circle (the ring of a registration target, output.marks).
struct CircleItem {
  Point centre;
  Sp radius = 0;
  Sp thickness = sp_from_pt(0.5);
  Cmyk colour = Cmyk::black();
};

using DisplayItem = std::variant<GlyphRunItem, RuleItem, BoxItem, ImageItem, CircleItem>;

struct Page {
  std::string label;      // "A1"
  Sp trim_width = 0, trim_height = 0;
  Sp bleed = 0;           // on every side
  // Printer's marks area beyond the bleed on every side (output.marks): the sheet (MediaBox)
  // grows by it, the trim and bleed stay where they are. 0 = plate mode, MediaBox = BleedBox.
  Sp slug = 0;
  std::vector<DisplayItem> items;

  // Canonical text form for golden tests (SILE's debug outputter in spirit): one item a line,
  // lengths in pt with 3 decimals, glyphs as gid@x.
  void dump(std::ostream& os) const;
};

}  // namespace paiban
