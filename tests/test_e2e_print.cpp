// End to end, issue 6 "Print-ready plates": the shanxi sample edition built by the CLI and checked
// with independent tools, as a printer would — paiban preflight, qpdf, poppler (pdfinfo, pdffonts,
// pdfimages, pdftotext) and Ghostscript, whose separations (tiffsep: one TIFF per plate) and CMYK
// rendering (tiff32nc) are read back pixel by pixel. Then the same edition with output.marks:
// crop and registration marks and the slug, in the registration colour, outside the trim.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include "support/test_support.h"

using namespace paiban::test;

namespace {

const char* const kLabels[] = {"A1", "A2", "A3", "A4"};

std::string sample_dir() { return source_dir() + "/samples/shanxi-keji-2024-06-14"; }

struct Built {
  std::string dir;
  RunResult result;
};

Built build(const std::string& edition, const std::string& tag) {
  Built out;
  out.dir = temp_dir(tag);
  out.result = run_paiban("build " + shell_quote(edition) + " -o " + shell_quote(out.dir) + " -q");
  return out;
}

// The sample edition as it is.
const Built& plates() {
  static const Built b = build(sample_dir() + "/edition.toml", "print");
  return b;
}

// The sample edition with output.marks = true: a copy of its edition.toml with the paths made
// absolute (they are relative to the file that says them) and marks switched on.
const Built& marked() {
  static const Built b = [] {
    std::string toml = read_file(sample_dir() + "/edition.toml");
    auto absolute = [&](const std::string& from, const std::string& to) {
      for (std::size_t at = 0; (at = toml.find(from, at)) != std::string::npos; at += to.size()) toml.replace(at, from.size(), to);
    };
    absolute("\"../../layouts/", "\"" + source_dir() + "/layouts/");
    absolute("\"articles/", "\"" + sample_dir() + "/articles/");
    absolute("\"images/", "\"" + sample_dir() + "/images/");
    const std::string output = "[output]\n";
    const auto at = toml.find(output);
    EXPECT_NE(at, std::string::npos);
    toml.insert(at + output.size(), "marks = true\n");
    const std::string dir = temp_dir("print-marked-src");
    write_file(dir + "/edition.toml", toml);
    return build(dir + "/edition.toml", "print-marked");
  }();
  return b;
}

// Ghostscript's messages: "**** Error", "   **** Warning:", "GPL Ghostscript 10.0: <problem>".
bool gs_complains(const RunResult& r) {
  const std::string all = r.out + r.err;
  for (const char* word : {"Warning", "WARNING", "warning", "Error", "ERROR", "error", "****", "GPL Ghostscript"})
    if (all.find(word) != std::string::npos) return true;
  return false;
}

// --- page boxes (pdfinfo -box prints the raw boxes here: every page has all of them) ------------

struct PtBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

std::optional<PtBox> pdfinfo_box(const std::string& pdf, const std::string& name) {
  const RunResult r = run("pdfinfo -box " + shell_quote(pdf));
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + ":", 0) != 0) continue;
    PtBox b;
    if (std::sscanf(line.c_str() + name.size() + 1, "%lf %lf %lf %lf", &b.x0, &b.y0, &b.x1, &b.y1) == 4) return b;
  }
  return std::nullopt;
}

// --- uncompressed TIFF, 8 bits per sample (what gs writes with -sCompression=none) ------------

struct Raster {
  int width = 0, height = 0, samples = 0;
  int photometric = -1;  // 1 = BlackIsZero (tiffsep plates), 5 = separated CMYK (tiff32nc)
  std::vector<std::uint8_t> data;

  // Ink of sample s at (x, y), 0‥255 (255 = solid).
  int ink(int x, int y, int s = 0) const {
    const std::uint8_t v = data[(static_cast<std::size_t>(y) * width + x) * samples + s];
    return photometric == 1 ? 255 - v : v;
  }
};

