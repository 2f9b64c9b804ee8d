// PDF plates: the only user of libharu. Pages (display lists) → PDF files with glyph-level
// CID fonts subset by hb-subset, CMYK colour, page boxes and deterministic bytes.
// CONTRACT used by the CLI; the implementation may add options.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/base/diagnostics.h"
#include "engine/compose/page.h"
#include "engine/fonts/fonts.h"

namespace paiban {

// PDF/X conformance level written into the file (prepress checklist §8.1, P02–P07, P14).
enum class PdfStandard { None, X1a2003, X4 };
// "none" | "PDF/X-1a:2003" | "PDF/X-4" (the /GTS_PDFXVersion strings) → standard.
std::optional<PdfStandard> parse_pdf_standard(std::string_view name);
std::string to_string(PdfStandard standard);

struct PdfOptions {
  std::string title = "paiban";
  std::string author;
  // Dates and /ID come from here (SOURCE_DATE_EPOCH) so re-runs are byte-identical.
  std::optional<std::int64_t> source_date_epoch;
  bool compress = true;

  // --- PDF/X (added by engine/pdf) ---
  // Plates default to PDF/X-1a:2003; it needs a CMYK printer ICC profile for the output intent.
  PdfStandard standard = PdfStandard::X1a2003;
  std::string output_profile;               // path of the ICC profile (DestOutputProfile)
  std::string output_condition_identifier;  // e.g. "WAN-IFRAnewspaper26v5"; default: profile description
  std::string output_condition;             // optional human-readable /OutputCondition
  std::string registry_name = "http://www.color.org";
  std::string creator = "paiban";           // Info /Creator

  // --- images (ImageItem) ---
  // RGB and grey images are converted to CMYK through output_profile with this total-ink limit
  // (checklist C03/I04); CMYK JPEGs pass through unchanged.
  int max_total_ink_percent = 240;
};

// Glyphs used per face. Collect it over a whole edition (during layout, or from its pages) and
// give it to a FontSubsetCache so every page file embeds the same subset of each face.
class GlyphUsage {
 public:
  GlyphUsage() = default;
  explicit GlyphUsage(const GlyphsByFace& glyphs);
  void add(FaceId face, std::uint32_t gid) { faces_[face].insert(gid); }
  void add(const GlyphUsage& other);
  void add_page(const Page& page);
  bool contains(FaceId face, std::uint32_t gid) const;
  const std::map<FaceId, std::set<std::uint32_t>>& faces() const { return faces_; }

 private:
  std::map<FaceId, std::set<std::uint32_t>> faces_;
};

namespace pdf {
struct FontSubset;
struct OutputProfile;
}

// hb-subset results keyed by (face, glyph set), shared by every PDF written with the cache, e.g.
// the page files of one edition. Thread-safe. Use one cache per FontSet.
class FontSubsetCache {
 public:
  FontSubsetCache();
  ~FontSubsetCache();
  FontSubsetCache(const FontSubsetCache&) = delete;
  FontSubsetCache& operator=(const FontSubsetCache&) = delete;

  // Edition-level subsets: for every face listed, files written with this cache embed the subset
  // of these glyphs (identical font program and subset tag in every file), plus any glyph a file
  // uses beyond them.
  void set_edition_glyphs(GlyphUsage usage);
  // Makes (and, with `compress`, deflates) the subset of every face of the edition glyphs now,
  // the faces on parallel threads, so page writers find them ready instead of queueing behind
  // one writer's hb-subset run per face. Failures are reported by the writers that need them.
  void prepare_edition(const FontSet& fonts, bool compress);
  // The same on a background thread, for a caller that goes on working meanwhile (composition
  // flowing its stories, which may load more faces into `fonts`): the faces are looked up now,
  // on the calling thread. Join the thread (or let it go out of scope) before writing with this cache.
  std::jthread prepare_edition_in_background(const FontSet& fonts, bool compress);
  // Whether prepare_edition(_in_background) has finished for the current edition glyphs (the
  // subsets made, or failed): a caller drafting pages meanwhile stops drafting ahead then.
  bool edition_prepared() const;
  // hb-subset runs made so far (tracing and tests: an edition should need one per face).
  std::size_t subsets_made() const;

  // For engine/pdf: the subset of `face` covering `glyphs` (and the edition's glyphs of that
  // face). Reports pdf.font-subset-failed and returns null on failure.
  std::shared_ptr<const pdf::FontSubset> subset(const FontSet& fonts, FaceId face,
                                                const std::set<std::uint32_t>& glyphs, Diagnostics& diags);

