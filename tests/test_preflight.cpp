// preflight/: docs/prepress-checklist.md on written PDFs. Every fixture is built here with qpdf's
// API (no binary blobs): a clean PDF/X-1a-like plate, and copies of it with one thing broken,
// each of which must be caught under its checklist id — and only that id. Verdicts on overprint,
// ink, fonts, boxes and file structure are cross-checked with Ghostscript, poppler and qpdf.
#include <gtest/gtest.h>

#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_DCT.hh>
#include <qpdf/Pl_Flate.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "engine/preflight/preflight.h"
#include "support/test_support.h"

using namespace paiban;

namespace {

// Ghostscript's own CMYK printer profile (ICC v2, class prtr) stands in for the newspaper
// profile Debian does not ship (checklist "Known facts"). Referenced, never committed.
const char* kGsCmykProfile = "/usr/share/color/icc/ghostscript/default_cmyk.icc";
const char* kGsCmykV4Profile = "/usr/share/color/icc/ghostscript/ps_cmyk.icc";  // ICC v4
const char* kGsRgbProfile = "/usr/share/color/icc/ghostscript/srgb.icc";        // class mntr, RGB

constexpr double kMm = 72.0 / 25.4;
constexpr double kTrimW = 100 * kMm, kTrimH = 150 * kMm, kBleed = 3 * kMm;

// ---- a minimal TrueType font: .notdef (empty) and two box glyphs, 1000 units per em ----------

void put16(std::string& s, int v) {
  s += static_cast<char>((v >> 8) & 0xFF);
  s += static_cast<char>(v & 0xFF);
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, static_cast<int>(v >> 16));
  put16(s, static_cast<int>(v & 0xFFFF));
}
std::uint32_t table_checksum(const std::string& t) {
  std::string p = t;
  while (p.size() % 4) p += '\0';
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < p.size(); i += 4)
    sum += (std::uint32_t(static_cast<unsigned char>(p[i])) << 24) | (std::uint32_t(static_cast<unsigned char>(p[i + 1])) << 16) |
           (std::uint32_t(static_cast<unsigned char>(p[i + 2])) << 8) | std::uint32_t(static_cast<unsigned char>(p[i + 3]));
  return sum;
}

std::string box_glyph(int x0, int y0, int x1, int y1) {
  std::string g;
  put16(g, 1);  // one contour
  put16(g, x0); put16(g, y0); put16(g, x1); put16(g, y1);
  put16(g, 3);  // last point index
  put16(g, 0);  // no instructions
  for (int i = 0; i < 4; ++i) g += '\x01';  // on-curve, 16-bit deltas
  const int xs[4] = {x0, x1, x1, x0}, ys[4] = {y0, y0, y1, y1};
  int px = 0, py = 0;
  for (int x : xs) { put16(g, x - px); px = x; }
  for (int y : ys) { put16(g, y - py); py = y; }
  while (g.size() % 4) g += '\0';
  return g;
}

std::string test_truetype() {
  const std::string g1 = box_glyph(50, -50, 950, 850), g2 = box_glyph(200, 100, 800, 700);
  std::map<std::string, std::string> t;
  std::string& head = t["head"];
  put32(head, 0x00010000); put32(head, 0x00010000); put32(head, 0); put32(head, 0x5F0F3CF5);
  put16(head, 0x000B); put16(head, 1000);
  for (int i = 0; i < 16; ++i) head += '\0';  // created, modified
  put16(head, 0); put16(head, -120 & 0xFFFF); put16(head, 1000); put16(head, 880);
  put16(head, 0); put16(head, 8); put16(head, 2); put16(head, 1); put16(head, 0);
  std::string& hhea = t["hhea"];
  put32(hhea, 0x00010000); put16(hhea, 880); put16(hhea, -120 & 0xFFFF); put16(hhea, 0); put16(hhea, 1000);
  put16(hhea, 0); put16(hhea, 0); put16(hhea, 1000); put16(hhea, 1); put16(hhea, 0); put16(hhea, 0);
  for (int i = 0; i < 4; ++i) put16(hhea, 0);
  put16(hhea, 0); put16(hhea, 3);
  std::string& maxp = t["maxp"];
  put32(maxp, 0x00010000); put16(maxp, 3); put16(maxp, 4); put16(maxp, 1);
  for (int i = 0; i < 10; ++i) put16(maxp, i == 2 ? 2 : 0);  // maxZones = 2
  std::string& hmtx = t["hmtx"];
  for (int i = 0; i < 3; ++i) { put16(hmtx, 1000); put16(hmtx, 0); }
  t["glyf"] = g1 + g2;
  std::string& loca = t["loca"];
  put32(loca, 0); put32(loca, 0); put32(loca, static_cast<std::uint32_t>(g1.size()));
  put32(loca, static_cast<std::uint32_t>(g1.size() + g2.size()));
  std::string& post = t["post"];
  put32(post, 0x00030000); put32(post, 0); put16(post, -100 & 0xFFFF); put16(post, 50);
  for (int i = 0; i < 5; ++i) put32(post, 0);

  std::string font;
  const int n = static_cast<int>(t.size());
  put32(font, 0x00010000); put16(font, n); put16(font, 64); put16(font, 2); put16(font, n * 16 - 64);
  std::uint32_t offset = 12 + 16 * static_cast<std::uint32_t>(n);
  std::string body;
  for (auto& [tag, data] : t) {  // std::map: tags in sorted order, as the directory requires
    font += tag;
    put32(font, table_checksum(data));
    put32(font, offset + static_cast<std::uint32_t>(body.size()));
    put32(font, static_cast<std::uint32_t>(data.size()));
    std::string padded = data;
    while (padded.size() % 4) padded += '\0';
    body += padded;
  }
  font += body;
  // head.checkSumAdjustment (OpenType spec): 0xB1B0AFBA − checksum of the whole font.
  const std::uint32_t adj = 0xB1B0AFBAu - table_checksum(font);
  const std::size_t head_at = font.find("head") + 8;
  const std::size_t head_off = (std::uint32_t(static_cast<unsigned char>(font[head_at])) << 24) |
                               (std::uint32_t(static_cast<unsigned char>(font[head_at + 1])) << 16) |
                               (std::uint32_t(static_cast<unsigned char>(font[head_at + 2])) << 8) |
                               std::uint32_t(static_cast<unsigned char>(font[head_at + 3]));
  std::string a;
  put32(a, adj);
  font.replace(head_off + 8, 4, a);
  return font;
}

const char* kToUnicode = R"(/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfchar
<0001> <6392>
<0002> <7248>
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end
)";

std::string read_bytes(const std::string& path) { return test::read_file(path); }

// All files of this test binary go to one directory, removed when the tests end.
const std::string& work_dir() {
  static const std::string dir = test::temp_dir("preflight");
  return dir;
}
class RemoveWorkDir : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(work_dir(), ec);
  }
};
[[maybe_unused]] const auto* const kRemoveWorkDir = ::testing::AddGlobalTestEnvironment(new RemoveWorkDir);

// ---- the fixture ---------------------------------------------------------------------------

// One trim of 100 × 150 mm with 3 mm bleed. Default content, all of it clean:
//   black text 排版 (CIDs 1, 2) at 10 pt in 0 0 0 1 k, overprinting (/GSop);
//   a 0.5 pt black rule, overprinting; a CMYK photo of 400 × 200 px over 2 × 1 in (200 ppi).
class Fixture {
 public:
  Fixture() {
    pdf_.emptyPDF();
    auto root = pdf_.getRoot();
    info_ = pdf_.makeIndirectObject(QPDFObjectHandle::parse(
        "<< /Title (Preflight fixture) /Producer (paiban tests) /CreationDate (D:20240614000000Z) "
        "/ModDate (D:20240614000000+08'00') /Trapped /False /GTS_PDFXVersion (PDF/X-1a:2003) >>"));
    pdf_.getTrailer().replaceKey("/Info", info_);
    profile_ = pdf_.newStream(read_bytes(kGsCmykProfile));
    profile_.getDict().replaceKey("/N", QPDFObjectHandle::newInteger(4));
    intent_ = QPDFObjectHandle::parse(
        "<< /Type /OutputIntent /S /GTS_PDFX /OutputConditionIdentifier (Artifex CMYK SWOP) "
        "/Info (Ghostscript default_cmyk.icc, test stand-in for WAN-IFRAnewspaper26v5) >>");
    intent_.replaceKey("/DestOutputProfile", profile_);
    root.replaceKey("/OutputIntents", QPDFObjectHandle::newArray({intent_}));

    resources_ = QPDFObjectHandle::parse("<< /ExtGState << >> /Font << >> /XObject << >> >>");
    add_resource("/ExtGState", "/GSop", QPDFObjectHandle::parse("<< /Type /ExtGState /OP true /op true /OPM 1 >>"));
    add_resource("/ExtGState", "/GSko", QPDFObjectHandle::parse("<< /Type /ExtGState /OP false /op false /OPM 1 >>"));
    add_resource("/ExtGState", "/GSopm0", QPDFObjectHandle::parse("<< /Type /ExtGState /OP true /op true /OPM 0 >>"));
    add_resource("/Font", "/F1", cid_font(true, true, true));
    add_resource("/XObject", "/Im1", cmyk_image(400, 200, [](int x, int y, unsigned char* p) {
                   p[0] = static_cast<unsigned char>(x * 128 / 400);
                   p[1] = static_cast<unsigned char>(y * 128 / 200);
                   p[2] = 64;
                   p[3] = 32;
                 }));
    content_ =
        "q /GSop gs 0 0 0 1 k\n"
        "BT /F1 10 Tf 1 0 0 1 30 300 Tm <00010002> Tj ET\n"
        "0 0 0 1 K 0.5 w 30 290 m 200 290 l S\n"
        "q 144 0 0 72 30 100 cm /Im1 Do Q\n"
        "Q\n";
    page_ = pdf_.makeIndirectObject(QPDFObjectHandle::parse("<< /Type /Page >>"));
    const double w = kTrimW + 2 * kBleed, h = kTrimH + 2 * kBleed;
    set_box("/MediaBox", 0, 0, w, h);
    set_box("/BleedBox", 0, 0, w, h);
    set_box("/TrimBox", kBleed, kBleed, kBleed + kTrimW, kBleed + kTrimH);
  }

