// Shared by the preflight check files; not part of the stage's public interface.
// Geometry here is PDF user space in points (double): the numbers as they stand in the file.
// Findings convert to engine coordinates (sp, trim top-left, y down) once, in FindingSink.
#pragma once

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFLogger.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/preflight/preflight.h"

namespace paiban::preflight_detail {

// PDF matrix [a b c d e f]: a point (x y) maps to (a x + c y + e, b x + d y + f).
struct Matrix {
  double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
  // this × m: apply this first, then m (PDF's `cm` is CTM' = M × CTM).
  Matrix then(const Matrix& m) const {
    return {a * m.a + b * m.c, a * m.b + b * m.d, c * m.a + d * m.c, c * m.b + d * m.d,
            e * m.a + f * m.c + m.e, e * m.b + f * m.d + m.f};
  }
  void apply(double x, double y, double& ox, double& oy) const {
    ox = a * x + c * y + e;
    oy = b * x + d * y + f;
  }
  // Lengths of the images of the unit x and y vectors.
  double x_scale() const { return std::hypot(a, b); }
  double y_scale() const { return std::hypot(c, d); }
  // Smallest singular value: the thinnest a unit circle gets (line widths under anisotropic CTM).
  double min_scale() const {
    const double p = (a * a + b * b + c * c + d * d) / 2;
    const double det = a * d - b * c;
    const double q = std::sqrt(std::max(0.0, p * p - det * det));
    return std::sqrt(std::max(0.0, p - q));
  }
};

// Axis-aligned box in PDF user space (pt).
struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool valid = false;
  static Box of(double ax, double ay, double bx, double by) {
    return {std::min(ax, bx), std::min(ay, by), std::max(ax, bx), std::max(ay, by), true};
  }
  void add(double x, double y) {
    if (!valid) { x0 = x1 = x; y0 = y1 = y; valid = true; return; }
    x0 = std::min(x0, x); y0 = std::min(y0, y); x1 = std::max(x1, x); y1 = std::max(y1, y);
  }
  void add(const Box& o) {
    if (!o.valid) return;
    add(o.x0, o.y0);
    add(o.x1, o.y1);
  }
  Box transformed(const Matrix& m) const {
    Box r;
    if (!valid) return r;
    double x, y;
    m.apply(x0, y0, x, y); r.add(x, y);
    m.apply(x1, y0, x, y); r.add(x, y);
    m.apply(x0, y1, x, y); r.add(x, y);
    m.apply(x1, y1, x, y); r.add(x, y);
    return r;
  }
  Box intersect(const Box& o) const {
    if (!valid || !o.valid) return {};
    Box r{std::max(x0, o.x0), std::max(y0, o.y0), std::min(x1, o.x1), std::min(y1, o.y1), true};
    if (r.x0 > r.x1 || r.y0 > r.y1) r.valid = false;
    return r;
  }
  Box inflated(double v) const { return valid ? Box{x0 - v, y0 - v, x1 + v, y1 + v, true} : Box{}; }
  bool intersects(const Box& o) const { return valid && o.valid && x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  bool contains(const Box& o, double tol = 0) const {
    return valid && o.valid && o.x0 >= x0 - tol && o.y0 >= y0 - tol && o.x1 <= x1 + tol && o.y1 <= y1 + tol;
  }
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
};

constexpr double kMmPerPt = 25.4 / 72.0;

// A number from the file as an int within [lo, hi]: damaged files carry any value, and a double
// outside int's range must not reach a static_cast (undefined behaviour).
inline int clamp_int(double v, int lo, int hi) {
  if (!(v >= lo)) return lo;  // also NaN
  if (v >= hi) return hi;
  return static_cast<int>(v);
}
inline double mm2_of(const Box& b) { return b.valid ? b.width() * kMmPerPt * b.height() * kMmPerPt : 0; }

// The boxes of one page as they stand in the file (raw keys, checklist G02: not pdfinfo's
// defaults) plus the effective ones the PDF spec derives (PDF 1.7 §14.11.2).
struct PageInfo {
  int number = 0;
  mutable QPDFObjectHandle page;  // qpdf 11 handles have no const accessors
  std::optional<Box> media, crop, bleed, trim, art;  // raw (media/crop also from ancestors)
  bool trim_inherited = false;                       // TrimBox only on a /Pages ancestor
  Box eff_media, eff_crop, eff_bleed, eff_trim;
  mutable QPDFObjectHandle rotate;                         // raw /Rotate (inherited), may be null
};

// Collects findings, converting places to engine coordinates and folding repeats.
class FindingSink {
 public:
  void set_page_origin(int page, double trim_x0, double trim_y1) { origin_[page] = {trim_x0, trim_y1}; }
  // fold_key: repeats with the same (page, id, fold_key) become one finding with a count;
  // empty = never fold.
  void add(const std::string& id, Severity level, int page, const std::optional<Box>& where,
           std::string message, const std::string& fold_key = {});
  std::vector<Finding> take();

