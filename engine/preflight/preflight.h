// Preflight: re-open a written PDF with libqpdf and run docs/prepress-checklist.md on it.
// Every finding carries the checklist's stable id (P02, G03, C04, …), the page and, where the
// problem has one, its place on the page. The stage reads only the PDF: nothing here knows about
// articles, descriptors or how the file was made, so it checks our plates and anyone else's alike.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/base/diagnostics.h"
#include "engine/base/geometry.h"
#include "engine/base/units.h"

namespace paiban {

// Standards preflight knows (P02/P03/P13/P14 depend on it).
inline constexpr std::string_view kPdfX1a2001 = "PDF/X-1a:2001";
inline constexpr std::string_view kPdfX1a2003 = "PDF/X-1a:2003";
inline constexpr std::string_view kPdfX4 = "PDF/X-4";
bool is_known_pdfx_standard(std::string_view standard);

struct PreflightOptions {
  std::string standard = std::string(kPdfX1a2003);
  // G03: expected trim size; G04: expected bleed on every side. Unset = not compared.
  std::optional<Sp> trim_width, trim_height;
  std::optional<Sp> bleed;
  // G01: expected page count (plate mode: 1). Unset = not compared.
  std::optional<int> expected_pages;
  // P07: the output profile's ICC description must contain this (compared ignoring case, spaces,
  // '-', '_' and '.'), e.g. "WAN-IFRAnewspaper26v5". Empty = not compared.
  std::string output_profile;

  // C02: spot colours (Separation/DeviceN colorant names other than the process inks) allowed on
  // this plate, e.g. {"PANTONE 485 C"} for a spot masthead red. Empty: process colours only.
  std::vector<std::string> allowed_spot_colours;

  // C03 / I04: maximum total area coverage in percent (checklist: 240 default, 220 strict).
  int ink_limit_percent = 240;
  // Areas smaller than this are ignored for C03/I04: below ~1 mm² ink excess is anti-aliasing or
  // a single JPEG ringing pixel, not something that sets off on the blanket (checklist C03).
  double ink_min_area_mm2 = 1.0;

  // Strokes thinner than this vanish or break up on newsprint (dot gain, web tension).
  Sp min_line_width = sp_from_pt(0.25);
  // C06: text below this size and lines below thin_line_width must use one process ink only.
  Sp small_text_size = sp_from_pt(12);
  Sp thin_line_width = sp_from_pt(0.5);
  // C06: reversed (white) text below this size fills in.
  Sp min_reversed_text_size = sp_from_pt(8);
  // C05: black strokes up to this width count as "thin black lines" that must overprint; column
  // rules and box frames in our layouts go up to 2 pt and all of them sit on tints and photos.
  Sp overprint_line_width = sp_from_pt(2);
  // F04: no text smaller than this (effective size: Tf size × text matrix × CTM).
  Sp min_text_size = sp_from_pt(6);

  // I01/I05: contone images. Error below image_ppi_error, warning outside
  // [image_ppi_min, image_ppi_max]; I05 warns when enlarged more than 120 % from the target.
  double image_ppi_error = 120;
  double image_ppi_min = 150;
  double image_ppi_max = 400;
  double image_ppi_target = 200;
  // I02: 1-bit line art.
  double lineart_ppi_min = 600;

  // P01: re-read every object and decode every stream like `qpdf --check`.
  bool qpdf_check = true;
};

// One violated checklist item. `where` is in engine page coordinates (engine/base/geometry.h:
// sp, origin at the top-left of the page's TrimBox — MediaBox when there is none — y down).
struct Finding {
  std::string id;  // checklist id: "P03", "G02", "C04", "F01", "I01", …
  Severity level = Severity::Error;
  int page = 0;    // 1-based; 0 = the file as a whole
  std::optional<Rect> where;
  std::string message;
  int count = 1;   // identical problems on the same page folded into this one (first place kept)