  QPDF& pdf() { return pdf_; }
  QPDFObjectHandle info() { return info_; }
  QPDFObjectHandle page() { return page_; }
  QPDFObjectHandle intent() { return intent_; }
  QPDFObjectHandle resources() { return resources_; }
  std::string& content() { return content_; }
  std::string version = "1.4";
  // QPDFWriter recompresses LZW streams with Flate when it compresses; the LZW fixture opts out.
  bool compress = true;
  // Replaces the page's content stream as write() makes it (e.g. with encoded data and a filter).
  std::function<void(QPDFObjectHandle&)> edit_contents;

  void set_box(const std::string& key, double x0, double y0, double x1, double y1) {
    page_.replaceKey(key, QPDFObjectHandle::newArray({QPDFObjectHandle::newReal(x0, 4), QPDFObjectHandle::newReal(y0, 4),
                                                      QPDFObjectHandle::newReal(x1, 4), QPDFObjectHandle::newReal(y1, 4)}));
  }

  void add_resource(const std::string& category, const std::string& name, QPDFObjectHandle obj) {
    if (!resources_.getKey(category).isDictionary()) resources_.replaceKey(category, QPDFObjectHandle::newDictionary());
    resources_.getKey(category).replaceKey(name, obj.isIndirect() || obj.isStream() ? obj : pdf_.makeIndirectObject(obj));
  }

  // Type0 / CIDFontType2, Identity-H, the test TrueType font.
  QPDFObjectHandle cid_font(bool embedded, bool subset, bool to_unicode, const std::string& cid_to_gid = "/Identity") {
    const std::string name = subset ? "/ABCDEF+PaibanTest" : "/PaibanTest";
    auto fd = QPDFObjectHandle::parse("<< /Type /FontDescriptor /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 "
                                      "/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>");
    fd.replaceKey("/FontName", QPDFObjectHandle::newName(name));
    if (embedded) {
      const std::string ttf = test_truetype();
      auto ff = pdf_.newStream(ttf);
      ff.getDict().replaceKey("/Length1", QPDFObjectHandle::newInteger(static_cast<long long>(ttf.size())));
      fd.replaceKey("/FontFile2", ff);
    }
    auto cid = QPDFObjectHandle::parse(
        "<< /Type /Font /Subtype /CIDFontType2 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        "/DW 1000 >>");
    cid.replaceKey("/BaseFont", QPDFObjectHandle::newName(name));
    cid.replaceKey("/FontDescriptor", pdf_.makeIndirectObject(fd));
    if (cid_to_gid == "/Identity") cid.replaceKey("/CIDToGIDMap", QPDFObjectHandle::newName("/Identity"));
    else cid.replaceKey("/CIDToGIDMap", pdf_.newStream(cid_to_gid));
    auto f = QPDFObjectHandle::parse("<< /Type /Font /Subtype /Type0 /Encoding /Identity-H >>");
    f.replaceKey("/BaseFont", QPDFObjectHandle::newName(name));
    f.replaceKey("/DescendantFonts", QPDFObjectHandle::newArray({pdf_.makeIndirectObject(cid)}));
    if (to_unicode) f.replaceKey("/ToUnicode", pdf_.newStream(kToUnicode));
    return pdf_.makeIndirectObject(f);
  }

  // An 8-bit image; `pixel` fills `comps` bytes per pixel.
  QPDFObjectHandle image(int w, int h, int comps, const std::string& colour_space,
                         const std::function<void(int, int, unsigned char*)>& pixel, int bpc = 8) {
    std::string data(static_cast<std::size_t>(w) * h * comps * bpc / 8, '\0');
    if (bpc == 8)
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          pixel(x, y, reinterpret_cast<unsigned char*>(&data[(static_cast<std::size_t>(y) * w + x) * comps]));
    auto s = pdf_.newStream(data);
    auto d = s.getDict();
    d.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
    d.replaceKey("/Subtype", QPDFObjectHandle::newName("/Image"));
    d.replaceKey("/Width", QPDFObjectHandle::newInteger(w));
    d.replaceKey("/Height", QPDFObjectHandle::newInteger(h));
    d.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(bpc));
    d.replaceKey("/ColorSpace", QPDFObjectHandle::parse(colour_space));
    return s;
  }
  QPDFObjectHandle cmyk_image(int w, int h, const std::function<void(int, int, unsigned char*)>& pixel) {
    return image(w, h, 4, "/DeviceCMYK", pixel);
  }
  // CMYK JPEG through qpdf's libjpeg compressor.
  QPDFObjectHandle cmyk_jpeg(int w, int h, const std::function<void(int, int, unsigned char*)>& pixel) {
    std::string raw(static_cast<std::size_t>(w) * h * 4, '\0');
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) pixel(x, y, reinterpret_cast<unsigned char*>(&raw[(static_cast<std::size_t>(y) * w + x) * 4]));
    Pl_Buffer out("jpeg");
    Pl_DCT dct("dct", &out, static_cast<JDIMENSION>(w), static_cast<JDIMENSION>(h), 4, JCS_CMYK);
    dct.write(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
    dct.finish();
    auto buf = out.getBufferSharedPointer();
    auto s = pdf_.newStream();
    s.replaceStreamData(std::string(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize()),
                        QPDFObjectHandle::newName("/DCTDecode"), QPDFObjectHandle::newNull());
    auto d = s.getDict();
    d.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
    d.replaceKey("/Subtype", QPDFObjectHandle::newName("/Image"));
    d.replaceKey("/Width", QPDFObjectHandle::newInteger(w));
    d.replaceKey("/Height", QPDFObjectHandle::newInteger(h));
    d.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(8));
    d.replaceKey("/ColorSpace", QPDFObjectHandle::newName("/DeviceCMYK"));
    return s;
  }

  // Writes the file (deterministic /ID, streams Flate-compressed unless they carry a filter).
  std::string write(const std::string& name) {
    auto contents = pdf_.newStream(content_);
    page_.replaceKey("/Contents", contents);
    if (edit_contents) edit_contents(contents);
    page_.replaceKey("/Resources", resources_);
    QPDFPageDocumentHelper(pdf_).addPage(QPDFPageObjectHelper(page_), false);
    const std::string path = work_dir() + "/" + name + ".pdf";
    QPDFWriter w(pdf_, path.c_str());
    w.setDeterministicID(true);
    w.setDecodeLevel(qpdf_dl_none);  // keep fixtures' own filters (LZW, DCT) as written
    w.setCompressStreams(compress);
    w.forcePDFVersion(version);
    w.write();
    return path;
  }

 private:
  QPDF pdf_;
  QPDFObjectHandle info_, profile_, intent_, resources_, page_;
  std::string content_;
};

// Same-length byte edits keep the xref valid: the way to remove what QPDFWriter always writes.
void patch_file(const std::string& path, const std::string& from, const std::string& to) {
  ASSERT_EQ(from.size(), to.size());
  std::string data = test::read_file(path);
  const auto at = data.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  data.replace(at, from.size(), to);
  test::write_file(path, data);
}

std::string dump(const PreflightReport& r) {
  std::ostringstream s;
  r.dump(s);
  return s.str();
}

PreflightReport check(const std::string& path, PreflightOptions opt = {}) { return preflight(path, opt); }

// The ids of all errors and warnings (notes excluded), sorted and unique.
std::set<std::string> ids(const PreflightReport& r) {
  std::set<std::string> s;
  for (const auto& f : r.findings)
    if (f.level != Severity::Note) s.insert(f.id);
  return s;
}

// Ghostscript CMYK render with overprint simulation (checklist: "verify by rendering
// separations"); pamcmyk32 writes one byte per plate per pixel, 255 = full ink.
struct CmykRender {
  int width = 0, height = 0;
  std::vector<unsigned char> px;
  // PDF user-space point (pt) → pixel.
  const unsigned char* at_pt(double x, double y, double dpi, double page_h) const {
    const int ix = static_cast<int>(x * dpi / 72), iy = static_cast<int>((page_h - y) * dpi / 72);
    return &px[(static_cast<std::size_t>(iy) * width + ix) * 4];
  }
  int max_total() const {
    int m = 0;
    for (std::size_t i = 0; i + 3 < px.size(); i += 4) m = std::max(m, px[i] + px[i + 1] + px[i + 2] + px[i + 3]);
    return m;
  }
};

CmykRender render_cmyk(const std::string& pdf, int dpi) {
  const std::string out = pdf + ".pam";
  auto r = test::run("gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pamcmyk32 -dOverprint=/enable -r" + std::to_string(dpi) +
                     " -sOutputFile=" + test::shell_quote(out) + " " + test::shell_quote(pdf));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  CmykRender img;
  const std::string data = test::read_file(out);
  const auto end = data.find("ENDHDR\n");
  EXPECT_NE(end, std::string::npos);
  std::istringstream hdr(data.substr(0, end));
  std::string key;
  while (hdr >> key) {
    if (key == "WIDTH") hdr >> img.width;
    else if (key == "HEIGHT") hdr >> img.height;
  }
  img.px.assign(data.begin() + static_cast<std::ptrdiff_t>(end + 7), data.end());
  EXPECT_EQ(img.px.size(), static_cast<std::size_t>(img.width) * img.height * 4);
  return img;
}

constexpr double kPageH = kTrimH + 2 * kBleed;

}  // namespace

// ==== the clean plate ========================================================================

