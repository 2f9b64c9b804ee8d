// pdf/ images: JPEG and PNG files placed as CMYK image XObjects (checklist §8.5). Test images are
// made here with libjpeg/libpng (no binary fixtures); results are read back with qpdf,
// pdfimages and Ghostscript's CMYK renderer.
#include <gtest/gtest.h>
#include <png.h>

#include <cstdio>
#include <filesystem>
#include <functional>

#include "engine/pdf/images.h"
#include "support/test_images.h"
#include "test_pdf_helpers.h"

using namespace paiban;
using namespace paiban::pdftest;
namespace fs = std::filesystem;

namespace {

using test::Pixel;
using test::write_jpeg;

void write_png_rgba(const std::string& path, int w, int h, const Pixel& pixel) {
  png_image img;
  std::memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = static_cast<png_uint_32>(w);
  img.height = static_cast<png_uint_32>(h);
  img.format = PNG_FORMAT_RGBA;
  std::vector<std::uint8_t> data(static_cast<std::size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const auto p = pixel(x, y);
      for (int k = 0; k < 4; ++k) data[(static_cast<std::size_t>(y) * w + x) * 4 + k] = p[k];
    }
  ASSERT_TRUE(png_image_write_to_file(&img, path.c_str(), 0, data.data(), 0, nullptr)) << img.message;
}

// An RGB PNG with an iCCP profile (full libpng API: the simplified one cannot write iCCP).
void write_png_rgb_icc(const std::string& path, int w, int h, std::vector<std::uint8_t> rgb, const std::string& icc) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_TRUE(f);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, f);
  png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!icc.empty())
    png_set_iCCP(png, info, "profile", PNG_COMPRESSION_TYPE_BASE, reinterpret_cast<png_const_bytep>(icc.data()),
                 static_cast<png_uint_32>(icc.size()));
  png_write_info(png, info);
  for (int y = 0; y < h; ++y) png_write_row(png, rgb.data() + static_cast<std::size_t>(y) * w * 3);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  std::fclose(f);
}

// An image placed at 72 ppi (one pixel per point) so the Ghostscript raster at 72 dpi shows its
// pixels one to one, inside a frame of the same size.
Page image_page(const std::string& path, int w, int h, Point at = {sp_from_mm(20), sp_from_mm(20)}) {
  Page page = empty_page();
  ImageItem im;
  im.path = path;
  im.placement = {at.x, at.y, w * kSpPerPt, h * kSpPerPt};
  im.frame = im.placement;
  page.items.push_back(im);
  return page;
}

struct ImageRow {
  std::string type, color, enc;
  int width = 0, height = 0, comp = 0, bpc = 0;
  double x_ppi = 0, y_ppi = 0;
};

std::vector<ImageRow> pdfimages_list(const std::string& pdf) {
  auto r = test::run("pdfimages -list " + sh(pdf));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  std::vector<ImageRow> rows;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    ImageRow row;
    std::string page, num, interp, object, id, size, ratio;
    l >> page >> num >> row.type >> row.width >> row.height >> row.color >> row.comp >> row.bpc >> row.enc >> interp >>
        object >> id >> row.x_ppi >> row.y_ppi;
    rows.push_back(row);
  }
  return rows;
}

std::string image_stream_raw(const std::string& pdf) {
  const json objs = qpdf_objects(pdf);
  const auto ids = object_ids_where(objs, "/Subtype", "/Image");
  EXPECT_EQ(ids.size(), 1u);
  if (ids.empty()) return {};
  return test::run("qpdf --show-object=" + std::to_string(std::stoi(ids[0])) + " --raw-stream-data " + sh(pdf)).out;
}

json image_dict(const std::string& pdf) {
  const auto v = objects_where(qpdf_objects(pdf), "/Subtype", "/Image");
  return v.empty() ? json() : v[0];
}

int tac(const unsigned char* p) { return p[0] + p[1] + p[2] + p[3]; }

}  // namespace