  // "page 3: error[C04]: message [at x=12.0 y=30.5 mm, 40.0×3.5 mm] (×12)"
  std::string format() const;
};

struct PreflightReport {
  std::string file;
  std::string standard;
  int pages = 0;
  // Stable order: page, then checklist section (P, G, C, F, I), id, position, message.
  std::vector<Finding> findings;

  bool passed() const;  // no Error findings (warnings and notes do not fail a plate)
  std::size_t count(Severity level) const;
  std::size_t count(std::string_view id) const;                   // findings with this id
  std::size_t count(std::string_view id, Severity level) const;
  const Finding* first(std::string_view id) const;                 // nullptr if none

  // "PDF/X-1a:2003: 1 page, 2 errors, 0 warnings, 0 notes — failed"
  std::string summary() const;
  // Canonical text form: one line per finding (Finding::format), then the summary line.
  void dump(std::ostream& os) const;
  // {"file", "standard", "pages", "passed", "errors", "warnings", "findings": [{"id", "level",
  //  "page", "where": {"x","y","w","h"} in pt, "message", "count"}]}
  nlohmann::json to_json() const;
  // Into the engine's diagnostics (code "preflight.<id>", location = page number).
  void report(Diagnostics& diags) const;
};

// Runs the checklist on the PDF at pdf_path. Never throws for a bad PDF: an unreadable or
// damaged file is an error finding (P01) like any other.
PreflightReport preflight(const std::string& pdf_path, const PreflightOptions& options = {});

// Streams already decoded without error, shared by the preflight runs of one build. The page files
// of an edition embed the same font programs and output profile (about 1 MB each): P01 decodes
// such a stream once; a stream whose filters and raw bytes are identical to one decoded before
// (compared in full, not by hash) decodes identically, so it is not inflated again. Thread-safe.
class PreflightCache {
 public:
  PreflightCache();
  ~PreflightCache();
  PreflightCache(const PreflightCache&) = delete;
  PreflightCache& operator=(const PreflightCache&) = delete;
  // Streams whose raw bytes are fewer than this are cheaper to decode than to remember. Raw, not
  // decoded, size counts: the edition's CIDToGIDMap is 261 bytes that inflate to 42 KB in every
  // plate; remembering a stream costs a copy and a compare of its raw bytes.
  static constexpr std::size_t kMinBytes = 256;
  // Whether a stream of these filters and raw size, whose raw bytes `same(known)` recognises, was
  // decoded cleanly before in this build (a plate's 1 MB font program is compared where it lies,
  // not copied out first). When not, the caller is the one to decode it: others asking for the
  // same filters and size meanwhile wait for it (plates checked in parallel embed the same
  // program, decoded once, not once per thread), so the caller must call done_decoding
  // afterwards, having called remember if the stream decoded cleanly.
  bool decoded_before(std::string_view filters, std::size_t raw_size,
                      const std::function<bool(std::string_view known)>& same);
  void done_decoding(std::string_view filters, std::size_t raw_size);
  void remember(std::string_view filters, std::string_view raw);
  // The decoded bytes of such a stream, when a check kept them (the output profile, which P07
  // reads in every file); null otherwise.
  std::shared_ptr<const std::string> decoded(std::string_view filters, std::string_view raw) const;
  void remember_decoded(std::string_view filters, std::string_view raw, std::shared_ptr<const std::string> data);
  std::size_t hits() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The same, sharing decoded-stream verdicts through `cache` (the page files of one build).
PreflightReport preflight(const std::string& pdf_path, const PreflightOptions& options, PreflightCache& cache);

// The checklist on the bytes of a PDF about to be written to `pdf_path` (the name the report
// gives): the build checks a plate while the file system is still writing it.
PreflightReport preflight_bytes(const std::string& pdf_path, std::string_view bytes, const PreflightOptions& options,
                                PreflightCache& cache);

}  // namespace paiban