// The clean fixture passes every check with no error, warning or note — and independent tools
// agree it is sound: qpdf --check is clean, pdffonts sees an embedded subset font with a
// ToUnicode map, pdftotext reads the text back.
TEST(Preflight, CleanPlatePasses) {
  const std::string path = Fixture().write("clean");
  PreflightOptions opt;
  opt.trim_width = sp_from_mm(100);
  opt.trim_height = sp_from_mm(150);
  opt.bleed = sp_from_mm(3);
  opt.expected_pages = 1;
  opt.output_profile = "Artifex CMYK SWOP Profile";  // default_cmyk.icc's description
  const auto r = check(path, opt);
  EXPECT_TRUE(r.passed()) << dump(r);
  EXPECT_TRUE(r.findings.empty()) << dump(r);
  EXPECT_EQ(r.pages, 1);

  const auto q = test::run("qpdf --check " + test::shell_quote(path));
  EXPECT_EQ(q.exit_code, 0) << q.out << q.err;
  const auto fonts = test::run("pdffonts " + test::shell_quote(path));
  ASSERT_EQ(fonts.exit_code, 0);
  EXPECT_NE(fonts.out.find("ABCDEF+PaibanTest"), std::string::npos) << fonts.out;
  EXPECT_NE(fonts.out.find("CID TrueType      Identity-H       yes yes yes"), std::string::npos) << fonts.out;
  const auto text = test::run("pdftotext " + test::shell_quote(path) + " -");
  EXPECT_EQ(test::strip_whitespace(text.out), "排版");
}

// The P07 description comparison is real: another configured profile name fails.
TEST(Preflight, OutputProfileDescriptionMustMatchConfiguration) {
  const std::string path = Fixture().write("profile-name");
  PreflightOptions opt;
  opt.output_profile = "WAN-IFRAnewspaper26v5";
  const auto r = check(path, opt);
  ASSERT_EQ(ids(r), std::set<std::string>{"P07"}) << dump(r);
  EXPECT_NE(r.first("P07")->message.find("WAN-IFRAnewspaper26v5"), std::string::npos);
}

// ==== colour ==================================================================================

// An RGB fill is C01, placed at the rectangle: 20 mm × 10 mm at (30, 40) mm from the trim's
// top-left corner.
TEST(Preflight, RgbFillIsC01) {
  Fixture fx;
  const double x = kBleed + 30 * kMm, top = kBleed + kTrimH - 40 * kMm;
  fx.content() += fmt::format("1 0 0 rg {} {} {} {} re f\n", x, top - 10 * kMm, 20 * kMm, 10 * kMm);
  const auto r = check(fx.write("rgb-fill"));
  ASSERT_EQ(ids(r), std::set<std::string>{"C01"}) << dump(r);
  const Finding& f = *r.first("C01");
  EXPECT_EQ(f.level, Severity::Error);
  EXPECT_EQ(f.page, 1);
  EXPECT_NE(f.message.find("RGB"), std::string::npos);
  ASSERT_TRUE(f.where.has_value());
  EXPECT_NEAR(mm_from_sp(f.where->x), 30, 0.01);
  EXPECT_NEAR(mm_from_sp(f.where->y), 40, 0.01);
  EXPECT_NEAR(mm_from_sp(f.where->w), 20, 0.01);
  EXPECT_NEAR(mm_from_sp(f.where->h), 10, 0.01);
}

// ICC-based and Lab colour spaces selected with cs, and an RGB image, are C01 too.
TEST(Preflight, IccLabAndRgbImageAreC01) {
  Fixture fx;
  auto icc = fx.pdf().newStream(read_bytes(kGsRgbProfile));
  icc.getDict().replaceKey("/N", QPDFObjectHandle::newInteger(3));
  fx.add_resource("/ColorSpace", "/CSicc", QPDFObjectHandle::newArray({QPDFObjectHandle::newName("/ICCBased"), icc}));
  fx.add_resource("/ColorSpace", "/CSlab", QPDFObjectHandle::parse("[/Lab << /WhitePoint [0.9505 1 1.089] >>]"));
  fx.add_resource("/XObject", "/ImRGB", fx.image(200, 200, 3, "/DeviceRGB", [](int, int, unsigned char* p) { p[0] = 200; p[1] = p[2] = 10; }));
  fx.content() += "/CSicc cs 0.2 0.3 0.4 sc 50 50 40 40 re f\n/CSlab cs 50 0 0 sc 100 50 40 40 re f\n"
                  "q 72 0 0 72 150 150 cm /ImRGB Do Q\n";
  const auto r = check(fx.write("icc-lab"));
  EXPECT_EQ(ids(r), std::set<std::string>{"C01"}) << dump(r);
  EXPECT_EQ(r.count("C01"), 3u) << dump(r);
  const std::string d = dump(r);
  EXPECT_NE(d.find("ICC-based"), std::string::npos) << d;
  EXPECT_NE(d.find("CIE-based colour /CSlab"), std::string::npos) << d;
  EXPECT_NE(d.find("RGB colour /DeviceRGB in image /ImRGB"), std::string::npos) << d;
}

// Four-colour black text is C04; a near-black 99 % K is C04 too. The 0 0 0 1 k text of the
// clean fixture is not (CleanPlatePasses).
TEST(Preflight, FourColourBlackTextIsC04) {
  Fixture fx;
  fx.content() = "q /GSop gs 0.4 0.3 0.3 1 k BT /F1 10 Tf 1 0 0 1 30 300 Tm <0001> Tj ET Q\n";
  const auto r = check(fx.write("rich-black-text"));
  ASSERT_EQ(ids(r), std::set<std::string>{"C04"}) << dump(r);
  EXPECT_NE(r.first("C04")->message.find("C40 M30 Y30 K100"), std::string::npos) << dump(r);
}

// Page content is decoded once, while P01 decodes every stream, and interpreted from there; the
// findings are the same whichever way it is decoded: a plain zlib stream (libdeflate), no filter,
// data after the zlib stream, a wrong Adler-32 (libdeflate refuses it, qpdf accepts it without a
// warning, as `qpdf --check` does), a truncated stream (qpdf decodes what there is and warns: P01
// as well), a /Contents array, and without the P01 check.
TEST(Preflight, PageContentReadsTheSameHoweverItIsDecoded) {
  const std::string text = "q /GSop gs 0.4 0.3 0.3 1 k BT /F1 10 Tf 1 0 0 1 30 300 Tm <0001> Tj ET Q\n";
  auto deflated = [&] {
    Pl_Buffer out("deflated");
    Pl_Flate flate("deflate", &out, Pl_Flate::a_deflate);
    flate.write(reinterpret_cast<const unsigned char*>(text.data()), text.size());
    flate.finish();
    auto b = out.getBufferSharedPointer();
    return std::string(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
  };
  auto encoded = [&](std::string data, const char* filter) {
    return [data, filter](QPDFObjectHandle& s) {
      s.replaceStreamData(data, filter ? QPDFObjectHandle::newName(filter) : QPDFObjectHandle::newNull(),
                          QPDFObjectHandle::newNull());
    };
  };
  std::string bad_sum = deflated();
  bad_sum.back() = static_cast<char>(bad_sum.back() ^ 0x5A);  // the Adler-32 checksum's last byte
  const std::string truncated = deflated().substr(0, deflated().size() - 8);  // "T Q\n" and the checksum lost
  struct Case {
    const char* name;
    std::function<void(QPDFObjectHandle&)> edit;
    bool qpdf_check;
    std::set<std::string> ids;
  };
  const std::vector<Case> cases = {
      {"flate", encoded(deflated(), "/FlateDecode"), true, {"C04"}},
      {"plain", encoded(text, nullptr), true, {"C04"}},
      {"trailing", encoded(deflated() + "\r\n", "/FlateDecode"), true, {"C04"}},
      {"bad-checksum", encoded(bad_sum, "/FlateDecode"), true, {"C04"}},
      {"truncated", encoded(truncated, "/FlateDecode"), true, {"C04", "P01"}},
      {"no-p01", encoded(deflated(), "/FlateDecode"), false, {"C04"}},
  };
  std::optional<Finding> c04;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture fx;
    fx.content() = text;
    fx.compress = false;
    fx.edit_contents = c.edit;
    PreflightOptions opt;
    opt.qpdf_check = c.qpdf_check;
    const auto r = check(fx.write(std::string("content-") + c.name), opt);
    ASSERT_EQ(ids(r), c.ids) << dump(r);
    ASSERT_TRUE(r.first("C04")->where);
    if (c.ids.count("P01")) {
      EXPECT_NE(dump(r).find("input stream is complete but output may still be valid"), std::string::npos) << dump(r);
    }
    if (!c04) c04 = *r.first("C04");
    EXPECT_EQ(r.first("C04")->format(), c04->format());
  }
  {
    // Two content streams (/Contents array): read as one, through qpdf.
    Fixture fx;
    fx.content() = text.substr(0, text.find("BT"));
    const std::string rest = text.substr(text.find("BT"));
    fx.edit_contents = [&](QPDFObjectHandle& s) {
      auto second = fx.pdf().newStream(rest);
      fx.page().replaceKey("/Contents", QPDFObjectHandle::newArray({s, second}));
    };
    const auto path = fx.write("content-array");
    const auto r = check(path);
    ASSERT_EQ(ids(r), std::set<std::string>{"C04"}) << dump(r);
    EXPECT_EQ(r.first("C04")->format(), c04->format());
  }
}

TEST(Preflight, NearBlackTextIsC04) {
  Fixture fx;
  fx.content() = "q /GSop gs 0 0 0 0.99 k BT /F1 10 Tf 1 0 0 1 30 300 Tm <0001> Tj ET Q\n";
  const auto r = check(fx.write("near-black-text"));
  ASSERT_EQ(ids(r), std::set<std::string>{"C04"}) << dump(r);
  EXPECT_NE(r.first("C04")->message.find("K99"), std::string::npos);
}

// Identical problems fold into one finding with a count, keeping the first place.
TEST(Preflight, RepeatedProblemsFoldWithCount) {
  Fixture fx;
  fx.content() = "q /GSop gs 0.4 0.3 0.3 1 k BT /F1 10 Tf 1 0 0 1 30 300 Tm <0001> Tj 0 -20 Td <0002> Tj 0 -20 Td <0001> Tj ET Q\n";
  const auto r = check(fx.write("fold"));
  ASSERT_EQ(r.count("C04"), 1u) << dump(r);
  EXPECT_EQ(r.first("C04")->count, 3);
  EXPECT_NE(dump(r).find("(×3)"), std::string::npos);
}