// A CMYK JPEG is kept as delivered: the image stream is the file's bytes, /DCTDecode, DeviceCMYK.
TEST(PdfImages, CmykJpegPassesThrough) {
  const std::string dir = test::temp_dir("pdf-img");
  const std::string jpg = dir + "/cmyk.jpg";
  write_jpeg(jpg, 64, 48, 4, [](int x, int) { return std::vector<std::uint8_t>{static_cast<std::uint8_t>(x * 4), 0, 128, 0}; });
  const Page page = image_page(jpg, 64, 48);
  const std::string pdf = write_plate({&page}, "cmyk.pdf");
  check_plate(pdf, false);
  EXPECT_EQ(image_stream_raw(pdf), test::read_file(jpg));
  const json d = image_dict(pdf);
  EXPECT_EQ(d["/ColorSpace"], "/DeviceCMYK");
  EXPECT_EQ(d["/BitsPerComponent"], 8);
  EXPECT_FALSE(d.contains("/Decode"));
  const auto rows = pdfimages_list(pdf);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].color, "cmyk");
  EXPECT_EQ(rows[0].enc, "jpeg");
  EXPECT_EQ(rows[0].bpc, 8);
}

// Photoshop's CMYK JPEGs (Adobe marker) store inverted samples: /Decode [1 0 …] restores them,
// so a stored (0, 255, 255, 255) renders as full cyan only.
TEST(PdfImages, AdobeCmykJpegIsDecodedInverted) {
  const std::string dir = test::temp_dir("pdf-img");
  const std::string jpg = dir + "/adobe.jpg";
  write_jpeg(jpg, 40, 40, 4, [](int, int) { return std::vector<std::uint8_t>{0, 255, 255, 255}; }, /*adobe=*/true);
  const Page page = image_page(jpg, 40, 40);
  const std::string pdf = write_plate({&page}, "adobe.pdf");
  check_plate(pdf, false);
  EXPECT_EQ(image_dict(pdf)["/Decode"], json::parse("[1,0,1,0,1,0,1,0]"));
  const CmykRaster r = render_cmyk(pdf, 72);
  const Sp b = page.bleed;
  const unsigned char* p = r.at(px(b + sp_from_mm(20), 72) + 20, px(b + sp_from_mm(20), 72) + 20);
  EXPECT_GT(p[0], 245);
  EXPECT_LT(p[1], 10);
  EXPECT_LT(p[2], 10);
  EXPECT_LT(p[3], 10);
}

// An RGB JPEG is separated through the output profile and its total ink capped at the limit
// (checklist C03/I04): deep RGB black would otherwise print at well over 300 %.
TEST(PdfImages, RgbJpegIsSeparatedWithinTheInkLimit) {
  const std::string dir = test::temp_dir("pdf-img");
  const std::string jpg = dir + "/rgb.jpg";
  // Left half pure red, right half black.
  write_jpeg(jpg, 80, 40, 3, [](int x, int) {
    return x < 40 ? std::vector<std::uint8_t>{255, 0, 0} : std::vector<std::uint8_t>{0, 0, 0};
  });
  const Page page = image_page(jpg, 80, 40);
  const std::string pdf = write_plate({&page}, "rgb.pdf");
  check_plate(pdf, false);
  const auto rows = pdfimages_list(pdf);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].color, "cmyk");
  EXPECT_EQ(rows[0].enc, "jpeg");
  const CmykRaster r = render_cmyk(pdf, 72);
  const Sp b = page.bleed;
  const int x0 = px(b + sp_from_mm(20), 72), y0 = px(b + sp_from_mm(20), 72);
  int max_tac = 0;
  for (int y = y0 + 2; y < y0 + 38; ++y)
    for (int x = x0 + 2; x < x0 + 78; ++x) max_tac = std::max(max_tac, tac(r.at(x, y)));
  EXPECT_LE(max_tac, 240 * 255 / 100 + 6) << "JPEG rounding allows a few units";  // 240 %
  EXPECT_GE(max_tac, 200 * 255 / 100) << "black should stay dense";
  const unsigned char* red = r.at(x0 + 20, y0 + 20);
  EXPECT_GT(red[1], 180) << "magenta";
  EXPECT_GT(red[2], 180) << "yellow";
  EXPECT_LT(red[0], 60) << "little cyan in red";
  // Determinism holds for converted images too.
  EXPECT_EQ(test::read_file(pdf), test::read_file(write_plate({&page}, "rgb2.pdf")));
}

// A grey JPEG is converted to CMYK as well (checklist C01: no DeviceGray surprises downstream).
TEST(PdfImages, GreyJpegBecomesCmyk) {
  const std::string dir = test::temp_dir("pdf-img");
  const std::string jpg = dir + "/grey.jpg";
  write_jpeg(jpg, 32, 32, 1, [](int x, int) { return std::vector<std::uint8_t>{static_cast<std::uint8_t>(x * 8)}; });
  const Page page = image_page(jpg, 32, 32);
  const std::string pdf = write_plate({&page}, "grey.pdf");
  check_plate(pdf, false);
  const auto rows = pdfimages_list(pdf);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].color, "cmyk");
  EXPECT_EQ(image_dict(pdf)["/ColorSpace"], "/DeviceCMYK");
}

