// Colour spaces as they stand in a PDF, and the plates a colour value puts ink on. Preflight
// reasons in plates (checklist §8.3): C, M, Y, K and named spots, each a tint 0‥1.
#pragma once

#include <qpdf/QPDFObjectHandle.hh>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace paiban::preflight_detail {

enum class CsKind { Gray, Cmyk, Rgb, CalGray, CalRgb, Lab, IccBased, Separation, DeviceN, Indexed, Pattern, Unknown };

struct ColourSpace {
  CsKind kind = CsKind::Unknown;
  int n = 1;                                 // components of a colour value (Pattern: of the base)
  std::string label;                         // for messages: "/DeviceRGB", "/ICCBased (N=3)"
  std::vector<std::string> colorants;        // Separation / DeviceN names, without '/'
  std::shared_ptr<const ColourSpace> base;   // alternate (Separation, DeviceN), base (Indexed, Pattern)
  int hival = 0;                             // Indexed
  std::string lookup;                        // Indexed: (hival + 1) × base.n bytes
};
using CsPtr = std::shared_ptr<const ColourSpace>;

CsPtr device_gray();
CsPtr device_cmyk();
// A colour space operand or /ColorSpace value; names other than the device families are looked
// up in resources' /ColorSpace. inline_image: also accept the abbreviations /G /RGB /CMYK /I.
CsPtr parse_colour_space(QPDFObjectHandle cs, QPDFObjectHandle resources, bool inline_image = false, int depth = 0);

// Checklist C01: only DeviceCMYK, DeviceGray, Separation/DeviceN with a CMYK (or Gray) alternate,
// and Indexed/Pattern over those. Returns why a space is not allowed, or "" when it is.
std::string forbidden_reason(const ColourSpace& cs);

// Initial colour after cs/CS (PDF 1.7 §8.6.8 / Table 74).
std::vector<double> initial_colour(const ColourSpace& cs);

struct Inks {
  double c = 0, m = 0, y = 0, k = 0;
  std::vector<std::pair<std::string, double>> spots;  // named plates other than process
  bool registration = false;                          // Separation /All
  bool known = true;                                  // false: RGB, Lab, patterns… (no plate model)

  double total() const;       // total area coverage, 1.0 = 100 %
  int plates() const;         // plates carrying ink (> 0.5 %)
  bool pure_black() const;    // exactly 0 0 0 1
  // Reads as black on newsprint: K ≥ 85 % (with ~26 % dot gain K 85–99 % prints solid, and such
  // near-blacks are RGB-conversion artefacts), or a C/M/Y ≥ 70 % composite black.
  bool looks_black() const;
  bool white() const;         // no ink at all
  bool registration_like() const;  // /All, or 100 % on all four process plates
  std::string describe() const;    // "C60 M50 Y50 K100", "K100", "spot 'PANTONE 485 C' 100"
};

Inks inks_of(const ColourSpace& cs, const std::vector<double>& comps);

}  // namespace paiban::preflight_detail