// Black text with overprint off is C05; so is /OPM 0 (DeviceCMYK zeros knock out).
// Cross-check with Ghostscript: over a 100 % cyan patch, cyan survives under the clean fixture's
// text and is knocked out under the /op false text.
TEST(Preflight, BlackTextOverprintOffIsC05) {
  auto make = [](const std::string& gs, const std::string& name) {
    Fixture fx;
    fx.content() = "q 1 0 0 0 k 20 280 200 50 re f /" + gs + " gs 0 0 0 1 k BT /F1 24 Tf 1 0 0 1 30 300 Tm <0001> Tj ET Q\n";
    return fx.write(name);
  };
  const std::string on = make("GSop", "op-on"), off = make("GSko", "op-off"), opm0 = make("GSopm0", "opm0");
  const auto r_on = check(on), r_off = check(off), r_opm0 = check(opm0);
  EXPECT_TRUE(r_on.findings.empty()) << dump(r_on);
  ASSERT_EQ(ids(r_off), std::set<std::string>{"C05"}) << dump(r_off);
  EXPECT_NE(r_off.first("C05")->message.find("/op false"), std::string::npos);
  ASSERT_EQ(ids(r_opm0), std::set<std::string>{"C05"}) << dump(r_opm0);
  EXPECT_NE(r_opm0.first("C05")->message.find("/OPM is 0"), std::string::npos);

  // The glyph box of CID 1 is 50‥950 × −50‥850 units: its centre is (12, 9.6) pt from the origin.
  const double gx = 30 + 12, gy = 300 + 9.6;
  const auto img_on = render_cmyk(on, 72), img_off = render_cmyk(off, 72), img_opm0 = render_cmyk(opm0, 72);
  EXPECT_EQ(img_on.at_pt(gx, gy, 72, kPageH)[3], 255);   // black plate
  EXPECT_EQ(img_on.at_pt(gx, gy, 72, kPageH)[0], 255);   // cyan kept: overprints
  EXPECT_EQ(img_off.at_pt(gx, gy, 72, kPageH)[3], 255);
  EXPECT_EQ(img_off.at_pt(gx, gy, 72, kPageH)[0], 0);    // cyan knocked out
  EXPECT_EQ(img_opm0.at_pt(gx, gy, 72, kPageH)[0], 0);   // OPM 0: knocked out as well
  EXPECT_EQ(img_on.at_pt(25, 285, 72, kPageH)[0], 255);  // the cyan patch itself
}

// `0 g` black is pure K for C04, but DeviceGray paints all four plates even with overprint on,
// so it cannot overprint: C05. Ghostscript agrees.
TEST(Preflight, GrayBlackTextCannotOverprint) {
  Fixture fx;
  fx.content() = "q 1 0 0 0 k 20 280 200 50 re f /GSop gs 0 g BT /F1 24 Tf 1 0 0 1 30 300 Tm <0001> Tj ET Q\n";
  const std::string path = fx.write("gray-black");
  const auto r = check(path);
  ASSERT_EQ(ids(r), std::set<std::string>{"C05"}) << dump(r);
  EXPECT_NE(r.first("C05")->message.find("/DeviceGray"), std::string::npos);
  const auto img = render_cmyk(path, 72);
  EXPECT_EQ(img.at_pt(42, 309.6, 72, kPageH)[0], 0);
  EXPECT_EQ(img.at_pt(42, 309.6, 72, kPageH)[3], 255);
}

// Thin black rules must overprint too.
TEST(Preflight, BlackRuleOverprintOffIsC05) {
  Fixture fx;
  fx.content() = "q /GSko gs 0 0 0 1 K 1 w 30 290 m 200 290 l S Q\n";
  const auto r = check(fx.write("rule-ko"));
  ASSERT_EQ(ids(r), std::set<std::string>{"C05"}) << dump(r);
  EXPECT_NE(r.first("C05")->message.find("line"), std::string::npos);
}

// A 300 % vector fill is C03; Ghostscript's CMYK render measures the same 300 %. A 300 % dot
// smaller than 1 mm² is anti-aliasing territory and is ignored (checklist C03).
TEST(Preflight, HeavyInkFillIsC03) {
  Fixture fx;
  fx.content() += "0.8 0.7 0.7 0.8 k 40 40 100 100 re f\n0.8 0.7 0.7 0.8 k 200 40 2 2 re f\n";
  const std::string path = fx.write("ink-300");
  const auto r = check(path);
  ASSERT_EQ(ids(r), std::set<std::string>{"C03"}) << dump(r);
  EXPECT_EQ(r.count("C03"), 1u);
  EXPECT_EQ(r.first("C03")->count, 1);
  EXPECT_NE(r.first("C03")->message.find("300 %"), std::string::npos) << dump(r);
  const auto img = render_cmyk(path, 72);
  EXPECT_NEAR(img.max_total() * 100.0 / 255, 300, 1.0);

  PreflightOptions lenient;
  lenient.ink_limit_percent = 320;
  EXPECT_EQ(check(path, lenient).count("C03"), 0u);
}

// A spot colour is C02 unless the plate is configured; its alternate must be CMYK (C01).
TEST(Preflight, SpotColourIsC02UnlessAllowed) {
  Fixture fx;
  fx.add_resource("/ColorSpace", "/CSred", QPDFObjectHandle::parse("[/Separation /MastheadRed /DeviceCMYK << /FunctionType 2 "
                                                                   "/Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 1 0] /N 1 >>]"));
  fx.content() += "/CSred cs 1 sc 30 30 60 20 re f\n";
  const std::string path = fx.write("spot");
  const auto r = check(path);
  ASSERT_EQ(ids(r), std::set<std::string>{"C02"}) << dump(r);
  EXPECT_NE(r.first("C02")->message.find("'MastheadRed'"), std::string::npos);
  PreflightOptions opt;
  opt.allowed_spot_colours = {"MastheadRed"};
  EXPECT_TRUE(check(path, opt).findings.empty());

  Fixture alt;
  alt.add_resource("/ColorSpace", "/CSrgbalt", QPDFObjectHandle::parse("[/Separation /Other /DeviceRGB << /FunctionType 2 "
                                                                       "/Domain [0 1] /C0 [1 1 1] /C1 [1 0 0] /N 1 >>]"));
  alt.content() += "/CSrgbalt cs 1 sc 30 30 60 20 re f\n";
  opt.allowed_spot_colours = {"Other"};
  const auto ra = check(alt.write("spot-rgb-alt"), opt);
  ASSERT_EQ(ids(ra), std::set<std::string>{"C01"}) << dump(ra);
  EXPECT_NE(ra.first("C01")->message.find("without a CMYK alternate"), std::string::npos);
}

// Registration colour inside the trim is C08. Outside the trim it is a mark (G06): it must stay
// outside the BleedBox, in /Separation /All, with 0.25–0.5 pt lines — and then G05 does not apply.
TEST(Preflight, RegistrationColourInsideTrimIsC08) {
  Fixture fx;
  fx.add_resource("/ColorSpace", "/CSall", QPDFObjectHandle::parse("[/Separation /All /DeviceCMYK << /FunctionType 2 /Domain [0 1] "
                                                                   "/C0 [0 0 0 0] /C1 [1 1 1 1] /N 1 >>]"));
  fx.content() += "/CSall CS 1 SC 0.5 w 30 50 m 60 50 l S\n";
  PreflightOptions opt;
  opt.ink_limit_percent = 400;
  const auto r = check(fx.write("registration"), opt);
  EXPECT_EQ(ids(r), std::set<std::string>{"C08"}) << dump(r);

  Fixture marks;
  marks.set_box("/MediaBox", -30, -30, kTrimW + 2 * kBleed + 30, kTrimH + 2 * kBleed + 30);
  marks.add_resource("/ColorSpace", "/CSall", QPDFObjectHandle::parse("[/Separation /All /DeviceCMYK << /FunctionType 2 "
                                                                      "/Domain [0 1] /C0 [0 0 0 0] /C1 [1 1 1 1] /N 1 >>]"));
  // A good crop mark in the slug, left of the bleed, and slug text (7 pt, page label and date)
  // under the page in the registration colour: on every plate on purpose, so not C06's "small
  // text in several inks".
  marks.content() += "/CSall CS 1 SC 0.3 w -25 8.5 m -5 8.5 l S\n"
                     "/CSall cs 1 scn BT /F1 7 Tf 1 0 0 1 30 -20 Tm <00010002> Tj ET\n";
  const auto good = check(marks.write("good-mark"), opt);
  EXPECT_TRUE(good.findings.empty()) << dump(good);

  // The same text inside the trim is C08 (and, 7 pt in four inks, C06).
  Fixture inside;
  inside.add_resource("/ColorSpace", "/CSall", QPDFObjectHandle::parse("[/Separation /All /DeviceCMYK << /FunctionType 2 "
                                                                       "/Domain [0 1] /C0 [0 0 0 0] /C1 [1 1 1 1] /N 1 >>]"));
  inside.content() += "/CSall cs 1 scn BT /F1 7 Tf 1 0 0 1 30 300 Tm <00010002> Tj ET\n";
  const auto ri = check(inside.write("registration-text"), opt);
  EXPECT_EQ(ids(ri), (std::set<std::string>{"C06", "C08"})) << dump(ri);

  Fixture bad;
  bad.set_box("/MediaBox", -30, -30, kTrimW + 2 * kBleed + 30, kTrimH + 2 * kBleed + 30);
  // In CMYK 1 1 1 1, 1 pt wide, reaching from the slug into the bleed.
  bad.content() += "1 1 1 1 K 1 w -25 4 m 4 4 l S\n";
  const auto rb = check(bad.write("bad-mark"), opt);
  ASSERT_EQ(ids(rb), std::set<std::string>{"G06"}) << dump(rb);
  EXPECT_EQ(rb.count("G06"), 3u) << dump(rb);
}

