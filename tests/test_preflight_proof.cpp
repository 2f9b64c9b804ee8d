// preflight/proof: PNG proofs through pdftoppm, and the changed regions between two proof runs.
// Fixtures are built with qpdf's API: pages with black rectangles at known places, so every
// expected pixel position follows from the PDF coordinates and the resolution.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <filesystem>
#include <sstream>

#include "engine/preflight/proof.h"
#include "support/test_support.h"

using namespace paiban;
namespace fs = std::filesystem;

namespace {

const std::string& work_dir() {
  static const std::string dir = test::temp_dir("proof");
  return dir;
}
class RemoveWorkDir : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(work_dir(), ec);
  }
};
[[maybe_unused]] const auto* const kRemoveWorkDir = ::testing::AddGlobalTestEnvironment(new RemoveWorkDir);

struct Square {
  double x, y, size;  // PDF points, origin bottom-left
};

constexpr double kPageW = 216, kPageH = 144;  // 3 × 2 in: 300 × 200 px at 100 dpi

// One page per entry; each page paints its black squares on white.
std::string make_pdf(const std::string& name, const std::vector<std::vector<Square>>& pages) {
  QPDF pdf;
  pdf.emptyPDF();
  for (const auto& squares : pages) {
    std::string content = "0 0 0 1 k\n";
    for (const auto& s : squares) content += fmt::format("{} {} {} {} re f\n", s.x, s.y, s.size, s.size);
    auto page = pdf.makeIndirectObject(QPDFObjectHandle::parse(fmt::format("<< /Type /Page /MediaBox [0 0 {} {}] >>", kPageW, kPageH)));
    page.replaceKey("/Contents", pdf.newStream(content));
    page.replaceKey("/Resources", QPDFObjectHandle::newDictionary());
    QPDFPageDocumentHelper(pdf).addPage(QPDFPageObjectHelper(page), false);
  }
  const std::string path = work_dir() + "/" + name + ".pdf";
  QPDFWriter w(pdf, path.c_str());
  w.setDeterministicID(true);
  w.write();
  return path;
}

// PDF square → proof pixels at `dpi` (y flipped: proofs count rows from the top).
PixelRect px_of(const Square& s, int dpi) {
  const double k = dpi / 72.0;
  return {static_cast<int>(s.x * k), static_cast<int>((kPageH - s.y - s.size) * k), static_cast<int>(s.size * k),
          static_cast<int>(s.size * k)};
}

void expect_near_rect(const PixelRect& got, const PixelRect& want, int tol = 2) {
  EXPECT_NEAR(got.x, want.x, tol);
  EXPECT_NEAR(got.y, want.y, tol);
  EXPECT_NEAR(got.w, want.w, tol);
  EXPECT_NEAR(got.h, want.h, tol);
}

const std::uint8_t* pixel(const RgbaImage& img, int x, int y) {
  return &img.pixels[(static_cast<std::size_t>(y) * img.width + x) * 4];
}

RgbaImage blank(int w, int h) {
  RgbaImage img;
  img.width = w;
  img.height = h;
  img.pixels.assign(static_cast<std::size_t>(w) * h * 4, 255);
  return img;
}

void paint(RgbaImage& img, int x0, int y0, int w, int h) {
  for (int y = y0; y < y0 + h; ++y)
    for (int x = x0; x < x0 + w; ++x) {
      auto* p = &img.pixels[(static_cast<std::size_t>(y) * img.width + x) * 4];
      p[0] = p[1] = p[2] = 0;
    }
}

std::string dump(const ProofReport& r) {
  std::ostringstream s;
  r.dump(s);
  return s.str();
}

std::string diag_text(const Diagnostics& d) {
  std::ostringstream s;
  d.dump(s);
  return s.str();
}

}  // namespace

