// Page content streams: the display list → PDF operators (PDF 32000-1 §8–9). Coordinates are
// flipped at this edge (page.h: sp, origin top-left of the trim box, y down → PDF points, origin
// bottom-left of the MediaBox, y up). Numbers are printed from integers (1/1000 pt), so output
// does not depend on floating-point formatting.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/base/diagnostics.h"
#include "engine/compose/page.h"

namespace paiban::pdf {

// What the content stream needs to know of an embedded font, by glyph id. Dense tables: a page
// shows ~100,000 glyphs of a few thousand ids, so a lookup is an index, not a tree walk.
// Glyph id → the text its ToUnicode entry gives (the glyphs of a file that have one).
using GlyphTexts = std::unordered_map<std::uint32_t, const std::u32string*>;

struct ContentFont {
  static constexpr std::int32_t kNoWidth = -1;
  std::string resource;                   // "F1"
  const std::vector<std::int32_t>* code;  // glyph id → CID (2-byte Identity-H code); −1: none
  const std::vector<std::int32_t>* width;  // glyph id → /W width, 1/1000 em; kNoWidth: none
  const GlyphTexts* text;                 // glyph id → its ToUnicode text; absent: none
};

struct ContentImage {
  std::string resource;  // "Im1"
};

// Resources a page's content refers to; the writer creates the objects and records their use.
class ContentResources {
 public:
  virtual ~ContentResources() = default;
  virtual const ContentFont* font(FaceId face) = 0;
  // ExtGState that turns overprint on (/OP /op true, /OPM 1) or off (knockout).
  virtual std::string overprint_state(bool on) = 0;
  // A /Separation colour space for a spot colour (its CMYK values are the alternate).
  virtual std::string separation(const Cmyk& spot) = 0;
  // nullptr when the image could not be loaded (already reported).
  virtual const ContentImage* image(const ImageItem& item) = 0;
};

// "12.345" from thousandths, trailing zeros trimmed ("3", "-0.5").
std::string fixed3(std::int64_t thousandths);

// The operators for one page. Items that cannot be drawn are reported (pdf.bad-item) and the
// page still gets everything else; the caller fails the write if diags has errors.
std::string page_content(const Page& page, ContentResources& res, Diagnostics& diags);

}  // namespace paiban::pdf