// Hairlines below 0.25 pt and thin lines in several inks are C06; effective width counts the CTM
// (0.5 pt scaled by 0.4 is 0.2 pt).
TEST(Preflight, HairlinesAndThinMultiInkLinesAreC06) {
  Fixture fx;
  fx.content() += "q /GSop gs 0 0 0 1 K 0.1 w 30 280 m 200 280 l S Q\n"
                  "q /GSop gs 0 0 0 1 K 0.4 0 0 0.4 0 0 cm 0.5 w 100 600 m 400 600 l S Q\n"
                  "q 0 1 1 0 K 0.3 w 30 270 m 200 270 l S Q\n";
  const auto r = check(fx.write("thin-lines"));
  ASSERT_EQ(ids(r), std::set<std::string>{"C06"}) << dump(r);
  EXPECT_EQ(r.count("C06"), 3u) << dump(r);
  const std::string d = dump(r);
  EXPECT_NE(d.find("line width 0.1 pt"), std::string::npos) << d;
  EXPECT_NE(d.find("line width 0.2 pt"), std::string::npos) << d;
  EXPECT_NE(d.find("uses 2 inks (M100 Y100)"), std::string::npos) << d;
}

// Small text in two inks is C06; small reversed (white) text is a C06 warning.
TEST(Preflight, SmallMultiInkAndReversedTextAreC06) {
  Fixture fx;
  fx.content() += "q 0 1 1 0 k BT /F1 9 Tf 1 0 0 1 30 200 Tm <0001> Tj ET Q\n"
                  "q 0 0 0 0 k BT /F1 7 Tf 1 0 0 1 30 180 Tm <0001> Tj ET Q\n";
  const auto r = check(fx.write("small-text"));
  ASSERT_EQ(ids(r), std::set<std::string>{"C06"}) << dump(r);
  EXPECT_EQ(r.count("C06", Severity::Error), 1u) << dump(r);
  EXPECT_EQ(r.count("C06", Severity::Warning), 1u) << dump(r);
}

// ==== page geometry ===========================================================================

// A page without /TrimBox is G02 — although pdfinfo prints a TrimBox for it (its default, the
// CropBox), which is why the check reads raw objects.
TEST(Preflight, MissingTrimBoxIsG02) {
  Fixture fx;
  fx.page().removeKey("/TrimBox");
  const std::string path = fx.write("no-trim");
  const auto r = check(path);
  ASSERT_EQ(ids(r), std::set<std::string>{"G02"}) << dump(r);
  EXPECT_EQ(r.first("G02")->message, "page has no /TrimBox");
  const auto info = test::run("pdfinfo -box " + test::shell_quote(path));
  EXPECT_NE(info.out.find("TrimBox:"), std::string::npos) << info.out;
}

TEST(Preflight, ArtBoxAndRotateAreG02) {
  Fixture fx;
  fx.set_box("/ArtBox", 10, 10, 100, 100);
  fx.page().replaceKey("/Rotate", QPDFObjectHandle::newInteger(90));
  const auto r = check(fx.write("art-rotate"));
  ASSERT_EQ(ids(r), std::set<std::string>{"G02"}) << dump(r);
  EXPECT_EQ(r.count("G02"), 2u);
}

// Trim size within ±0.1 mm passes (390 × 540 mm is 1105.51 × 1530.71 pt, as the descriptor says);
// 0.2 mm off is G03.
TEST(Preflight, TrimSizeToleranceIsG03) {
  auto make = [](double w_mm, const std::string& name) {
    Fixture fx;
    const double b = kBleed, w = w_mm * kMm, h = 540 * kMm;
    fx.set_box("/MediaBox", 0, 0, w + 2 * b, h + 2 * b);
    fx.set_box("/BleedBox", 0, 0, w + 2 * b, h + 2 * b);
    fx.set_box("/TrimBox", b, b, b + w, b + h);
    return fx.write(name);
  };
  PreflightOptions opt;
  opt.trim_width = sp_from_mm(390);
  opt.trim_height = sp_from_mm(540);
  opt.bleed = sp_from_mm(3);
  EXPECT_TRUE(check(make(390.09, "trim-ok"), opt).findings.empty());
  const auto r = check(make(390.2, "trim-off"), opt);
  ASSERT_EQ(ids(r), std::set<std::string>{"G03"}) << dump(r);
  EXPECT_NE(r.first("G03")->message.find("expected 390 × 540 mm"), std::string::npos) << dump(r);
}

// TrimBox must lie inside the BleedBox, the bleed must be the configured width, and a CropBox
// must equal the MediaBox.
TEST(Preflight, BoxNestingAndBleedAreG04) {
  {
    Fixture fx;
    fx.set_box("/BleedBox", kBleed + 1, kBleed, kBleed + kTrimW, kBleed + kTrimH);
    const auto r = check(fx.write("bleed-inside-trim"));
    EXPECT_EQ(ids(r), std::set<std::string>{"G04"}) << dump(r);
  }
  {
    Fixture fx;
    PreflightOptions opt;
    opt.bleed = sp_from_mm(5);
    const auto r = check(fx.write("bleed-width"), opt);
    ASSERT_EQ(ids(r), std::set<std::string>{"G04"}) << dump(r);
    EXPECT_NE(r.first("G04")->message.find("bleed is 3 mm on the left side, expected 5 mm"), std::string::npos) << dump(r);
  }
  {
    Fixture fx;
    fx.set_box("/CropBox", 1, 1, 200, 200);
    const auto r = check(fx.write("cropbox"));
    EXPECT_EQ(ids(r), std::set<std::string>{"G04"}) << dump(r);
  }
}

// Something painted past the BleedBox (here into a 20 pt slug area of a larger MediaBox, where
// proof marks go) is a G05 warning.
TEST(Preflight, PaintBeyondBleedIsG05) {
  Fixture fx;
  fx.set_box("/MediaBox", -20, -20, kTrimW + 2 * kBleed + 20, kTrimH + 2 * kBleed + 20);
  fx.content() += "0 0 0 0.3 k -10 100 40 40 re f\n";
  const auto r = check(fx.write("beyond-bleed"));
  ASSERT_EQ(ids(r), std::set<std::string>{"G05"}) << dump(r);
  EXPECT_EQ(r.first("G05")->level, Severity::Warning);
  EXPECT_TRUE(r.passed());
}

TEST(Preflight, PageCountIsG01) {
  PreflightOptions opt;
  opt.expected_pages = 2;
  const auto r = check(Fixture().write("pages"), opt);
  EXPECT_EQ(ids(r), std::set<std::string>{"G01"}) << dump(r);
}

// ==== fonts ===================================================================================

// A font without a FontFile2 is F01; pdffonts agrees ("emb no").
TEST(Preflight, UnembeddedFontIsF01) {
  Fixture fx;
  fx.resources().getKey("/Font").replaceKey("/F1", fx.cid_font(false, true, true));
  const std::string path = fx.write("unembedded");
  const auto r = check(path);
  ASSERT_EQ(ids(r), std::set<std::string>{"F01"}) << dump(r);
  EXPECT_NE(r.first("F01")->message.find("is not embedded"), std::string::npos);
  const auto fonts = test::run("pdffonts " + test::shell_quote(path));
  EXPECT_NE(fonts.out.find("CID TrueType      Identity-H       no  yes yes"), std::string::npos) << fonts.out;
}

TEST(Preflight, UnsubsetFontIsF01AndMissingToUnicodeIsF03) {
  Fixture fx;
  fx.resources().getKey("/Font").replaceKey("/F1", fx.cid_font(true, false, false));
  const auto r = check(fx.write("unsubset"));
  ASSERT_EQ(ids(r), (std::set<std::string>{"F01", "F03"})) << dump(r);
  EXPECT_NE(r.first("F01")->message.find("not subset"), std::string::npos);
  EXPECT_EQ(r.first("F03")->level, Severity::Warning);
}

// A standard-14 font by name only: F01, naming the substitution.
TEST(Preflight, Base14FontIsF01) {
  Fixture fx;
  fx.add_resource("/Font", "/Helv", QPDFObjectHandle::parse("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"));
  const auto r = check(fx.write("helvetica"));
  ASSERT_TRUE(r.first("F01")) << dump(r);
  EXPECT_NE(r.first("F01")->message.find("substitute its own Helvetica"), std::string::npos);
}

// CID 0 shown through Identity-H, or a CID that the CIDToGIDMap sends to GID 0, is a missing glyph.
TEST(Preflight, NotdefGlyphIsReported) {
  {
    Fixture fx;
    fx.content() = "q /GSop gs 0 0 0 1 k BT /F1 10 Tf 1 0 0 1 30 300 Tm [<0001> -50 <0000>] TJ ET Q\n";
    const auto r = check(fx.write("cid0"));
    ASSERT_EQ(ids(r), std::set<std::string>{"F03"}) << dump(r);
    EXPECT_EQ(r.first("F03")->level, Severity::Error);
    EXPECT_NE(r.first("F03")->message.find("for 1 glyph"), std::string::npos) << dump(r);
  }
  {
    Fixture fx;
    // CID 1 → GID 1, CID 2 → GID 0.
    fx.resources().getKey("/Font").replaceKey("/F1", fx.cid_font(true, true, true, std::string("\0\0\0\x01\0\0", 6)));
    const std::string path = fx.write("gid0");
    const auto r = check(path);
    ASSERT_EQ(ids(r), std::set<std::string>{"F03"}) << dump(r);
    // The build's way (preflight_bytes with a cache: the map read in place, inflated by
    // libdeflate or remembered), for two plates: the same finding.
    PreflightCache cache;
    for (int plate = 0; plate < 2; ++plate) {
      const auto b = preflight_bytes(path, test::read_file(path), {}, cache);
      EXPECT_EQ(dump(b), dump(r)) << "plate " << plate;
    }
  }
}

// Text below 6 pt (after the CTM) is F04: 10 pt under a 0.5 scale is 5 pt.
TEST(Preflight, TinyTextIsF04) {
  Fixture fx;
  fx.content() = "q /GSop gs 0 0 0 1 k 0.5 0 0 0.5 0 0 cm BT /F1 10 Tf 1 0 0 1 60 600 Tm <0001> Tj ET Q\n";
  const auto r = check(fx.write("tiny"));
  ASSERT_EQ(ids(r), std::set<std::string>{"F04"}) << dump(r);
  EXPECT_NE(r.first("F04")->message.find("at 5 pt"), std::string::npos) << dump(r);
}