// Every page becomes <stem>-<page>.png at the requested resolution, black where the PDF paints.
TEST(Proof, OnePngPerPage) {
  const Square a{36, 36, 36}, b{144, 72, 36};
  const std::string pdf = make_pdf("two-pages", {{a}, {b}});
  const std::string out = work_dir() + "/pages";
  Diagnostics diags;
  ProofOptions opt;
  const auto r = proof(pdf, out, opt, diags);
  ASSERT_TRUE(r.ok) << diag_text(diags);
  ASSERT_EQ(r.pages.size(), 2u);
  EXPECT_EQ(r.pages[0].png, out + "/two-pages-1.png");
  EXPECT_EQ(r.pages[1].png, out + "/two-pages-2.png");
  std::string err;
  auto p1 = read_png(r.pages[0].png, err);
  ASSERT_TRUE(p1) << err;
  EXPECT_EQ(p1->width, 300);
  EXPECT_EQ(p1->height, 200);
  const PixelRect ra = px_of(a, 100);
  EXPECT_LT(pixel(*p1, ra.x + ra.w / 2, ra.y + ra.h / 2)[0], 64);  // inside: black (K 100 % renders as RGB ~35)
  EXPECT_EQ(pixel(*p1, ra.x + ra.w + 10, ra.y)[0], 255);           // beside it: paper
  auto p2 = read_png(r.pages[1].png, err);
  ASSERT_TRUE(p2) << err;
  const PixelRect rb = px_of(b, 100);
  EXPECT_LT(pixel(*p2, rb.x + rb.w / 2, rb.y + rb.h / 2)[0], 64);
  EXPECT_EQ(pixel(*p2, ra.x + ra.w / 2, ra.y + ra.h / 2)[0], 255);
  EXPECT_EQ(dump(r), "page 1: no baseline\npage 2: no baseline\n");
  // No temporary files are left behind.
  int files = 0;
  for (auto& e : fs::directory_iterator(out)) files += e.is_regular_file();
  EXPECT_EQ(files, 2);
}

// A square that moved shows up as two changed regions, where it was and where it is; the diff
// picture marks new ink red and removed ink blue. The unchanged page 2 gets no diff picture.
TEST(Proof, DiffAgainstFindsMovedSquare) {
  const Square fixed{150, 20, 30}, before{20, 80, 30}, after{80, 80, 30};
  const std::string v1 = make_pdf("edition", {{fixed, before}, {fixed}});
  const std::string dir1 = work_dir() + "/run1", dir2 = work_dir() + "/run2";
  Diagnostics diags;
  ASSERT_TRUE(proof(v1, dir1, {}, diags).ok) << diag_text(diags);
  // Same file name, new content.
  fs::rename(v1, work_dir() + "/edition-v1.pdf");
  const std::string v2 = make_pdf("edition", {{fixed, after}, {fixed}});
  ProofOptions opt;
  opt.diff_against = dir1;
  const auto r = proof(v2, dir2, opt, diags);
  ASSERT_TRUE(r.ok) << diag_text(diags);
  ASSERT_EQ(r.pages.size(), 2u);
  const PageProof& p1 = r.pages[0];
  EXPECT_EQ(p1.baseline, dir1 + "/edition-1.png");
  ASSERT_TRUE(p1.changed);
  ASSERT_EQ(p1.changes.size(), 2u) << dump(r);
  expect_near_rect(p1.changes[0], px_of(before, 100));  // same row: sorted left to right
  expect_near_rect(p1.changes[1], px_of(after, 100));
  EXPECT_EQ(p1.diff_png, dir2 + "/edition-1-diff.png");
  std::string err;
  auto diff = read_png(p1.diff_png, err);
  ASSERT_TRUE(diff) << err;
  const PixelRect now = px_of(after, 100), was = px_of(before, 100), same = px_of(fixed, 100);
  const auto* red = pixel(*diff, now.x + now.w / 2, now.y + now.h / 2);
  EXPECT_GT(red[0], 200);
  EXPECT_LT(red[1], 50);
  const auto* blue = pixel(*diff, was.x + was.w / 2, was.y + was.h / 2);
  EXPECT_GT(blue[2], 200);
  EXPECT_LT(blue[0], 50);
  const auto* grey = pixel(*diff, same.x + same.w / 2, same.y + same.h / 2);  // unchanged ink, washed out
  EXPECT_EQ(grey[0], grey[2]);
  EXPECT_GT(grey[0], 150);

  EXPECT_FALSE(r.pages[1].changed);
  EXPECT_TRUE(r.pages[1].diff_png.empty());
  EXPECT_FALSE(fs::exists(dir2 + "/edition-2-diff.png"));
  const std::string text = dump(r);
  EXPECT_NE(text.find("page 1: changed 2 regions: "), std::string::npos) << text;
  EXPECT_NE(text.find("page 2: unchanged"), std::string::npos) << text;
}