std::optional<Raster> read_tiff(const std::string& path) {
  std::string f;
  try {
    f = read_file(path);
  } catch (...) {
    return std::nullopt;
  }
  if (f.size() < 8 || f.compare(0, 4, std::string("II*\0", 4)) != 0) return std::nullopt;  // little-endian only
  auto u16 = [&](std::size_t at) -> std::uint32_t {
    return at + 2 <= f.size() ? static_cast<std::uint8_t>(f[at]) | static_cast<std::uint8_t>(f[at + 1]) << 8 : 0;
  };
  auto u32 = [&](std::size_t at) -> std::uint32_t { return u16(at) | u16(at + 2) << 16; };
  const std::size_t ifd = u32(4);
  const std::uint32_t n = u16(ifd);
  std::map<std::uint32_t, std::vector<std::uint32_t>> tags;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::size_t e = ifd + 2 + 12 * i;
    const std::uint32_t tag = u16(e), type = u16(e + 2), count = u32(e + 4);
    const std::uint32_t size = type == 3 ? 2 : 4;
    if (type != 3 && type != 4) continue;  // SHORT and LONG are all we need
    const std::size_t at = count * size <= 4 ? e + 8 : u32(e + 8);
    for (std::uint32_t k = 0; k < count; ++k) tags[tag].push_back(size == 2 ? u16(at + 2 * k) : u32(at + 4 * k));
  }
  auto one = [&](std::uint32_t tag, std::uint32_t fallback) { return tags.count(tag) ? tags[tag][0] : fallback; };
  Raster r;
  r.width = static_cast<int>(one(256, 0));
  r.height = static_cast<int>(one(257, 0));
  r.samples = static_cast<int>(one(277, 1));
  r.photometric = static_cast<int>(one(262, 99));
  if (one(259, 1) != 1 || one(258, 8) != 8 || r.width <= 0 || r.height <= 0) return std::nullopt;
  const auto& offsets = tags[273];
  const auto& counts = tags[279];
  if (offsets.size() != counts.size()) return std::nullopt;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] + static_cast<std::size_t>(counts[i]) > f.size()) return std::nullopt;
    r.data.insert(r.data.end(), f.begin() + offsets[i], f.begin() + offsets[i] + counts[i]);
  }
  if (r.data.size() < static_cast<std::size_t>(r.width) * r.height * r.samples) return std::nullopt;
  return r;
}

// Ghostscript's separations of a page: one 8-bit plate per process ink (tiffsep; overprint is
// simulated on separation devices, so the plates are what the plate-setter would image).
struct Plates {
  std::array<Raster, 4> plate;  // C, M, Y, K
  int width() const { return plate[0].width; }
  int height() const { return plate[0].height; }
};

std::optional<Plates> separations(const std::string& pdf, double dpi, const std::string& extra = "") {
  const std::string dir = temp_dir("tiffsep");
  const RunResult r = run("gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=tiffsep -sCompression=none -r" + std::to_string(dpi) + " " +
                          extra + " -sOutputFile=" + shell_quote(dir + "/p.tif") + " " + shell_quote(pdf));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(gs_complains(r)) << r.out << r.err;
  Plates p;
  const char* names[] = {"Cyan", "Magenta", "Yellow", "Black"};
  for (int i = 0; i < 4; ++i) {
    auto t = read_tiff(dir + "/p(" + names[i] + ").tif");
    EXPECT_TRUE(t) << "no readable " << names[i] << " plate in " << dir;
    if (!t) return std::nullopt;
    p.plate[static_cast<std::size_t>(i)] = std::move(*t);
  }
  for (const Raster& r2 : p.plate)
    if (r2.width != p.width() || r2.height != p.height()) return std::nullopt;
  return p;
}

// A rectangle in raster pixels, [x0, x1) × [y0, y1), from a box in PDF points on a page whose
// MediaBox is `media`, rendered at `dpi` (y flips: rasters start at the top).
struct PxRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool contains(int x, int y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};
PxRect to_px(const PtBox& b, const PtBox& media, double dpi) {
  const double s = dpi / 72;
  return {static_cast<int>((b.x0 - media.x0) * s), static_cast<int>((media.y1 - b.y1) * s),
          static_cast<int>((b.x1 - media.x0) * s + 0.999), static_cast<int>((media.y1 - b.y0) * s + 0.999)};
}

}  // namespace