 private:
  std::map<int, std::pair<double, double>> origin_;
  std::vector<Finding> list_;
  std::map<std::tuple<int, std::string, std::string>, std::size_t> folded_;
};

struct Context {
  QPDF& pdf;
  const PreflightOptions& options;
  FindingSink& sink;
  std::vector<PageInfo> pages;
  bool x1a = true;  // PDF/X-1a (no transparency, P13); false for PDF/X-4
  PreflightCache* cache = nullptr;  // decoded-stream verdicts shared across files, may be null
  // Page content streams check_qpdf decoded without a warning, for check_content to interpret
  // without decoding them again (it takes each out as it uses it).
  std::map<QPDFObjGen, std::string> decoded_contents = {};
  // The file's bytes when preflight was given them (preflight_bytes), else empty: check_qpdf
  // reads stream data in place where it can (raw_stream_in_place).
  std::string_view file = {};
};

// Name of an object for messages: "12 0 R" or "direct object".
std::string object_label(QPDFObjectHandle h);
// A name or string value, or "" (qpdf: Name values include the leading slash).
std::string name_of(QPDFObjectHandle h);
// Filters of a stream dictionary (or inline image dictionary), as written (names with '/').
std::vector<std::string> filters_of(QPDFObjectHandle dict);
std::optional<Box> box_of(QPDFObjectHandle array);
std::string fmt_num(double v, int decimals = 2);
// A qpdf logger that discards everything.
std::shared_ptr<QPDFLogger> silent_logger();

// A stream's raw data where it lies in `file` (the bytes preflight was given), or nullopt when it
// cannot be found there exactly (check_document.cpp): the caller then reads through qpdf.
std::optional<std::string_view> raw_stream_in_place(std::string_view file, QPDFObjectHandle stream, std::size_t length);
// A stream's decoded data. A stream the files of a build share (the output profile, a TrueType
// subset's CIDToGIDMap) is decoded once per build through Context::cache; its raw bytes are read
// in place when they can be. Throws what qpdf throws for a stream it cannot decode.
std::shared_ptr<const std::string> decoded_stream(Context& ctx, QPDFObjectHandle stream);

// Check groups, one file each.
void read_pages(Context& ctx);
void check_qpdf(Context& ctx);  // P01
// Opens the PDF from `bytes` when given (named `path`), else reads the file at `path`.
void open_pdf(QPDF& q, const std::string& path, std::string_view bytes);
void check_document(Context& ctx);                                 // P02–P10, P14, G01
void check_geometry(Context& ctx);                                 // G02–G04
void check_resources(Context& ctx);                                // P11–P13, F01–F03
void check_content(Context& ctx);                                  // C01–C06, C08, F03–F05, G05, G06, I01–I05, P11

}  // namespace paiban::preflight_detail