  // For engine/pdf: by original glyph id, the code (CID under Identity-H) a glyph of `face` has in
  // every subset this cache makes, known without making one — so a writer can set its pages'
  // content while hb-subset is still running: the original CID for a CID-keyed CFF face (the
  // subset keeps it; make_subset checks), the glyph id for TrueType (/CIDToGIDMap maps it).
  // Null where the code depends on the subset (name-keyed CFF). Computed once per face.
  std::shared_ptr<const std::vector<std::int32_t>> predicted_codes(const Face& f, FaceId face);
  // For engine/pdf: by glyph id, the /W width (glyph_width_1000) of every glyph of `face`, made
  // once per face and shared by the files of a build.
  std::shared_ptr<const std::vector<std::int32_t>> widths_1000(const Face& f, FaceId face);

  // For engine/pdf: the font program of `subset` (one this cache made) Flate-compressed, once per
  // subset: every page file of an edition embeds the same bytes, so they are deflated once, not
  // once per file. Empty if zlib failed (the writer then lets libharu compress).
  std::shared_ptr<const std::string> deflated_program(const pdf::FontSubset& subset);

  // For engine/pdf: a digest of `bytes`, which this cache owns (a deflated program or profile),
  // computed once: the trailer /ID hashes these digests instead of the big streams in every file.
  std::array<std::uint8_t, 32> digest(std::string_view bytes);

  // For engine/pdf: the output profile at `path`, read, checked (load_output_profile) and
  // Flate-compressed once per (path, standard) for the cache's lifetime (one build); failures are
  // reported again to every caller. Null on failure.
  std::shared_ptr<const pdf::OutputProfile> output_profile(const std::string& path, PdfStandard standard,
                                                           Diagnostics& diags);

 private:
  std::shared_ptr<const pdf::FontSubset> subset_of(const Face& f, FaceId face, const std::set<std::uint32_t>& glyphs,
                                                   Diagnostics& diags);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes `pages` into one PDF at `path`, atomically (temporary file in the same directory,
// renamed on success; on failure the previous file is untouched). Returns false after reporting
// to diags on failure.
bool write_pdf(const std::vector<const Page*>& pages, const FontSet& fonts, const PdfOptions& options,
               const std::string& path, Diagnostics& diags);

// The same, sharing font subsets through `cache` (edition-level subsets, repeated writes).
bool write_pdf(const std::vector<const Page*>& pages, const FontSet& fonts, const PdfOptions& options,
               const std::string& path, Diagnostics& diags, FontSubsetCache& cache);

// write_pdf in two halves, for a caller that lets the file system's work overlap its own: the
// bytes of the file (nullopt after reporting, pdf.write-failed included, as write_pdf does), then
// the atomic write of them (temporary file, fsync, rename; pdf.write-failed on failure).
std::optional<std::string> make_pdf_file(const std::vector<const Page*>& pages, const FontSet& fonts,
                                         const PdfOptions& options, const std::string& path, Diagnostics& diags,
                                         FontSubsetCache& cache);
bool write_pdf_file(const std::string& path, std::string_view bytes, Diagnostics& diags);

// A plate in two steps, for a caller that sets the pages' content while the edition's font subsets
// are still being made (FontSubsetCache::prepare_edition_in_background): draft_pdf checks the
// pages, collects their glyphs and writes their content, with glyph codes the cache predicts
// without a subset; finish_pdf waits for the subsets it needs, checks them against those codes,
// embeds them and serialises. Both report to the `diags` given to draft_pdf, which must outlive
// the draft, as must `pages`, `fonts` and `cache`. finish_pdf ends the draft.
class PdfDraft {
 public:
  PdfDraft(PdfDraft&&) noexcept;
  PdfDraft& operator=(PdfDraft&&) noexcept;
  ~PdfDraft();
  struct Impl;

 private:
  explicit PdfDraft(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend PdfDraft draft_pdf(const std::vector<const Page*>&, const FontSet&, const PdfOptions&, Diagnostics&,
                            FontSubsetCache&);
  friend std::optional<std::string> finish_pdf(PdfDraft&);
};
PdfDraft draft_pdf(const std::vector<const Page*>& pages, const FontSet& fonts, const PdfOptions& options,
                   Diagnostics& diags, FontSubsetCache& cache);
std::optional<std::string> finish_pdf(PdfDraft& draft);
// finish_pdf, reporting pdf.write-failed for `path` as make_pdf_file does.
std::optional<std::string> finish_pdf_file(PdfDraft& draft, const std::string& path, Diagnostics& diags);

// The PDF bytes without writing a file (preflight in memory, tests). nullopt after reporting.
std::optional<std::string> make_pdf(const std::vector<const Page*>& pages, const FontSet& fonts,
                                    const PdfOptions& options, Diagnostics& diags, FontSubsetCache& cache);

}  // namespace paiban