TEST(Preflight, StrokedTextIsF05) {
  Fixture fx;
  fx.content() = "q /GSop gs 0 0 0 1 k 0 0 0 1 K 1 w 1 Tr BT /F1 10 Tf 1 0 0 1 30 300 Tm <0001> Tj ET Q\n";
  const auto r = check(fx.write("stroked-text"));
  ASSERT_EQ(ids(r), std::set<std::string>{"F05"}) << dump(r);
  EXPECT_EQ(r.first("F05")->level, Severity::Warning);
}

// Text inside a form XObject is checked with the form's matrix: the rich-black text at (10, 10)
// in a form placed with [1 0 0 1 100 200] is found at PDF (100 + 10, 200 + 10).
TEST(Preflight, FormXObjectContentIsChecked) {
  Fixture fx;
  auto form = fx.pdf().newStream("0.4 0.3 0.3 1 k BT /F1 10 Tf 1 0 0 1 10 10 Tm <0001> Tj ET");
  form.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
  form.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/Form"));
  form.getDict().replaceKey("/BBox", QPDFObjectHandle::parse("[0 0 100 100]"));
  form.getDict().replaceKey("/Matrix", QPDFObjectHandle::parse("[1 0 0 1 100 200]"));
  form.getDict().replaceKey("/Resources", QPDFObjectHandle::parse("<< >>"));
  form.getDict().getKey("/Resources").replaceKey("/Font", fx.resources().getKey("/Font"));
  fx.add_resource("/XObject", "/Fm1", form);
  fx.content() = "q /GSop gs /Fm1 Do Q\n";
  const auto r = check(fx.write("form"));
  ASSERT_EQ(ids(r), std::set<std::string>{"C04"}) << dump(r);
  const Finding& f = *r.first("C04");
  ASSERT_TRUE(f.where);
  EXPECT_NEAR(pt_from_sp(f.where->x), 110 - kBleed, 0.01);
  // Text box top: baseline 210 + ascent 0.88 × 10 pt; y is measured down from the trim top.
  EXPECT_NEAR(pt_from_sp(f.where->y), (kBleed + kTrimH) - (210 + 8.8), 0.01);
}

// ==== images ==================================================================================

// A 72 ppi photo is I01 (error); 160 ppi is I05 (enlarged beyond the 200 ppi target); 1-bit
// line art at 300 ppi is I02; 16-bit samples are I03.
TEST(Preflight, ImageResolution) {
  Fixture fx;
  auto flat = [](int, int, unsigned char* p) { p[0] = 50; p[1] = 50; p[2] = 50; p[3] = 50; };
  fx.add_resource("/XObject", "/Low", fx.cmyk_image(144, 72, flat));       // over 2 × 1 in: 72 ppi
  fx.add_resource("/XObject", "/Mid", fx.cmyk_image(320, 160, flat));      // 160 ppi
  fx.add_resource("/XObject", "/Art", fx.image(600, 300, 1, "/DeviceGray", nullptr, 1));  // 300 ppi, 1 bit
  fx.add_resource("/XObject", "/Deep", fx.image(400, 200, 1, "/DeviceGray", nullptr, 16));
  fx.content() += "q 144 0 0 72 30 20 cm /Low Do Q q 144 0 0 72 30 120 cm /Mid Do Q\n"
                  "q 144 0 0 72 30 200 cm /Art Do Q q 144 0 0 72 30 280 cm /Deep Do Q\n";
  const auto r = check(fx.write("ppi"));
  ASSERT_EQ(ids(r), (std::set<std::string>{"I01", "I02", "I03", "I05"})) << dump(r);
  EXPECT_EQ(r.first("I01")->level, Severity::Error);
  EXPECT_NE(r.first("I01")->message.find("144×72 px at 72 ppi"), std::string::npos) << dump(r);
  EXPECT_EQ(r.first("I05")->level, Severity::Warning);
  EXPECT_NE(r.first("I02")->message.find("600 ppi"), std::string::npos);
  EXPECT_NE(r.first("I03")->message.find("16 bits"), std::string::npos);
}

// An image whose pixels sum to 320 % over more than 1 mm² is I04, placed at the first such area;
// a single 400 % pixel elsewhere is ignored.
TEST(Preflight, HeavyInkImageIsI04) {
  Fixture fx;
  fx.add_resource("/XObject", "/Dark", fx.cmyk_image(400, 200, [](int x, int y, unsigned char* p) {
    const bool heavy = x >= 200 && y >= 100;  // bottom-right quarter of the image
    const bool speck = x == 10 && y == 10;
    const unsigned char v = speck ? 255 : heavy ? 204 : 60;
    p[0] = p[1] = p[2] = p[3] = v;
  }));
  fx.content() += "q 144 0 0 72 30 20 cm /Dark Do Q\n";
  const auto r = check(fx.write("image-ink"));
  ASSERT_EQ(ids(r), std::set<std::string>{"I04"}) << dump(r);
  const Finding& f = *r.first("I04");
  EXPECT_NE(f.message.find("up to 400 %"), std::string::npos) << dump(r);  // the speck is the maximum…
  ASSERT_TRUE(f.where);
  // …but the place is the heavy quarter: x from 30 + 72 pt, top at 20 + 36 pt.
  EXPECT_NEAR(pt_from_sp(f.where->x), 30 + 72 - kBleed, 0.5);
  EXPECT_NEAR(pt_from_sp(f.where->y), (kBleed + kTrimH) - (20 + 36), 0.5);

  Fixture speck_only;
  speck_only.add_resource("/XObject", "/Speck", speck_only.cmyk_image(400, 200, [](int x, int y, unsigned char* p) {
    const unsigned char v = (x == 10 && y == 10) ? 255 : 60;
    p[0] = p[1] = p[2] = p[3] = v;
  }));
  speck_only.content() += "q 144 0 0 72 30 20 cm /Speck Do Q\n";
  const auto r2 = check(speck_only.write("image-speck"));
  EXPECT_TRUE(r2.findings.empty()) << dump(r2);
}

// CMYK JPEGs are decoded with libjpeg for the same check; the /Decode array is honoured
// (inverted Adobe CMYK is written with /Decode [1 0 1 0 1 0 1 0]).
TEST(Preflight, HeavyInkJpegIsI04) {
  {
    Fixture fx;
    fx.add_resource("/XObject", "/Jpg", fx.cmyk_jpeg(400, 200, [](int, int, unsigned char* p) { p[0] = p[1] = p[2] = p[3] = 242; }));
    fx.content() += "q 144 0 0 72 30 20 cm /Jpg Do Q\n";
    const auto r = check(fx.write("jpeg-ink"));
    ASSERT_EQ(ids(r), std::set<std::string>{"I04"}) << dump(r);
    EXPECT_NE(r.first("I04")->message.find("exceeds the 240 % limit"), std::string::npos) << dump(r);
  }
  {
    Fixture fx;
    auto jpg = fx.cmyk_jpeg(400, 200, [](int, int, unsigned char* p) { p[0] = p[1] = p[2] = p[3] = 242; });
    jpg.getDict().replaceKey("/Decode", QPDFObjectHandle::parse("[1 0 1 0 1 0 1 0]"));  // 242 reads as 5 %
    fx.add_resource("/XObject", "/Jpg", jpg);
    fx.content() += "q 144 0 0 72 30 20 cm /Jpg Do Q\n";
    const auto r = check(fx.write("jpeg-inverted"));
    EXPECT_TRUE(r.findings.empty()) << dump(r);
  }
}

// Inline images go through the same checks (abbreviated keys and colour space names).
TEST(Preflight, InlineRgbImageIsC01) {
  Fixture fx;
  std::string pixels;
  for (int i = 0; i < 4; ++i) pixels += std::string("\xff\x20\x20", 3);
  fx.content() += "q 20 0 0 20 50 50 cm BI /W 2 /H 2 /BPC 8 /CS /RGB ID " + pixels + " EI Q\n";
  const auto r = check(fx.write("inline-rgb"));
  ASSERT_EQ(ids(r), std::set<std::string>{"C01"}) << dump(r);
  EXPECT_NE(r.first("C01")->message.find("inline image"), std::string::npos);
}

// ==== file structure ==========================================================================

TEST(Preflight, InfoDictionaryProblemsAreP03AndP04) {
  Fixture fx;
  fx.info().replaceKey("/GTS_PDFXVersion", QPDFObjectHandle::newString("PDF/X-3:2002"));
  fx.info().replaceKey("/CreationDate", QPDFObjectHandle::newString("2024-06-14"));
  fx.info().removeKey("/Trapped");
  fx.info().removeKey("/Title");
  const auto r = check(fx.write("info"));
  ASSERT_EQ(ids(r), (std::set<std::string>{"P03", "P04"})) << dump(r);
  EXPECT_EQ(r.count("P04"), 3u) << dump(r);
}

// X-1a:2001 needs /GTS_PDFXConformance and PDF ≤ 1.3.
TEST(Preflight, PdfX1a2001NeedsConformanceKeyAndVersion13) {
  Fixture fx;
  fx.info().replaceKey("/GTS_PDFXVersion", QPDFObjectHandle::newString("PDF/X-1:2001"));
  PreflightOptions opt;
  opt.standard = "PDF/X-1a:2001";
  const auto r = check(fx.write("x1a2001"), opt);
  ASSERT_EQ(ids(r), (std::set<std::string>{"P02", "P03"})) << dump(r);
  EXPECT_NE(r.first("P03")->message.find("/GTS_PDFXConformance missing"), std::string::npos);
}

TEST(Preflight, HeaderVersionAboveStandardIsP02) {
  Fixture fx;
  fx.version = "1.6";
  const auto r = check(fx.write("v16"));
  ASSERT_EQ(ids(r), std::set<std::string>{"P02"}) << dump(r);
  EXPECT_NE(r.first("P02")->message.find("PDF version 1.6 is above 1.4"), std::string::npos);
}

TEST(Preflight, MissingIdIsP05) {
  const std::string path = Fixture().write("no-id");
  patch_file(path, "/ID [", "/IX [");
  const auto r = check(path);
  EXPECT_EQ(ids(r), std::set<std::string>{"P05"}) << dump(r);
}

