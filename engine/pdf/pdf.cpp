// write_pdf: the plate writer's entry point. The flow reads as the stage description:
//   check options → collect glyphs → subset fonts → build document (fonts, pages, metadata,
//   PDF/X) → serialise → content-hash /ID → atomic write.
#include "engine/pdf/pdf.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <memory>

#include "engine/base/atomic_file.h"
#include "engine/base/text.h"
#include "engine/pdf/content.h"
#include "engine/pdf/document.h"
#include "engine/pdf/font_embed.h"
#include "engine/pdf/font_subset.h"
#include "engine/pdf/hpdf_internals.h"
#include "engine/pdf/images.h"
#include "engine/pdf/pdfx.h"
#include "engine/pdf/sha256.h"

namespace paiban {
namespace pdf {
namespace {

// PDF 1.4 implementation limit on page size (PDF Reference 1.4, appendix C): 200 in = 14 400 pt.
constexpr Sp kMaxPageSide = 14400 * kSpPerPt;

// Stand-in bytes for the trailer /ID: replaced by a hash of the finished file (same length, so
// the xref offsets stay valid; the trailer comes after every object).
constexpr std::string_view kIdPlaceholder = "paiban:id-to-fix";  // 16 bytes

// A PDF name token: bytes outside ! … ~, delimiters and '#' as #xx (PDF 32000-1 §7.3.5).
std::string pdf_name(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out = "/";
  for (unsigned char c : s) {
    if (c < 0x21 || c > 0x7E || std::string_view("()<>[]{}/%#").find(static_cast<char>(c)) != std::string_view::npos) {
      out += '#';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string hex_upper(std::string_view bytes) {
  static const char* hex = "0123456789ABCDEF";
  std::string s;
  for (unsigned char c : bytes) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

// Everything one face contributes to the document.
struct FaceUse {
  FaceId face = 0;
  std::string resource;                         // "F1"…, in order of first use
  std::set<std::uint32_t> gids;
  std::vector<bool> shown;     // by glyph id: in gids (a set insert per glyph shown costs more)
  std::vector<bool> has_text;  // by glyph id: in text (a hash lookup per glyph shown costs more)
  // ContentFont: /W widths of every glyph of the face (shared by the files of a build: a dense
  // table per page file was 256 KB of fresh memory per face), and the canonical ToUnicode text of
  // the glyphs shown (pointing into the pages, which outlive the writer).
  std::shared_ptr<const std::vector<std::int32_t>> width;
  GlyphTexts text;
  std::shared_ptr<const FontSubset> subset;
  // Codes by glyph id known before the subset (FontSubsetCache::predicted_codes); null: the subset's.
  std::shared_ptr<const std::vector<std::int32_t>> predicted;
  std::shared_ptr<const std::string> deflated;  // borrowed by the document until it is saved
  HPDF_Dict object = nullptr;
  ContentFont content{};
};

struct PageUse {
  std::set<std::string> fonts, ext_gstates, color_spaces, xobjects;
};

class Writer : public ContentResources {
 public:
  Writer(const std::vector<const Page*>& pages, const FontSet& fonts, const PdfOptions& options, Diagnostics& diags,
         FontSubsetCache& cache)
      : pages_(pages), fonts_(fonts), options_(options), diags_(diags), cache_(cache) {}

  // Step 1 (draft_pdf): everything that does not need the font subsets — the checks, the glyphs
  // each face shows, and every page with its content; glyph codes come from the cache's
  // prediction (hb-subset keeps CIDs), so hb-subset may still be running on another thread.
  void draft() { drafted_ = draft_pages(); }

  // Step 2 (finish_pdf): the subsets (waiting for them if need be), fonts, metadata, PDF/X, the
  // serialised file with its /ID. Nothing after a draft that failed.
  std::optional<std::string> finish() { return drafted_ ? finish_document() : std::nullopt; }

 private:
  bool draft_pages() {
    errors_before_ = diags_.count(Severity::Error);
    if (!check_options(profile_) || !check_pages()) return false;
    collect_glyphs();
    if (failed()) return false;
    doc_owned_ = std::make_unique<Document>(options_.compress);
    doc_ = doc_owned_.get();
    if (!doc_->ok()) {
      libharu_failed(*doc_);
      return false;
    }
    for (FaceUse* use : faces_by_order_) {
      use->predicted = cache_.predicted_codes(fonts_.face(use->face), use->face);
      if (!use->predicted) {  // codes only the subset knows: wait for it now
        use->subset = cache_.subset(fonts_, use->face, use->gids, diags_);
        if (!use->subset) return false;
      }
      use->object = doc_->indirect_dict();  // the Type 0 font, completed by embed()
      use->content = ContentFont{use->resource, use->predicted ? use->predicted.get() : &use->subset->code_of,
                                 use->width.get(), &use->text};
    }
    for (const Page* page : pages_) add_page(*page);
    return !failed();
  }

  std::optional<std::string> finish_document() {
    for (FaceUse* use : faces_by_order_) {
      if (!use->subset) use->subset = cache_.subset(fonts_, use->face, use->gids, diags_);
      if (!use->subset) return std::nullopt;
      if (use->predicted)
        for (std::uint32_t g : use->gids)
          if (g >= use->subset->code_of.size() || use->subset->code_of[g] != (*use->predicted)[g]) {
            // The content already written shows the predicted code: a subset that disagrees
            // would show another glyph. make_subset checks CIDs are kept, so this is a bug.
            diags_.error("pdf.font-subset-failed", {fonts_.face(use->face).info().path},
                         "subset of " + fonts_.face(use->face).info().postscript_name + " gives glyph " +
                             std::to_string(g) + " another code than the page content shows");
            return std::nullopt;
          }
      embed(*use);
    }
    if (failed()) return std::nullopt;
    Document& doc = *doc_;

    DocumentMetadata meta;
    meta.epoch = options_.source_date_epoch ? *options_.source_date_epoch : static_cast<std::int64_t>(std::time(nullptr));
    meta.producer = std::string("paiban ") + PAIBAN_VERSION + " (libharu " + HPDF_GetVersion() + ")";
    if (options_.standard == PdfStandard::X4) meta.document_id = input_uuid();  // XMP only
    write_info(doc, options_, meta);
    if (options_.standard != PdfStandard::None) write_output_intent(doc, options_, *profile_);
    if (options_.standard == PdfStandard::X4) write_xmp(doc, options_, meta);
    // Checklist P02: PDF/X-1a:2003 is PDF 1.4; PDF/X-4 is PDF 1.6. Nothing we write needs more.
    hpdf_internal::set_pdf_version(doc.get(), options_.standard == PdfStandard::X4 ? HPDF_VER_16 : HPDF_VER_14);

    // Checklist P05: trailer /ID, two byte strings (equal for a new file).
    HPDF_Array id = doc.array();
    doc.push(id, doc.bytes(kIdPlaceholder));
    doc.push(id, doc.bytes(kIdPlaceholder));
    doc.add(hpdf_internal::trailer(doc.get()), "ID", id);

    std::string bytes;
    if (!doc.save(bytes)) return libharu_failed(doc);
    if (!fix_id(bytes)) {
      diags_.error("pdf.libharu", {}, "the trailer /ID was not written where expected");
      return std::nullopt;
    }
    return bytes;
  }

  bool failed() const { return diags_.count(Severity::Error) > errors_before_; }

 public:
  // --- ContentResources ----------------------------------------------------------------------

  const ContentFont* font(FaceId face) override {
    auto it = faces_.find(face);
    if (it == faces_.end()) return nullptr;
    page_use_.fonts.insert(it->second.resource);
    return &it->second.content;
  }

  std::string overprint_state(bool on) override {
    HPDF_Dict& gs = on ? gs_overprint_ : gs_knockout_;
    const char* name = on ? "GSop" : "GSko";
    if (!gs) {
      gs = doc_->indirect_dict();
      doc_->add_name(gs, "Type", "ExtGState");
      doc_->add_bool(gs, "OP", on);
      doc_->add_bool(gs, "op", on);
      // Checklist C05: with /OPM 1 a zero CMYK component leaves the plate beneath untouched.
      doc_->add_int(gs, "OPM", 1);
    }
    page_use_.ext_gstates.insert(name);
    return name;
  }

  std::string separation(const Cmyk& spot) override {
    auto it = spots_.find(spot.spot);
    if (it == spots_.end()) {
      const std::string name = std::string("CS") + std::to_string(spots_.size() + 1);
      if (spot.spot.size() > 127)
        diags_.error("pdf.bad-item", SourceLoc::on_page(page_label_),
                     "spot colour name '" + spot.spot + "' is longer than 127 bytes (PDF name limit)");
      // [/Separation /Name /DeviceCMYK tint→CMYK]: a type 2 (exponential, N 1 = linear)
      // function from paper white to the alternate's full-tint CMYK (PDF 32000-1 §8.6.6.4).
      auto ink = [](int permille) { return fixed3(std::clamp(permille, 0, 1000)); };
      std::string cs = "[/Separation " + pdf_name(spot.spot) +
                       " /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [" + ink(spot.c) + " " +
                       ink(spot.m) + " " + ink(spot.y) + " " + ink(spot.k) + "] /N 1 >>]";
      it = spots_.emplace(spot.spot, Spot{name, std::move(cs), spot}).first;
    } else if (it->second.colour.c != spot.c || it->second.colour.m != spot.m || it->second.colour.y != spot.y ||
               it->second.colour.k != spot.k) {
      if (warned_spots_.insert(spot.spot).second)
        diags_.warning("pdf.spot-alternate", SourceLoc::on_page(page_label_),
                       "spot colour '" + spot.spot + "' is used with different CMYK alternates",
                       "the first alternate is used for every use");
    }
    page_use_.color_spaces.insert(it->second.name);
    return it->second.name;
  }

  const ContentImage* image(const ImageItem& item) override {
    auto it = images_.find(item.path);
    if (it == images_.end()) {
      ImageConversion conv;
      conv.max_total_ink_percent = options_.max_total_ink_percent;
      conv.output_profile = options_.output_profile;
      auto img = load_image(item.path, conv, diags_, SourceLoc::on_page(page_label_));
      Image entry;
      if (img) {
        entry.content.resource = std::string("Im") + std::to_string(images_.size() + 1);
        entry.object = embed_image(*doc_, *img);
        entry.width = img->width;
        entry.height = img->height;
      }
      it = images_.emplace(item.path, std::move(entry)).first;
    }
    if (!it->second.object) return nullptr;
    report_ppi(item, it->second);
    page_use_.xobjects.insert(it->second.content.resource);
    return &it->second.content;
  }

 private:
  struct Spot {
    std::string name;
    std::string array;  // the colour space, as PDF text
    Cmyk colour;
  };
  struct Image {
    ContentImage content;
    HPDF_Dict object = nullptr;
    int width = 0, height = 0;
  };

  std::optional<std::string> libharu_failed(const Document& doc) {
    diags_.error("pdf.libharu", {}, "libharu could not build the document: " + doc.error_text());
    return std::nullopt;
  }

  bool check_options(std::shared_ptr<const OutputProfile>& profile) {
    if (options_.standard != PdfStandard::None) {
      if (options_.output_profile.empty()) {
        diags_.error("pdf.output-profile", {}, to_string(options_.standard) + " needs an output intent profile",
                     "set the descriptor's output profile (PdfOptions::output_profile) to the printer's CMYK ICC "
                     "profile, or choose standard \"none\"");
        return false;
      }
      profile = cache_.output_profile(options_.output_profile, options_.standard, diags_);
      if (!profile) return false;
    }
    if (options_.max_total_ink_percent < 100 || options_.max_total_ink_percent > 400) {
      diags_.error("pdf.bad-option", {}, "total ink limit " + std::to_string(options_.max_total_ink_percent) +
                                             " % is outside 100‥400 %");
      return false;
    }
    return true;
  }

  bool check_pages() {
    if (pages_.empty()) {
      diags_.error("pdf.no-pages", {}, "nothing to write: no pages");
      return false;
    }
    bool ok = true;
    for (const Page* p : pages_) {
      if (!p) {
        diags_.error("pdf.bad-page", {}, "null page");
        ok = false;
        continue;
      }
      const Sp w = p->trim_width + 2 * (p->bleed + p->slug), h = p->trim_height + 2 * (p->bleed + p->slug);
      if (p->trim_width <= 0 || p->trim_height <= 0 || p->bleed < 0 || p->slug < 0 || w > kMaxPageSide ||
          h > kMaxPageSide) {
        diags_.error("pdf.bad-page", SourceLoc::on_page(p->label),
                     "page size " + fmt_pt(p->trim_width) + " x " + fmt_pt(p->trim_height) + " pt with bleed " +
                         fmt_pt(p->bleed) + " pt and slug " + fmt_pt(p->slug) + " pt is not writable",
                     "trim sides must be positive and, with bleed and slug, at most 14400 pt");
        ok = false;
      }
    }
    return ok;
  }

  void collect_glyphs() {
    for (const Page* p : pages_)
      for (const auto& item : p->items) {
        const auto* run = std::get_if<GlyphRunItem>(&item);
        if (!run || run->glyphs.empty()) continue;
        if (run->face >= fonts_.face_count()) {
          diags_.error("pdf.bad-item", SourceLoc::on_page(p->label),
                       "glyph run uses face " + std::to_string(run->face) + ", which the font set does not have");
          continue;
        }
        const Face& face = fonts_.face(run->face);
        auto [it, fresh] = faces_.try_emplace(run->face);
        FaceUse& use = it->second;
        if (fresh) {
          use.face = run->face;
          use.resource = std::string("F") + std::to_string(faces_by_order_.size() + 1);
          faces_by_order_.push_back(&use);
          use.width = cache_.widths_1000(face, run->face);
          use.shown.assign(face.glyph_count(), false);
          use.has_text.assign(face.glyph_count(), false);
        }
        for (const auto& g : run->glyphs) {
          if (g.gid >= face.glyph_count()) {
            diags_.error("pdf.bad-item", SourceLoc::on_page(p->label),
                         "glyph " + std::to_string(g.gid) + " is not in " + face.info().postscript_name);
            continue;
          }
          // The first non-empty text in paint order becomes the glyph's ToUnicode entry; other
          // texts get /ActualText at their occurrence (content.cpp).
          if (!g.text.empty() && !use.has_text[g.gid]) {
            use.has_text[g.gid] = true;
            use.text.emplace(g.gid, &g.text);
          }
          if (!use.shown[g.gid]) {
            use.shown[g.gid] = true;
            use.gids.insert(g.gid);
          }
        }
      }
  }

  void embed(FaceUse& use) {
    if (doc_->compress()) use.deflated = cache_.deflated_program(*use.subset);
    embed_font(*doc_, fonts_.face(use.face), *use.subset, use.gids, *use.width, use.text,
               use.deflated ? std::string_view(*use.deflated) : std::string_view(), use.object);
  }

  void add_page(const Page& page) {
    page_use_ = PageUse{};
    page_label_ = page.label;
    HPDF_Page p = HPDF_AddPage(doc_->get());
    if (!p) return;
    // Checklist G02–G04: boxes in points. Plate mode: the MediaBox is the BleedBox (to 1/100 pt,
    // below). With marks (G06) the MediaBox adds the slug on every side; content.cpp shifts the
    // origin by as much, so trim and bleed keep their place relative to the page content.
    const double sl = pt_from_sp(page.slug), b = pt_from_sp(page.bleed);
    const double w = pt_from_sp(page.trim_width), h = pt_from_sp(page.trim_height);
    // Ghostscript's pdfwrite (-dPDFX) rounds the MediaBox to 1/100 pt but reads the TrimBox
    // unrounded, and falls back to plain PDF ("TrimBox does not fit inside BleedBox") when a
    // TrimBox edge on the MediaBox (no bleed, no marks) lands beyond the rounded edge. So the
    // MediaBox's far corner is rounded outwards to 1/100 pt, at least 1/200 pt beyond the
    // BleedBox (more than a float's step, libharu's reals, at 14 400 pt): it grows by less than
    // 0.006 mm, inside G04's 0.01 mm.
    auto outwards = [](double v) { return std::ceil((v + 0.005) * 100) / 100; };
    doc_->add(p, "MediaBox", doc_->reals({0, 0, outwards(w + 2 * (b + sl)), outwards(h + 2 * (b + sl))}));
    doc_->add(p, "BleedBox", doc_->reals({sl, sl, sl + w + 2 * b, sl + h + 2 * b}));
    doc_->add(p, "TrimBox", doc_->reals({sl + b, sl + b, sl + b + w, sl + b + h}));

    const std::string content = page_content(page, *this, diags_);
    if (options_.standard == PdfStandard::X4) {  // the XMP document id (input_uuid)
      pages_hash_.update(page.label);
      pages_hash_.update(content);
    }
    HPDF_Stream s = hpdf_internal::page_content_stream(p);
    HPDF_Dict contents = hpdf_internal::page_content_dict(p);
    std::string deflated = doc_->compress() && contents && !content.empty() ? flate_compress_fast(content) : std::string();
    if (!deflated.empty()) hpdf_internal::set_prefiltered_flate(contents);  // else libharu deflates it
    const std::string& body = deflated.empty() ? content : deflated;
    if (s && !body.empty())
      HPDF_Stream_Write(s, reinterpret_cast<const HPDF_BYTE*>(body.data()), static_cast<HPDF_UINT>(body.size()));

    HPDF_Dict resources = static_cast<HPDF_Dict>(HPDF_Dict_GetItem(p, "Resources", HPDF_OCLASS_DICT));
    auto add_group = [&](const char* key, const std::set<std::string>& names, auto&& object_of) {
      if (names.empty()) return;
      HPDF_Dict d = doc_->dict();
      for (const auto& n : names) doc_->add(d, n.c_str(), object_of(n));
      doc_->add(resources, key, d);
    };
    add_group("Font", page_use_.fonts, [&](const std::string& n) -> void* {
      for (auto* u : faces_by_order_)
        if (u->resource == n) return u->object;
      return nullptr;
    });
    add_group("ExtGState", page_use_.ext_gstates,
              [&](const std::string& n) -> void* { return n == "GSop" ? gs_overprint_ : gs_knockout_; });
    if (!page_use_.color_spaces.empty()) {
      std::string body = "\n";
      for (const auto& n : page_use_.color_spaces)
        for (const auto& [spot_name, s] : spots_)
          if (s.name == n) body += "/" + n + " " + s.array + "\n";
      doc_->add(resources, "ColorSpace", hpdf_internal::raw_dict(hpdf_internal::mmgr(doc_->get()), body));
    }
    add_group("XObject", page_use_.xobjects, [&](const std::string& n) -> void* {
      for (auto& [path, im] : images_)
        if (im.content.resource == n) return im.object;
      return nullptr;
    });
  }

  void report_ppi(const ImageItem& item, const Image& im) {
    // Checklist I01: effective resolution = pixels / placed size in inches.
    const double wi = pt_from_sp(item.placement.w) / 72.0, hi = pt_from_sp(item.placement.h) / 72.0;
    if (wi <= 0 || hi <= 0) return;
    const double px = im.width / wi, py = im.height / hi;
    const double ppi = std::min(px, py), ppi_max = std::max(px, py);
    char buf[160];
    std::snprintf(buf, sizeof buf, "image %dx%d px placed at %.1fx%.1f mm: effective %.0fx%.0f ppi", im.width,
                  im.height, mm_from_sp(item.placement.w), mm_from_sp(item.placement.h), px, py);
    // Outside the checklist's range this is a warning; whether it stops the plate (I01: error
    // below 120 ppi) is preflight's verdict, the writer still produces the file.
    std::string msg = buf;
    msg += " (" + item.path + ")";
    if (ppi < 150 || ppi_max > 400)
      diags_.warning("pdf.image-ppi", SourceLoc::on_page(page_label_), msg,
                     "contone images should be 150–400 ppi (target 200)");
    else
      diags_.note("pdf.image-ppi", SourceLoc::on_page(page_label_), msg);
  }

  // A stable id of the input for XMP (the /ID is a hash of the output itself): the pages as
  // painted (their content streams and labels, hashed as they are made) and the title. Hashing
  // the pages' display-list dumps instead cost a tenth of the writer's time.
  std::string input_uuid() {
    Sha256 h = pages_hash_;
    h.update(options_.title);
    const auto d = h.finish();
    const std::string x = hex_upper(std::string_view(reinterpret_cast<const char*>(d.data()), 16));
    std::string lower;
    for (char c : x) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "uuid:" + lower.substr(0, 8) + "-" + lower.substr(8, 4) + "-" + lower.substr(12, 4) + "-" +
           lower.substr(16, 4) + "-" + lower.substr(20, 12);
  }

  // Checklist P15: the /ID is a hash of the file itself, so equal inputs give equal files. The
  // big streams every file of an edition shares (font programs, the output profile) enter the
  // hash as their digests, computed once per edition: hashing 1 MB of font per page file was the
  // largest single item of the writer's profile (docs/performance.md).
  bool fix_id(std::string& bytes) {
    const std::string ph = std::string("<") + hex_upper(kIdPlaceholder) + ">";
    const std::size_t first = bytes.rfind(ph);
    if (first == std::string::npos) return false;
    const std::size_t second = bytes.rfind(ph, first - 1);
    // Both must be the trailer's (the last "trailer" keyword precedes them), never bytes that
    // happen to match inside a stream.
    const std::size_t trailer = bytes.rfind("trailer");
    if (second == std::string::npos || trailer == std::string::npos || second < trailer) return false;

    // Where each borrowed stream's bytes sit in the file (found by a prefix, confirmed whole).
    std::vector<std::pair<std::size_t, std::string_view>> shared;
    for (std::string_view b : doc_->borrowed()) {
      if (b.size() < 4096) continue;
      const std::size_t at = std::string_view(bytes).find(b.substr(0, 256));
      if (at != std::string::npos && std::string_view(bytes).substr(at, b.size()) == b) shared.emplace_back(at, b);
    }
    std::sort(shared.begin(), shared.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    Sha256 h;
    std::size_t at = 0;
    for (const auto& [off, b] : shared) {
      if (off < at) continue;  // overlapping (equal streams): hashed already
      h.update(std::string_view(bytes).substr(at, off - at));
      const auto d = cache_.digest(b);
      h.update(d.data(), d.size());
      at = off + b.size();
    }
    h.update(std::string_view(bytes).substr(at));
    const auto digest = h.finish();
    const std::string id = std::string("<") + hex_upper(std::string_view(reinterpret_cast<const char*>(digest.data()), 16)) + ">";
    bytes.replace(first, ph.size(), id);
    bytes.replace(second, ph.size(), id);
    return true;
  }

  const std::vector<const Page*>& pages_;
  const FontSet& fonts_;
  const PdfOptions& options_;
  Diagnostics& diags_;
  FontSubsetCache& cache_;
  std::size_t errors_before_ = 0;
  bool drafted_ = false;
  std::shared_ptr<const OutputProfile> profile_;
  std::unique_ptr<Document> doc_owned_;
  Document* doc_ = nullptr;
  std::map<FaceId, FaceUse> faces_;
  std::vector<FaceUse*> faces_by_order_;
  PageUse page_use_;
  std::string page_label_;
  Sha256 pages_hash_;
  HPDF_Dict gs_overprint_ = nullptr, gs_knockout_ = nullptr;
  std::map<std::string, Spot> spots_;
  std::set<std::string> warned_spots_;
  std::map<std::string, Image> images_;
};

}  // namespace
}  // namespace pdf

struct PdfDraft::Impl {
  virtual ~Impl() = default;
  virtual std::optional<std::string> finish() = 0;
};

namespace pdf {
namespace {
struct Draft final : PdfDraft::Impl {
  Draft(const std::vector<const Page*>& pages, const FontSet& fonts, const PdfOptions& options, Diagnostics& diags,
        FontSubsetCache& cache)
      : pages(pages), options(options), writer(this->pages, fonts, this->options, diags, cache) {}
  std::optional<std::string> finish() override { return writer.finish(); }
  std::vector<const Page*> pages;  // the writer keeps references: owned here for the draft's life
  PdfOptions options;
  Writer writer;
};
}  // namespace
}  // namespace pdf

PdfDraft::PdfDraft(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfDraft::PdfDraft(PdfDraft&&) noexcept = default;
PdfDraft& PdfDraft::operator=(PdfDraft&&) noexcept = default;
PdfDraft::~PdfDraft() = default;

PdfDraft draft_pdf(const std::vector<const Page*>& pages, const FontSet& fonts, const PdfOptions& options,
                   Diagnostics& diags, FontSubsetCache& cache) {
  auto impl = std::make_unique<pdf::Draft>(pages, fonts, options, diags, cache);
  impl->writer.draft();
  return PdfDraft(std::move(impl));
}

std::optional<std::string> finish_pdf(PdfDraft& draft) {
  if (!draft.impl_) return std::nullopt;
  auto bytes = draft.impl_->finish();
  draft.impl_.reset();  // the document and its borrowed streams go now, not with the caller's draft
  return bytes;
}

std::optional<std::string> make_pdf(const std::vector<const Page*>& pages, const FontSet& fonts,
                                    const PdfOptions& options, Diagnostics& diags, FontSubsetCache& cache) {
  PdfDraft draft = draft_pdf(pages, fonts, options, diags, cache);
  return finish_pdf(draft);
}

std::optional<std::string> finish_pdf_file(PdfDraft& draft, const std::string& path, Diagnostics& diags) {
  auto bytes = finish_pdf(draft);
  if (!bytes)
    diags.error("pdf.write-failed", {path}, "the PDF was not written (see the errors above)",
                "the previous file, if any, is unchanged");
  return bytes;
}

std::optional<std::string> make_pdf_file(const std::vector<const Page*>& pages, const FontSet& fonts,
                                         const PdfOptions& options, const std::string& path, Diagnostics& diags,
                                         FontSubsetCache& cache) {
  PdfDraft draft = draft_pdf(pages, fonts, options, diags, cache);
  return finish_pdf_file(draft, path, diags);
}

bool write_pdf(const std::vector<const Page*>& pages, const FontSet& fonts, const PdfOptions& options,
               const std::string& path, Diagnostics& diags, FontSubsetCache& cache) {
  auto bytes = make_pdf_file(pages, fonts, options, path, diags, cache);
  return bytes && write_pdf_file(path, *bytes, diags);
}

bool write_pdf_file(const std::string& path, std::string_view bytes, Diagnostics& diags) {
  // engine/base's atomic write: temporary file in the target directory, fsync, rename.
  Diagnostics io;
  if (write_file_atomic(path, bytes, io)) return true;
  for (const auto& e : io.all())
    diags.error("pdf.write-failed", e.loc, e.message, "the previous file, if any, is unchanged");
  if (io.all().empty()) diags.error("pdf.write-failed", {path}, "the PDF could not be written");
  return false;
}

bool write_pdf(const std::vector<const Page*>& pages, const FontSet& fonts, const PdfOptions& options,
               const std::string& path, Diagnostics& diags) {
  FontSubsetCache cache;
  return write_pdf(pages, fonts, options, path, diags, cache);
}

}  // namespace paiban