// Issue 6, done when: every page of the sample edition passes paiban preflight, qpdf --check,
// pdffonts (all embedded and subset) and renders with Ghostscript without a warning.
TEST(E2ePrint, EveryPagePassesPreflightQpdfPdffontsAndGhostscript) {
  ASSERT_EQ(plates().result.exit_code, 0) << plates().result.err;
  for (const char* label : kLabels) {
    SCOPED_TRACE(label);
    const std::string pdf = plates().dir + "/" + label + ".pdf";
    // --strict: any error or warning exits 3 (notes, such as an image's measured resolution, do not).
    const RunResult pf = run_paiban("preflight --strict --trim 390x540mm --bleed 0mm --pages 1 " + shell_quote(pdf));
    EXPECT_EQ(pf.exit_code, 0) << pf.out << pf.err;
    EXPECT_NE(pf.out.find("0 errors, 0 warnings"), std::string::npos) << pf.out;
    EXPECT_NE(pf.out.find("passed"), std::string::npos) << pf.out;

    const RunResult qc = run("qpdf --check " + shell_quote(pdf));
    EXPECT_EQ(qc.exit_code, 0) << qc.out << qc.err;
    EXPECT_NE(qc.out.find("No syntax or stream encoding errors found"), std::string::npos) << qc.out;
    EXPECT_EQ((qc.out + qc.err).find("WARNING"), std::string::npos) << qc.out << qc.err;

    const RunResult pfo = run("pdffonts " + shell_quote(pdf));
    EXPECT_EQ(pfo.exit_code, 0) << pfo.err;
    std::istringstream in(pfo.out);
    std::string line;
    int fonts = 0;
    for (int i = 0; std::getline(in, line); ++i) {
      if (i < 2 || line.empty()) continue;  // header and rule
      std::istringstream cols(line);
      std::vector<std::string> c;
      for (std::string t; cols >> t;) c.push_back(t);
      ASSERT_GE(c.size(), 7u) << line;
      // … emb sub uni object-number generation
      EXPECT_EQ(c[c.size() - 5], "yes") << "not embedded: " << line;
      EXPECT_EQ(c[c.size() - 4], "yes") << "not subset: " << line;
      EXPECT_EQ(c[0].size() > 7 ? c[0][6] : '?', '+') << "no subset tag: " << line;
      ++fonts;
    }
    EXPECT_GT(fonts, 0) << pfo.out;

    const RunResult gs = run("gs -dSAFER -dBATCH -dNOPAUSE -sDEVICE=nullpage " + shell_quote(pdf));
    EXPECT_EQ(gs.exit_code, 0) << gs.err;
    // Ghostscript prints its banner and "Page 1"; any complaint has one of these words.
    const std::string said = gs.out + gs.err;
    for (const char* word : {"Warning", "WARNING", "Error", "ERROR", "****"}) EXPECT_EQ(said.find(word), std::string::npos) << said;
  }
}

// pdfinfo reports the PDF/X version the descriptor asked for, from the info dictionary.
TEST(E2ePrint, PdfinfoReportsPdfX) {
  ASSERT_EQ(plates().result.exit_code, 0) << plates().result.err;
  for (const char* label : kLabels) {
    const RunResult r = run("pdfinfo " + shell_quote(plates().dir + "/" + label + ".pdf"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(PDF subtype:\s+PDF/X-1a:2003)"))) << label << "\n" << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(PDF version:\s+1\.4)"))) << label << "\n" << r.out;
  }
}

