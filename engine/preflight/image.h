// Image samples for the ink checks (checklist I04): decoding and the total-area-coverage scan.
#pragma once

#include <qpdf/QPDFObjectHandle.hh>

#include <optional>
#include <string>
#include <vector>

#include "engine/preflight/colour.h"

namespace paiban::preflight_detail {

// 8 bits per component, components interleaved, rows top to bottom (PDF image space order).
struct ImageSamples {
  int width = 0, height = 0, comps = 0;
  std::vector<unsigned char> data;
};

// Decodes an image XObject's samples when they are 8 bpc: Flate/LZW/ASCII/RunLength through
// qpdf, a lone /DCTDecode through libjpeg (raw sample values; the image's /Decode array is applied
// by the scan, which is how Adobe-inverted CMYK JPEGs are marked in PDF). Anything else returns
// nullopt with why_not set.
std::optional<ImageSamples> decode_image_samples(QPDFObjectHandle image, std::string& why_not);

// Baseline JPEG / progressive JPEG through libjpeg, no colour conversion (CMYK stays CMYK).
std::optional<ImageSamples> decode_jpeg(const unsigned char* data, std::size_t size, std::string& error);

struct InkScan {
  int max_tac_permille = 0;  // highest pixel sum anywhere in the image
  bool over = false;         // some win_w × win_h window lies entirely above the limit
  int x = 0, y = 0;          // top-left pixel of the first such window
};

// Total area coverage per pixel in per mille, through the colour space and /Decode array.
// Windows are the checklist's "ignore areas below ~1 mm²" in image pixels.
InkScan scan_image_ink(const ImageSamples& img, const ColourSpace& cs, QPDFObjectHandle decode, int limit_permille,
                       int win_w, int win_h);

}  // namespace paiban::preflight_detail
