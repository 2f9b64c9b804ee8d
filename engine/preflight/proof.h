// Proofs: one PNG per page (rendered by poppler's pdftoppm) and, against a previous set of
// proofs, a picture and a list of what changed. Used by `paiban proof` and `paiban build --proofs`.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/diagnostics.h"

namespace paiban {

// 8-bit RGBA, rows top to bottom.
struct RgbaImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;
  bool empty() const { return width <= 0 || height <= 0; }
};

// Pixel rectangle, origin at the top-left of the proof (the page's CropBox), y down.
struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
  bool operator==(const PixelRect&) const = default;
};

// libpng (simplified API). Errors are returned as text, nothing is thrown.
std::optional<RgbaImage> read_png(const std::string& path, std::string& error);
bool write_png(const std::string& path, const RgbaImage& image, std::string& error);

struct DiffOptions {
  // A channel must differ by more than this (0‥255) to count: pdftoppm's anti-aliasing is
  // deterministic, but proofs made by another poppler build differ by a few levels along edges.
  int tolerance = 16;
  // Changed pixels closer than this join one rectangle (a changed word is one box, not ten).
  int merge_distance_px = 8;
};

struct ImageDiff {
  bool size_changed = false;         // the whole page counts as changed
  std::vector<PixelRect> changed;    // sorted top to bottom, left to right
  RgbaImage highlight;               // `after` washed out; new ink red, removed ink blue, boxes magenta
  bool changed_any() const { return size_changed || !changed.empty(); }
};

ImageDiff diff_images(const RgbaImage& before, const RgbaImage& after, const DiffOptions& options = {});

struct ProofOptions {
  int dpi = 100;
  // Directory of an earlier proof run of the same file: compare page by page.
  std::optional<std::string> diff_against;
  DiffOptions diff;
  std::string pdftoppm = "pdftoppm";  // program, looked up in PATH
};

struct PageProof {
  int page = 0;                   // 1-based
  std::string png;                // the proof written: <out_dir>/<stem>-<page>.png
  std::string baseline;           // the earlier proof compared against; empty = none found
  std::string diff_png;           // <out_dir>/<stem>-<page>-diff.png, written only when changed
  bool changed = false;
  std::vector<PixelRect> changes;
};

struct ProofReport {
  std::string file;
  int dpi = 0;
  std::vector<PageProof> pages;
  bool ok = false;                 // every page rendered (and compared, when asked)
  bool any_changed() const;
  // "page 1: changed 2 regions: 120,40 300×18 px (30.5,10.2 mm 76.2×4.6 mm); …" / "unchanged" /
  // "no baseline"
  void dump(std::ostream& os) const;
};

// Renders every page of pdf_path into out_dir (created if needed). Each PNG is rendered to a
// temporary name first, so out_dir may be the diff_against directory itself: the old proof is
// read before it is replaced. Problems go to diags (codes proof.*); nothing is printed.
ProofReport proof(const std::string& pdf_path, const std::string& out_dir, const ProofOptions& options, Diagnostics& diags);

}  // namespace paiban