TEST(Preflight, OutputIntentProblemsAreP06AndP07) {
  {
    Fixture fx;
    fx.pdf().getRoot().removeKey("/OutputIntents");
    const auto r = check(fx.write("no-intent"));
    EXPECT_EQ(ids(r), std::set<std::string>{"P06"}) << dump(r);
  }
  {
    Fixture fx;
    fx.intent().removeKey("/DestOutputProfile");
    fx.intent().replaceKey("/OutputConditionIdentifier", QPDFObjectHandle::newString(""));
    const auto r = check(fx.write("intent-no-profile"));
    EXPECT_EQ(ids(r), std::set<std::string>{"P06"}) << dump(r);
    EXPECT_EQ(r.count("P06"), 2u) << dump(r);
  }
  {
    Fixture fx;  // an RGB monitor profile
    auto prof = fx.pdf().newStream(read_bytes(kGsRgbProfile));
    prof.getDict().replaceKey("/N", QPDFObjectHandle::newInteger(3));
    fx.intent().replaceKey("/DestOutputProfile", prof);
    const auto r = check(fx.write("rgb-profile"));
    ASSERT_EQ(ids(r), std::set<std::string>{"P07"}) << dump(r);
    const std::string d = dump(r);
    EXPECT_NE(d.find("class is 'mntr'"), std::string::npos) << d;
    EXPECT_NE(d.find("colour space is 'RGB '"), std::string::npos) << d;
  }
  {
    Fixture fx;  // ICC v4: fine for X-4, not for X-1a
    auto prof = fx.pdf().newStream(read_bytes(kGsCmykV4Profile));
    prof.getDict().replaceKey("/N", QPDFObjectHandle::newInteger(4));
    fx.intent().replaceKey("/DestOutputProfile", prof);
    const auto r = check(fx.write("v4-profile"));
    ASSERT_EQ(ids(r), std::set<std::string>{"P07"}) << dump(r);
    EXPECT_NE(r.first("P07")->message.find("ICC version 4"), std::string::npos) << dump(r);
  }
}

TEST(Preflight, FormsScriptsAndActionsAreP08) {
  Fixture fx;
  fx.pdf().getRoot().replaceKey("/AcroForm", QPDFObjectHandle::parse("<< /Fields [] >>"));
  fx.pdf().getRoot().replaceKey("/OpenAction",
                                fx.pdf().makeIndirectObject(QPDFObjectHandle::parse("<< /S /JavaScript /JS (app.alert(1)) >>")));
  const auto r = check(fx.write("scripts"));
  ASSERT_EQ(ids(r), std::set<std::string>{"P08"}) << dump(r);
  EXPECT_EQ(r.count("P08"), 3u) << dump(r);  // AcroForm, OpenAction, the JavaScript action itself
}

TEST(Preflight, AnnotationIsP09) {
  Fixture fx;
  fx.page().replaceKey("/Annots", QPDFObjectHandle::newArray({fx.pdf().makeIndirectObject(
                                      QPDFObjectHandle::parse("<< /Type /Annot /Subtype /Text /Rect [50 50 70 70] /Contents (x) >>"))}));
  const auto r = check(fx.write("annot"));
  ASSERT_EQ(ids(r), std::set<std::string>{"P09"}) << dump(r);
  EXPECT_TRUE(r.first("P09")->where);
}