// A PNG with transparency is composited onto paper white (X-1a has no transparency) and stored
// losslessly; nothing of the alpha channel reaches the file.
TEST(PdfImages, PngAlphaIsCompositedOnPaperWhite) {
  const std::string dir = test::temp_dir("pdf-img");
  const std::string png = dir + "/logo.png";
  write_png_rgba(png, 60, 30, [](int x, int) {
    return x < 30 ? std::vector<std::uint8_t>{0, 0, 255, 255} : std::vector<std::uint8_t>{0, 0, 255, 0};
  });
  const Page page = image_page(png, 60, 30);
  const std::string pdf = write_plate({&page}, "png.pdf");
  check_plate(pdf, false);
  const json d = image_dict(pdf);
  EXPECT_EQ(d["/ColorSpace"], "/DeviceCMYK");
  EXPECT_FALSE(d.contains("/SMask"));
  EXPECT_FALSE(d.contains("/Mask"));
  const auto rows = pdfimages_list(pdf);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].enc, "image");  // Flate, lossless
  const CmykRaster r = render_cmyk(pdf, 72);
  const Sp b = page.bleed;
  const int x0 = px(b + sp_from_mm(20), 72), y0 = px(b + sp_from_mm(20), 72);
  const unsigned char* blue = r.at(x0 + 10, y0 + 15);
  const unsigned char* clear = r.at(x0 + 50, y0 + 15);
  EXPECT_GT(blue[0], 150) << "cyan in blue";
  EXPECT_GT(blue[1], 100) << "magenta in blue";
  EXPECT_EQ(tac(clear), 0) << "transparent pixels become paper white";
}

// A PNG's embedded profile is the source of the separation: the same samples tagged with a
// wide-gamut RGB profile separate differently from untagged (sRGB) ones.
TEST(PdfImages, PngIccProfileIsHonoured) {
  const std::string dir = test::temp_dir("pdf-img");
  std::vector<std::uint8_t> green;
  for (int i = 0; i < 16 * 16; ++i) green.insert(green.end(), {0, 200, 0});
  const std::string wide = fs::path(cmyk_profile()).parent_path() / "a98.icc";
  ASSERT_TRUE(fs::exists(wide));
  write_png_rgb_icc(dir + "/tagged.png", 16, 16, green, test::read_file(wide));
  write_png_rgb_icc(dir + "/plain.png", 16, 16, green, "");
  const Page tagged = image_page(dir + "/tagged.png", 16, 16), plain = image_page(dir + "/plain.png", 16, 16);
  const std::string a = write_plate({&tagged}, "tagged.pdf"), b = write_plate({&plain}, "plain.pdf");
  check_plate(a, false);
  const json objs_a = qpdf_objects(a), objs_b = qpdf_objects(b);
  const std::string da = stream_data(a, std::stoi(object_ids_where(objs_a, "/Subtype", "/Image").at(0)));
  const std::string db = stream_data(b, std::stoi(object_ids_where(objs_b, "/Subtype", "/Image").at(0)));
  ASSERT_EQ(da.size(), 16u * 16 * 4);
  ASSERT_EQ(db.size(), 16u * 16 * 4);
  EXPECT_NE(da, db);
}

// The image is clipped to its frame: placement larger than the frame (a crop) inks nothing
// outside the frame.
TEST(PdfImages, ImageIsClippedToItsFrame) {
  const std::string dir = test::temp_dir("pdf-img");
  const std::string jpg = dir + "/big.jpg";
  write_jpeg(jpg, 100, 100, 4, [](int, int) { return std::vector<std::uint8_t>{0, 0, 0, 200}; });
  Page page = empty_page();
  ImageItem im;
  im.path = jpg;
  im.placement = {sp_from_mm(20), sp_from_mm(20), sp_from_pt(100), sp_from_pt(100)};
  im.frame = {sp_from_mm(20) + sp_from_pt(25), sp_from_mm(20) + sp_from_pt(25), sp_from_pt(50), sp_from_pt(50)};
  page.items.push_back(im);
  const std::string pdf = write_plate({&page}, "clip.pdf");
  check_plate(pdf, false);
  const CmykRaster r = render_cmyk(pdf, 72);
  const Sp b = page.bleed;
  const int fx = px(b + im.frame.x, 72), fy = px(b + im.frame.y, 72);
  EXPECT_GT(r.at(fx + 25, fy + 25)[3], 150) << "inside the frame";
  EXPECT_EQ(r.at(fx - 10, fy + 25)[3], 0) << "left of the frame, inside the placement";
  EXPECT_EQ(r.at(fx + 25, fy - 10)[3], 0) << "above the frame, inside the placement";
  EXPECT_EQ(r.at(fx + 60, fy + 25)[3], 0) << "right of the frame, inside the placement";
}