// Proofs may be refreshed in place: the old PNG is read before the new one replaces it, and a
// second identical run reports no change and removes the stale diff picture.
TEST(Proof, DiffAgainstItsOwnDirectory) {
  const std::string dir = work_dir() + "/inplace";
  Diagnostics diags;
  ASSERT_TRUE(proof(make_pdf("page", {{{20, 20, 30}}}), dir, {}, diags).ok) << diag_text(diags);
  ProofOptions opt;
  opt.diff_against = dir;
  const std::string v2 = make_pdf("page", {{{20, 20, 30}, {100, 60, 20}}});
  auto r = proof(v2, dir, opt, diags);
  ASSERT_TRUE(r.ok) << diag_text(diags);
  ASSERT_TRUE(r.pages[0].changed);
  ASSERT_EQ(r.pages[0].changes.size(), 1u);
  expect_near_rect(r.pages[0].changes[0], px_of({100, 60, 20}, 100));
  EXPECT_TRUE(fs::exists(dir + "/page-1-diff.png"));
  r = proof(v2, dir, opt, diags);
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.pages[0].changed);
  EXPECT_FALSE(fs::exists(dir + "/page-1-diff.png"));
}

TEST(Proof, UnreadablePdfIsReported) {
  const std::string bad = work_dir() + "/bad.pdf";
  test::write_file(bad, "not a pdf");
  Diagnostics diags;
  const auto r = proof(bad, work_dir() + "/bad", {}, diags);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(diags.count_code("proof.open"), 1u) << diag_text(diags);
}

// diff_images on its own: changes closer than the merge distance are one region, distant ones
// separate; anti-aliasing-sized differences under the tolerance are ignored; a size change is
// the whole page.
TEST(Proof, DiffImagesRegions) {
  RgbaImage a = blank(200, 100), b = blank(200, 100);
  paint(b, 10, 10, 5, 5);
  paint(b, 18, 10, 5, 5);    // 3 px gap: same region
  paint(b, 150, 60, 10, 20);  // far away: its own region
  auto* faint = &b.pixels[(50 * 200 + 100) * 4];
  faint[0] = faint[1] = faint[2] = 250;  // below the default tolerance
  const auto d = diff_images(a, b);
  ASSERT_EQ(d.changed.size(), 2u);
  EXPECT_EQ(d.changed[0], (PixelRect{10, 10, 13, 5}));
  EXPECT_EQ(d.changed[1], (PixelRect{150, 60, 10, 20}));
  EXPECT_FALSE(d.size_changed);
  EXPECT_EQ(d.highlight.width, 200);

  DiffOptions strict;
  strict.tolerance = 0;
  EXPECT_EQ(diff_images(a, b, strict).changed.size(), 3u);

  const auto s = diff_images(a, blank(201, 100));
  EXPECT_TRUE(s.size_changed);
  ASSERT_EQ(s.changed.size(), 1u);
  EXPECT_EQ(s.changed[0], (PixelRect{0, 0, 201, 100}));
  EXPECT_FALSE(diff_images(a, a).changed_any());
}

TEST(Proof, PngRoundTrip) {
  RgbaImage img = blank(7, 3);
  paint(img, 2, 1, 3, 1);
  const std::string path = work_dir() + "/rt.png";
  std::string err;
  ASSERT_TRUE(write_png(path, img, err)) << err;
  auto back = read_png(path, err);
  ASSERT_TRUE(back) << err;
  EXPECT_EQ(back->width, 7);
  EXPECT_EQ(back->height, 3);
  EXPECT_EQ(back->pixels, img.pixels);
  EXPECT_FALSE(read_png(work_dir() + "/missing.png", err));
  EXPECT_FALSE(err.empty());
}