// Re-writing a plate with Ghostscript's PDF/X mode raises no warning: in particular pdfwrite does
// not fall back to plain PDF ("TrimBox does not fit inside BleedBox, not permitted in PDF/X-3,
// reverting to normal PDF output", with exit code 0: gs rounds the MediaBox to 1/100 pt and then
// finds an unrounded TrimBox on its edge outside it — see pdf.cpp).
TEST(E2ePrint, GhostscriptPdfxRewriteRaisesNoWarning) {
  ASSERT_EQ(plates().result.exit_code, 0) << plates().result.err;
  for (const char* label : {"A1", "A4"}) {  // A1: spot-free furniture and tints; A4: the RGB photo
    SCOPED_TRACE(label);
    const std::string out = temp_dir("pdfx-rewrite") + "/out.pdf";
    const RunResult r = run("gs -dPDFX -dBATCH -dNOPAUSE -dSAFER -sDEVICE=pdfwrite -sColorConversionStrategy=CMYK -sOutputFile=" +
                            shell_quote(out) + " " + shell_quote(plates().dir + "/" + label + ".pdf"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // Banner, "Processing pages 1 through 1." and "Page 1" only.
    for (const char* word : {"Warning", "WARNING", "warning", "Error", "ERROR", "error", "reverting", "not permitted", "****"})
      EXPECT_EQ((r.out + r.err).find(word), std::string::npos) << r.out << r.err;
    EXPECT_EQ(r.err, "");
    // The rewrite is a readable one-page file (without Ghostscript's PDFX_def.ps it carries no
    // output intent of its own, so pdfinfo cannot tell PDF/X from plain PDF here).
    const RunResult info = run("pdfinfo " + shell_quote(out));
    EXPECT_EQ(info.exit_code, 0) << info.err;
    EXPECT_TRUE(std::regex_search(info.out, std::regex(R"(Pages:\s+1\n)"))) << info.out;
  }
}

// Black body text is on the black plate only: in the area of the lead story's body text on A1
// (found by reading its words back with their boxes), Ghostscript's separations have ink on the
// Black plate and none at all on Cyan, Magenta or Yellow.
TEST(E2ePrint, BlackBodyTextIsOnTheBlackPlateOnly) {
  ASSERT_EQ(plates().result.exit_code, 0) << plates().result.err;
  const std::string pdf = plates().dir + "/A1.pdf";
  const std::string lead = article_body(sample_dir() + "/articles/lead.md");
  PtBox area{1e9, 1e9, -1e9, -1e9};
  int found = 0;
  // pdftotext -bbox: one word per CJK stretch of a line, boxes y-down from the MediaBox's top.
  for (const PdfWord& w : pdf_words(pdf)) {
    const std::string t = strip_whitespace(w.text);
    if (t.size() < 18 || lead.find(t) == std::string::npos) continue;  // ≥ 6 CJK characters of the lead
    area = {std::min(area.x0, w.x_min), std::min(area.y0, w.y_min), std::max(area.x1, w.x_max), std::max(area.y1, w.y_max)};
    ++found;
  }
  ASSERT_GE(found, 20) << "the lead's body text was not found on A1";
  const double dpi = 72;
  auto p = separations(pdf, dpi);
  ASSERT_TRUE(p);
  // pdftotext's boxes are already y-down from the top of the MediaBox.
  const PxRect r{static_cast<int>(area.x0), static_cast<int>(area.y0), static_cast<int>(area.x1 + 0.999),
                 static_cast<int>(area.y1 + 0.999)};
  ASSERT_LE(r.x1, p->width());
  ASSERT_LE(r.y1, p->height());
  std::array<long, 4> inked{};
  for (int y = r.y0; y < r.y1; ++y)
    for (int x = r.x0; x < r.x1; ++x)
      for (std::size_t s = 0; s < 4; ++s) inked[s] += p->plate[s].ink(x, y) > 0;
  const long pixels = static_cast<long>(r.x1 - r.x0) * (r.y1 - r.y0);
  EXPECT_GT(inked[3], pixels / 20) << "the black plate carries the text";
  EXPECT_EQ(inked[0], 0) << "cyan under the body text";
  EXPECT_EQ(inked[1], 0) << "magenta under the body text";
  EXPECT_EQ(inked[2], 0) << "yellow under the body text";
}

// The RGB PNG photo on A4 (images/field.png, 8-bit RGB) comes out as a CMYK image within the ink
// limit: pdfimages lists it as cmyk, and Ghostscript's CMYK rendering shows colour (cyan, magenta
// and yellow ink) where it is, with at most 240 % total ink in any pixel.
TEST(E2ePrint, RgbPhotoComesOutCmykWithinTheInkLimit) {
  ASSERT_EQ(plates().result.exit_code, 0) << plates().result.err;
  const std::string png = read_file(sample_dir() + "/images/field.png");
  ASSERT_GT(png.size(), 26u);
  ASSERT_EQ(png.substr(1, 3), "PNG");
  ASSERT_EQ(png[24], 8);  // bit depth
  ASSERT_EQ(png[25], 2);  // colour type 2: RGB

  const std::string pdf = plates().dir + "/A4.pdf";
  const RunResult list = run("pdfimages -list " + shell_quote(pdf));
  ASSERT_EQ(list.exit_code, 0) << list.err;
  // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
  std::istringstream in(list.out);
  std::string line;
  int images = 0;
  for (int i = 0; std::getline(in, line); ++i) {
    if (i < 2 || line.empty()) continue;
    std::istringstream cols(line);
    std::vector<std::string> c;
    for (std::string t; cols >> t;) c.push_back(t);
    ASSERT_GE(c.size(), 14u) << line;
    EXPECT_EQ(c[2], "image") << line;
    EXPECT_EQ(c[5], "cmyk") << line;
    EXPECT_EQ(c[7], "8") << line;
    const double ppi = std::stod(c[12]);
    EXPECT_GE(ppi, 150) << line;  // checklist I01
    EXPECT_LE(ppi, 400) << line;
    ++images;
  }
  EXPECT_EQ(images, 1) << list.out;

  // Render in CMYK (8 bits per ink, no colour management on the way: DeviceCMYK in, CMYK out).
  const double dpi = 50;
  const std::string tif = temp_dir("tiff32nc") + "/a4.tif";
  const RunResult r = run("gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=tiff32nc -sCompression=none -r" + std::to_string(dpi) +
                          " -sOutputFile=" + shell_quote(tif) + " " + shell_quote(pdf));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(gs_complains(r)) << r.out << r.err;
  auto t = read_tiff(tif);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->samples, 4);
  ASSERT_EQ(t->photometric, 5);
  // Everything else on A4 is black text and rules (K only): the pixels with C, M or Y ink are the
  // photo. Its extent must be the frame's (3 columns: 369 pt wide).
  PxRect photo{t->width, t->height, -1, -1};
  for (int y = 0; y < t->height; ++y)
    for (int x = 0; x < t->width; ++x)
      if (t->ink(x, y, 0) + t->ink(x, y, 1) + t->ink(x, y, 2) > 0)
        photo = {std::min(photo.x0, x), std::min(photo.y0, y), std::max(photo.x1, x + 1), std::max(photo.y1, y + 1)};
  ASSERT_GT(photo.x1, photo.x0) << "no colour on A4";
  EXPECT_NEAR(photo.x1 - photo.x0, 369 * dpi / 72, 3);
  EXPECT_GT(photo.y1 - photo.y0, 150 * dpi / 72);
  // Inside it (a 1 px border aside: edge pixels are partly paper), every ink is used and no pixel
  // exceeds 240 % total ink; the dark foreground comes close to the limit (it would separate to
  // about 300 % unlimited).
  int max_tac = 0;
  std::array<int, 4> max_ink{};
  for (int y = photo.y0 + 1; y < photo.y1 - 1; ++y)
    for (int x = photo.x0 + 1; x < photo.x1 - 1; ++x) {
      int tac = 0;
      for (int s = 0; s < 4; ++s) {
        tac += t->ink(x, y, s);
        max_ink[static_cast<std::size_t>(s)] = std::max(max_ink[static_cast<std::size_t>(s)], t->ink(x, y, s));
      }
      max_tac = std::max(max_tac, tac);
    }
  EXPECT_LE(max_tac * 100, 240 * 255 + 255) << "max total ink " << max_tac * 100.0 / 255 << " %";  // 8-bit rounding: ±1 %
  EXPECT_GE(max_tac * 100, 200 * 255) << "the photo's shadows should reach near the limit";
  for (std::size_t s = 0; s < 4; ++s) EXPECT_GT(max_ink[s], 64) << "ink " << s << " barely used in the photo";
}

// --- output.marks --------------------------------------------------------------------------

// Every marked page passes preflight (G06 checks the marks, and they raise no G05, C06 or C08),
// qpdf and pdffonts with the same fonts as the plain plate, all embedded and subset: the slug
// adds no font.
TEST(E2ePrint, MarkedPagesPassPreflight) {
  ASSERT_EQ(marked().result.exit_code, 0) << marked().result.err;
  ASSERT_EQ(plates().result.exit_code, 0) << plates().result.err;
  for (const char* label : kLabels) {
    SCOPED_TRACE(label);
    const std::string pdf = marked().dir + "/" + label + ".pdf";
    const RunResult pf = run_paiban("preflight --strict --trim 390x540mm --bleed 0mm --pages 1 " + shell_quote(pdf));
    EXPECT_EQ(pf.exit_code, 0) << pf.out << pf.err;
    EXPECT_NE(pf.out.find("0 errors, 0 warnings"), std::string::npos) << pf.out;
    const RunResult qc = run("qpdf --check " + shell_quote(pdf));
    EXPECT_EQ(qc.exit_code, 0) << qc.out << qc.err;
    auto font_names = [](const std::string& file) {
      const RunResult r = run("pdffonts " + shell_quote(file));
      std::vector<std::string> names;
      std::istringstream in(r.out);
      std::string line;
      for (int i = 0; std::getline(in, line); ++i)
        if (i >= 2 && !line.empty()) {
          // Without the subset tag ("ABCDEF+"): the slug's glyphs join the edition's subsets.
          const std::string name = line.substr(0, line.find(' '));
          names.push_back(name.size() > 7 && name[6] == '+' ? name.substr(7) : name);
          EXPECT_NE(line.find(" yes yes "), std::string::npos) << "not embedded and subset: " << line;
        }
      return names;
    };
    EXPECT_EQ(font_names(pdf), font_names(plates().dir + "/" + label + ".pdf"));
  }
}

// The sheet grows by the 10 mm slug on every side; TrimBox and BleedBox keep their size and sit
// 10 mm in.
TEST(E2ePrint, MarkedPageBoxes) {
  ASSERT_EQ(marked().result.exit_code, 0) << marked().result.err;
  const std::string pdf = marked().dir + "/A1.pdf";
  const auto media = pdfinfo_box(pdf, "MediaBox"), bleed = pdfinfo_box(pdf, "BleedBox"), trim = pdfinfo_box(pdf, "TrimBox");
  ASSERT_TRUE(media && bleed && trim);
  const double slug = 10 * 72 / 25.4, w = 390 * 72 / 25.4, h = 540 * 72 / 25.4, tol = 0.02;
  EXPECT_NEAR(media->x0, 0, tol);
  EXPECT_NEAR(media->y0, 0, tol);
  EXPECT_NEAR(media->x1, w + 2 * slug, tol);
  EXPECT_NEAR(media->y1, h + 2 * slug, tol);
  for (const PtBox* b : {&*bleed, &*trim}) {  // no bleed in this edition: BleedBox = TrimBox
    EXPECT_NEAR(b->x0, slug, tol);
    EXPECT_NEAR(b->y0, slug, tol);
    EXPECT_NEAR(b->x1, slug + w, tol);
    EXPECT_NEAR(b->y1, slug + h, tol);
  }
}

// Ghostscript's separations of the marked A1: outside the BleedBox every inked pixel is the same
// on all four plates (registration colour), and there are marks on each of the four sides;
// inside the TrimBox there is no registration-coloured pixel, and the page itself is the plain
// plate's, unmoved (rendered through each file's TrimBox, the plates agree).
TEST(E2ePrint, MarksAreOutsideTheTrimOnAllFourPlates) {
  ASSERT_EQ(marked().result.exit_code, 0) << marked().result.err;
  ASSERT_EQ(plates().result.exit_code, 0) << plates().result.err;
  const std::string pdf = marked().dir + "/A1.pdf";
  const double dpi = 50.8;  // 2 px per mm
  auto p = separations(pdf, dpi);
  ASSERT_TRUE(p);
  const auto media = pdfinfo_box(pdf, "MediaBox"), bleed = pdfinfo_box(pdf, "BleedBox"), trim = pdfinfo_box(pdf, "TrimBox");
  ASSERT_TRUE(media && bleed && trim);
  const PxRect bleed_px = to_px(*bleed, *media, dpi), trim_px = to_px(*trim, *media, dpi);
  // Sides of the slug: top, bottom, left, right (outside the bleed).
  std::array<long, 4> marks_on_side{};
  long mixed = 0, registration_in_trim = 0;
  for (int y = 0; y < p->height(); ++y)
    for (int x = 0; x < p->width(); ++x) {
      const int c = p->plate[0].ink(x, y), m = p->plate[1].ink(x, y), yy = p->plate[2].ink(x, y), k = p->plate[3].ink(x, y);
      const bool any = c + m + yy + k > 0, all = c > 128 && m > 128 && yy > 128 && k > 128;
      if (trim_px.contains(x, y)) {
        registration_in_trim += all;
        continue;
      }
      if (bleed_px.contains(x, y) || !any) continue;
      if (!(c == m && m == yy && yy == k)) ++mixed;
      if (y < bleed_px.y0) ++marks_on_side[0];
      else if (y >= bleed_px.y1) ++marks_on_side[1];
      else if (x < bleed_px.x0) ++marks_on_side[2];
      else ++marks_on_side[3];
    }
  EXPECT_EQ(mixed, 0) << "pixels outside the bleed that are not on all four plates alike";
  EXPECT_EQ(registration_in_trim, 0) << "registration-coloured pixels inside the trim";
  // Each side has a registration target (ring + cross: tens of pixels at 2 px/mm); top and
  // bottom also the corners' crop marks, the bottom the slug line.
  for (std::size_t s = 0; s < 4; ++s) EXPECT_GT(marks_on_side[s], 30) << "side " << s;
  EXPECT_GT(marks_on_side[1], marks_on_side[0]) << "the slug line is under the page";

  // The page content, seen through the TrimBox, is the plain plate's.
  auto marked_trim = separations(pdf, dpi, "-dUseTrimBox");
  auto plain_trim = separations(plates().dir + "/A1.pdf", dpi, "-dUseTrimBox");
  ASSERT_TRUE(marked_trim && plain_trim);
  ASSERT_EQ(marked_trim->width(), plain_trim->width());
  ASSERT_EQ(marked_trim->height(), plain_trim->height());
  for (std::size_t s = 0; s < 4; ++s) {
    long differ = 0, inked = 0;
    for (int y = 0; y < plain_trim->height(); ++y)
      for (int x = 0; x < plain_trim->width(); ++x) {
        const int a = plain_trim->plate[s].ink(x, y), b = marked_trim->plate[s].ink(x, y);
        differ += std::abs(a - b) > 64;
        inked += a > 0;
      }
    // Rounding the shifted coordinates may flip a pixel on an edge; a shifted page differs on
    // every edge of its text (tens of thousands of pixels).
    EXPECT_LE(differ, inked / 200 + 10) << "plate " << s << ": " << differ << " of " << inked << " inked pixels differ";
  }
}

// The slug line reads back under the page: page label, paper and date, and not inside the trim.
TEST(E2ePrint, SlugLineReadsBack) {
  ASSERT_EQ(marked().result.exit_code, 0) << marked().result.err;
  for (const char* label : kLabels) {
    SCOPED_TRACE(label);
    const std::string pdf = marked().dir + "/" + label + ".pdf";
    const auto media = pdfinfo_box(pdf, "MediaBox"), trim = pdfinfo_box(pdf, "TrimBox");
    ASSERT_TRUE(media && trim);
    // pdftotext's crop area: points from the MediaBox's top-left, y down.
    auto text_in = [&](double x, double y, double w, double h) {
      const RunResult r = run("pdftotext -enc UTF-8 -r 72 -x " + std::to_string(static_cast<int>(x)) + " -y " +
                              std::to_string(static_cast<int>(y)) + " -W " + std::to_string(static_cast<int>(w)) + " -H " +
                              std::to_string(static_cast<int>(h)) + " " + shell_quote(pdf) + " -");
      EXPECT_EQ(r.exit_code, 0) << r.err;
      return strip_whitespace(r.out);
    };
    const double below_trim = media->y1 - trim->y0;
    const std::string slug = text_in(0, below_trim + 1, media->x1, media->y1 - below_trim);
    EXPECT_EQ(slug, std::string(label) + "山西科技报2024-06-14");
    const std::string inside = text_in(trim->x0, media->y1 - trim->y1, trim->x1 - trim->x0, trim->y1 - trim->y0);
    EXPECT_EQ(inside.find("2024-06-14"), std::string::npos);
    EXPECT_GT(inside.size(), 1000u) << "the page's own text";
  }
}