// Effective resolution is reported: a note in range (checklist I01), a warning outside
// 150–400 ppi (preflight decides whether that stops the plate).
TEST(PdfImages, EffectivePpiIsReported) {
  const std::string dir = test::temp_dir("pdf-img");
  const std::string jpg = dir + "/photo.jpg";
  write_jpeg(jpg, 400, 300, 4, [](int, int) { return std::vector<std::uint8_t>{0, 0, 0, 100}; });
  Page page = empty_page();
  ImageItem im;
  im.path = jpg;
  im.placement = {sp_from_mm(20), sp_from_mm(20), sp_from_mm(50.8), sp_from_mm(38.1)};  // 2 × 1.5 in
  im.frame = im.placement;
  page.items.push_back(im);
  Diagnostics d;
  ASSERT_TRUE(write_pdf({&page}, fonts(), plate_options(), test::temp_dir("pdf") + "/ppi.pdf", d)) << diag_text(d);
  ASSERT_EQ(d.count_code("pdf.image-ppi"), 1u);
  EXPECT_EQ(d.all().back().severity, Severity::Note);
  EXPECT_NE(d.all().back().message.find("200x200 ppi"), std::string::npos) << d.all().back().message;
  EXPECT_EQ(d.all().back().loc.page, "A1");

  std::get<ImageItem>(page.items[0]).placement.w = sp_from_mm(254);  // 400 px over 10 in: 40 ppi
  Diagnostics coarse;
  EXPECT_TRUE(write_pdf({&page}, fonts(), plate_options(), test::temp_dir("pdf") + "/coarse.pdf", coarse));
  ASSERT_EQ(coarse.count_code("pdf.image-ppi"), 1u);
  EXPECT_EQ(coarse.all().back().severity, Severity::Warning);
  EXPECT_NE(coarse.all().back().message.find("40x200 ppi"), std::string::npos) << coarse.all().back().message;
}

// A file that is no image fails the plate with a reason (never a silently missing picture).
TEST(PdfImages, UnreadableImageFailsThePlate) {
  const std::string dir = test::temp_dir("pdf-img");
  test::write_file(dir + "/not.jpg", "this is text, not a picture");
  const Page page = image_page(dir + "/not.jpg", 10, 10);
  Diagnostics d;
  const std::string out = dir + "/out.pdf";
  EXPECT_FALSE(write_pdf({&page}, fonts(), plate_options(), out, d));
  EXPECT_EQ(d.count_code("pdf.image-unsupported"), 1u) << diag_text(d);
  EXPECT_FALSE(fs::exists(out));
  const Page missing = image_page(dir + "/missing.png", 10, 10);
  Diagnostics d2;
  EXPECT_FALSE(write_pdf({&missing}, fonts(), plate_options(), out, d2));
  EXPECT_EQ(d2.count_code("pdf.image-unreadable"), 1u);
}

// The ink limiter keeps K and scales C, M, Y down; pixels under the limit are untouched.
TEST(PdfImages, InkLimitKeepsBlackAndScalesColour) {
  std::uint8_t px4[] = {255, 255, 255, 255, 100, 50, 50, 0, 200, 200, 200, 100};
  pdf::limit_total_ink(px4, 3, 240);
  EXPECT_EQ(px4[3], 255);
  EXPECT_LE(px4[0] + px4[1] + px4[2] + px4[3], 612);
  EXPECT_EQ(px4[4], 100);  // 200/1020: under the limit
  EXPECT_EQ(px4[11], 100);
  EXPECT_LE(px4[8] + px4[9] + px4[10] + px4[11], 612);
  EXPECT_EQ(px4[8], px4[9]);
}