// LZW-compressed content is P10 (qpdf can decode it, so nothing else complains).
TEST(Preflight, LzwStreamIsP10) {
  Fixture fx;
  // LZW (PDF 1.7 §7.4.4) with 9-bit codes: clear-table, literal bytes, end-of-data. Short enough
  // that the code width never grows.
  const std::string text = "q Q";
  std::vector<int> codes{256};
  for (unsigned char c : text) codes.push_back(c);
  codes.push_back(257);
  std::string lzw;
  std::uint32_t acc = 0;
  int bits = 0;
  for (int c : codes) {
    acc = (acc << 9) | static_cast<std::uint32_t>(c);
    bits += 9;
    while (bits >= 8) {
      lzw += static_cast<char>((acc >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  if (bits) lzw += static_cast<char>((acc << (8 - bits)) & 0xFF);
  auto s = fx.pdf().newStream();
  s.replaceStreamData(lzw, QPDFObjectHandle::newName("/LZWDecode"), QPDFObjectHandle::newNull());
  s.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
  s.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/Form"));
  s.getDict().replaceKey("/BBox", QPDFObjectHandle::parse("[0 0 10 10]"));
  fx.add_resource("/XObject", "/Lzw", s);
  fx.content() += "/Lzw Do\n";
  fx.compress = false;
  const std::string path = fx.write("lzw");
  const auto r = check(path);
  ASSERT_EQ(ids(r), std::set<std::string>{"P10"}) << dump(r);
  EXPECT_NE(r.first("P10")->message.find("/LZWDecode"), std::string::npos);
  EXPECT_EQ(test::run("qpdf --check " + test::shell_quote(path)).exit_code, 0);
}

TEST(Preflight, PostScriptIsP11) {
  Fixture fx;
  auto ps = fx.pdf().newStream("% PostScript");
  ps.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
  ps.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/PS"));
  fx.add_resource("/XObject", "/PS1", ps);
  const auto r = check(fx.write("ps"));
  ASSERT_EQ(ids(r), std::set<std::string>{"P11"}) << dump(r);
}

TEST(Preflight, TransferFunctionIsP12) {
  Fixture fx;
  fx.add_resource("/ExtGState", "/GStr", QPDFObjectHandle::parse("<< /Type /ExtGState /TR /Identity /HT << /HalftoneType 6 /Width 1 /Height 1 >> >>"));
  const auto r = check(fx.write("transfer"));
  ASSERT_EQ(ids(r), std::set<std::string>{"P12"}) << dump(r);
  EXPECT_EQ(r.count("P12"), 2u) << dump(r);
}

// Transparency is P13 for PDF/X-1a, allowed for PDF/X-4 (which instead needs its XMP, P14).
TEST(Preflight, TransparencyIsP13ForX1aOnly) {
  Fixture fx;
  fx.add_resource("/ExtGState", "/GSalpha", QPDFObjectHandle::parse("<< /Type /ExtGState /ca 0.5 /CA 0.5 >>"));
  fx.content() += "q /GSalpha gs 0 0 0 0.3 k 40 40 20 20 re f Q\n";
  auto smask = fx.image(10, 10, 1, "/DeviceGray", [](int, int, unsigned char* p) { p[0] = 128; });
  auto img = fx.cmyk_image(10, 10, [](int, int, unsigned char* p) { p[0] = p[1] = p[2] = p[3] = 10; });
  img.getDict().replaceKey("/SMask", smask);
  fx.add_resource("/XObject", "/Soft", img);
  const std::string path = fx.write("alpha");
  const auto r = check(path);  // the soft-masked image is unused: resources count whether used or not
  ASSERT_EQ(ids(r), std::set<std::string>{"P13"}) << dump(r);
  EXPECT_EQ(r.count("P13"), 3u) << dump(r);  // ca, CA, image soft mask

  PreflightOptions x4;
  x4.standard = "PDF/X-4";
  const auto r4 = check(path, x4);
  EXPECT_EQ(ids(r4), (std::set<std::string>{"P03", "P14"})) << dump(r4);  // Info still says X-1a; no XMP
}

// A damaged file (broken startxref) is P01, as qpdf --check says too; preflight still runs the
// other checks on what qpdf recovers.
TEST(Preflight, DamagedFileIsP01) {
  const std::string path = Fixture().write("damaged");
  std::string data = test::read_file(path);
  const auto at = data.rfind("startxref\n");
  ASSERT_NE(at, std::string::npos);
  data.replace(at + 10, data.find('\n', at + 10) - (at + 10), "999999");
  test::write_file(path, data);
  const auto r = check(path);
  EXPECT_EQ(ids(r), std::set<std::string>{"P01"}) << dump(r);
  EXPECT_EQ(r.pages, 1);
  EXPECT_NE(test::run("qpdf --check " + test::shell_quote(path)).exit_code, 0);
}

// Content syntax the interpreter cannot read is P01 (the rest of the page is still checked), and
// a BDC property dictionary with nested strings and arrays is read without complaint.
TEST(Preflight, ContentSyntaxErrorsAreP01) {
  {
    Fixture fx;
    fx.content() += "/Span <</ActualText <FEFF6392> /A [1 (x) <</B 2>>]>> BDC EMC\n";
    const auto r = check(fx.write("bdc-dict"));
    EXPECT_TRUE(r.findings.empty()) << dump(r);
  }
  {
    Fixture fx;
    fx.content() += "q [1 2 Q ] pop\n";  // an operator inside an array
    const auto r = check(fx.write("op-in-array"));
    EXPECT_EQ(r.count("P01"), 1u) << dump(r);
  }
  {
    Fixture fx;
    fx.content() += "q 1 0 0 1 0 0 cm ] Q\n";  // a stray ]
    const auto r = check(fx.write("stray-bracket"));
    EXPECT_EQ(r.count("P01"), 1u) << dump(r);
  }
  {
    // Text after a syntax error is still checked: 4-colour black text is C04.
    Fixture fx;
    fx.content() += "] BT /F1 10 Tf 1 0 0 1 30 200 Tm 0.7 0.6 0.6 1 k <0001> Tj ET\n";
    const auto r = check(fx.write("error-then-text"));
    EXPECT_EQ(r.count("P01"), 1u) << dump(r);
    EXPECT_GE(r.count("C04"), 1u) << dump(r);
  }
}

// Truncated content (a string, an array, a dictionary at the end of the stream) is P01, and the
// message gives the byte of the decoded content where the unfinished token or object starts.
TEST(Preflight, ContentSyntaxErrorsSayWhere) {
  struct Case {
    std::string tail;
    std::size_t at;  // in tail
    std::string why;
  };
  for (const Case& c : {Case{"q [1 2", 2, "unterminated array or dictionary (opened at byte {})"},
                        Case{"/P <</MCID 0 /A [1", 3, "unterminated array or dictionary (opened at byte {})"},
                        Case{"BT (abc", 3, "EOF while reading token at byte {}"},
                        Case{"0 0 m <41 4x>", 6, "invalid character (x) in hexstring at byte {}"}}) {
    SCOPED_TRACE(c.tail);
    Fixture fx;
    const std::size_t base = fx.content().size();
    fx.content() += c.tail;
    const auto r = check(fx.write("truncated"));
    ASSERT_EQ(r.count("P01"), 1u) << dump(r);
    EXPECT_EQ(r.first("P01")->message, "page content cannot be parsed: " + fmt::format(fmt::runtime(c.why), base + c.at));
  }
}

namespace {
// Where the data of the largest stream of a QPDFWriter file ("stream\n" … "endstream") begins,
// and its length.
std::pair<std::size_t, std::size_t> largest_stream(const std::string& data) {
  std::size_t best_at = 0, best_len = 0;
  for (std::size_t at = data.find("stream\n"); at != std::string::npos; at = data.find("stream\n", at + 1)) {
    if (at >= 3 && data.compare(at - 3, 3, "end") == 0) continue;
    const std::size_t begin = at + 7, end = data.find("endstream", begin);
    if (end != std::string::npos && end - begin > best_len) best_at = begin, best_len = end - begin;
  }
  return {best_at, best_len};
}
}  // namespace

// PreflightCache: a stream identical to one decoded before is not decoded again, and a damaged
// copy of it (same size and filters, one byte changed) is still decoded and fails P01.
TEST(Preflight, SharedStreamCacheSkipsOnlyIdenticalStreams) {
  const std::string good = Fixture().write("cache-good");
  PreflightCache cache;
  EXPECT_TRUE(preflight(good, {}, cache).passed());
  EXPECT_EQ(cache.hits(), 0u);
  const auto again = preflight(good, {}, cache);
  EXPECT_TRUE(again.passed()) << dump(again);
  const std::size_t per_file = cache.hits();
  EXPECT_GE(per_file, 1u) << "the output profile (≥ 64 KiB) should be remembered";

  // Damage the zlib header of the largest stream (the output profile), keeping every length (a
  // byte flipped mid-stream can still inflate: qpdf --check does not see that either).
  std::string data = test::read_file(good);
  const auto [best_at, best_len] = largest_stream(data);
  ASSERT_GE(best_len, PreflightCache::kMinBytes);
  data[best_at] = '\0';
  const std::string bad = work_dir() + "/cache-bad.pdf";
  test::write_file(bad, data);
  const std::size_t hits = cache.hits();
  const auto r = preflight(bad, {}, cache);
  EXPECT_LT(cache.hits() - hits, per_file) << "the damaged stream is no hit (the others still are)";
  EXPECT_EQ(r.count("P01"), 1u) << dump(r);
}

// Plates checked in parallel embed the same program: the first check to miss decodes it, a
// second one asking meanwhile waits for that instead of decoding it too, then finds it; a stream
// of the same size that is not the one decoded is still the caller's to decode.
TEST(Preflight, SharedStreamIsDecodedOnceWhileOthersWait) {
  PreflightCache cache;
  const std::string program(PreflightCache::kMinBytes + 10, 'p'), other(program.size(), 'q');
  auto is = [](const std::string& mine) {
    return [&mine](std::string_view known) { return known == mine; };
  };
  ASSERT_FALSE(cache.decoded_before("/FlateDecode null", program.size(), is(program)));  // we decode it
  std::atomic<int> second{-1};
  std::thread other_plate([&] { second = cache.decoded_before("/FlateDecode null", program.size(), is(program)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(second.load(), -1) << "the second check must wait while the first decodes";
  cache.remember("/FlateDecode null", program);
  cache.done_decoding("/FlateDecode null", program.size());
  other_plate.join();
  EXPECT_EQ(second.load(), 1);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_FALSE(cache.decoded_before("/FlateDecode null", other.size(), is(other)));  // not that one
  cache.done_decoding("/FlateDecode null", other.size());
  EXPECT_FALSE(cache.decoded_before("/FlateDecode null", other.size(), is(other))) << "nothing remembered: decode again";
  cache.done_decoding("/FlateDecode null", other.size());
}

// preflight_bytes (the build checks a plate's bytes while the disk writes them) finds what
// preflight finds in the file, for a good plate and a damaged one, and names the file.
TEST(Preflight, BytesInMemoryReportAsTheFile) {
  const std::string good = Fixture().write("bytes-good");
  std::string damaged = test::read_file(good);
  const auto at = damaged.find("/MediaBox");
  ASSERT_NE(at, std::string::npos);
  damaged.replace(at, 9, "/MediaBix");
  const std::string bad = work_dir() + "/bytes-bad.pdf";
  test::write_file(bad, damaged);
  for (const std::string& path : {good, bad}) {
    PreflightCache from_file, in_memory;
    const auto a = preflight(path, {}, from_file);
    const auto b = preflight_bytes(path, test::read_file(path), {}, in_memory);
    EXPECT_EQ(dump(b), dump(a)) << path;
    EXPECT_EQ(b.file, path);
  }
  EXPECT_FALSE(preflight(bad).passed());
}

// preflight_bytes reads stream data where it lies in the bytes it is given instead of through
// qpdf's input source. What it finds must be what reading through qpdf finds: a /Length that does
// not end at `endstream` is P01 (qpdf's warning) either way, a shared stream is still recognised
// on the next plate, and a damaged copy of it (same size) is not.
TEST(Preflight, StreamsReadInPlaceReportAsReadThroughQpdf) {
  const std::string good = Fixture().write("in-place-good");
  const std::string data = test::read_file(good);

  // One off in a stream's /Length, same number of digits (the xref stays valid).
  std::string off_by_one = data;
  std::size_t at = std::string::npos;
  for (std::size_t k = off_by_one.find("/Length "); k != std::string::npos; k = off_by_one.find("/Length ", k + 1)) {
    std::size_t e = k + 8;
    while (e < off_by_one.size() && std::isdigit(static_cast<unsigned char>(off_by_one[e]))) ++e;
    if (e - (k + 8) >= 2 && off_by_one.compare(e, 4, " 0 R") != 0) {
      at = k + 8;
      const long n = std::stol(off_by_one.substr(at, e - at));
      const std::string m = std::to_string(n % 10 == 9 ? n - 1 : n + 1);
      ASSERT_EQ(m.size(), e - at);
      off_by_one.replace(at, m.size(), m);
      break;
    }
  }
  ASSERT_NE(at, std::string::npos) << "no direct /Length in the fixture";
  const std::string wrong_length = work_dir() + "/in-place-length.pdf";
  test::write_file(wrong_length, off_by_one);
  {
    PreflightCache from_file, in_memory;
    const auto a = preflight(wrong_length, {}, from_file);
    const auto b = preflight_bytes(wrong_length, off_by_one, {}, in_memory);
    EXPECT_EQ(dump(b), dump(a));
    EXPECT_GE(b.count("P01"), 1u) << dump(b);
  }

  PreflightCache cache;
  EXPECT_TRUE(preflight_bytes(good, data, {}, cache).passed());
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_TRUE(preflight_bytes(good, data, {}, cache).passed());
  const std::size_t per_file = cache.hits();
  EXPECT_GE(per_file, 1u) << "the output profile (≥ 64 KiB) should be recognised in place";
  // The largest stream (the output profile) with its zlib header damaged, every length kept.
  std::string damaged = data;
  const auto [best_at, best_len] = largest_stream(damaged);
  ASSERT_GE(best_len, PreflightCache::kMinBytes);
  damaged[best_at] = '\0';
  const auto r = preflight_bytes(good, damaged, {}, cache);
  EXPECT_LT(cache.hits() - per_file, per_file) << "the damaged stream is no hit";
  EXPECT_EQ(r.count("P01"), 1u) << dump(r);
}

TEST(Preflight, UnreadableFileIsP01) {
  const std::string path = work_dir() + "/not-a.pdf";
  test::write_file(path, "this is not a PDF\n");
  const auto r = check(path);
  ASSERT_EQ(ids(r), std::set<std::string>{"P01"}) << dump(r);
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.pages, 0);
}

TEST(Preflight, UnknownStandardIsRejected) {
  PreflightOptions opt;
  opt.standard = "PDF/X-9";
  const auto r = check(Fixture().write("std"), opt);
  ASSERT_EQ(ids(r), std::set<std::string>{"P03"}) << dump(r);
  EXPECT_FALSE(is_known_pdfx_standard("PDF/X-9"));
  EXPECT_TRUE(is_known_pdfx_standard("PDF/X-4"));
}

// ==== report forms ============================================================================

// The text form is "page N: level[ID]: message [at … mm]" in checklist order; JSON carries the
// same findings; report() feeds the engine's diagnostics.
TEST(Preflight, ReportForms) {
  Fixture fx;
  fx.page().removeKey("/TrimBox");  // G02; places are then relative to the MediaBox
  fx.content() += "1 0 0 rg 0 0 10 10 re f\n";
  fx.info().removeKey("/Title");
  const auto r = check(fx.write("forms"));
  const std::string d = dump(r);
  EXPECT_EQ(d,
            "error[P04]: Info /Title missing or empty\n"
            "page 1: error[G02]: page has no /TrimBox\n"
            "page 1: error[C01]: RGB colour /DeviceRGB in fill [at x=0.0 y=152.5 mm, 3.5×3.5 mm]\n"
            "PDF/X-1a:2003: 1 page, 3 errors, 0 warnings, 0 notes — failed\n");
  const auto j = r.to_json();
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["errors"], 3);
  ASSERT_EQ(j["findings"].size(), 3u);
  EXPECT_EQ(j["findings"][2]["id"], "C01");
  EXPECT_EQ(j["findings"][2]["level"], "error");
  EXPECT_EQ(j["findings"][2]["page"], 1);
  EXPECT_NEAR(j["findings"][2]["where"]["w"].get<double>(), 10.0, 1e-9);
  Diagnostics diags;
  r.report(diags);
  EXPECT_EQ(diags.count_code("preflight.C01"), 1u);
  EXPECT_EQ(diags.all().front().loc.file, r.file);
}
