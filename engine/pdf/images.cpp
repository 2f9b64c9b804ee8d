#include "engine/pdf/images.h"

#include <jpeglib.h>
#include <lcms2.h>
#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace paiban::pdf {
namespace {

// JPEG quality for converted photos: 92 keeps re-compression artefacts below what newsprint
// (≈ 100 lpi screens) reproduces while staying a fraction of the raw CMYK size.
constexpr int kJpegQuality = 92;

// --- libjpeg ------------------------------------------------------------------------------------
// libjpeg reports fatal errors through error_exit, which must not return; C++ exceptions cannot
// cross its C frames, so the functions below use setjmp/longjmp and keep every object with a
// destructor outside the jumped-over region (owned by the caller).

struct JpegError {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

extern "C" void jpeg_fail(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}
extern "C" void jpeg_quiet(j_common_ptr) {}  // warnings (corrupt-data recoveries) are not printed

struct JpegHeader {
  int width = 0, height = 0, components = 0;
  bool adobe = false;
  std::string icc;
};

// Reads the header and, when `pixels` is given, decodes to 8-bit RGB (3 components) or grey (1).
bool jpeg_decode(const std::string& bytes, JpegHeader* hdr, std::vector<std::uint8_t>* pixels, char* error) {
  jpeg_decompress_struct cinfo;
  JpegError jerr;
  cinfo.err = jpeg_std_error(&jerr.pub);
  jerr.pub.error_exit = jpeg_fail;
  jerr.pub.output_message = jpeg_quiet;
  if (setjmp(jerr.jump)) {
    std::snprintf(error, JMSG_LENGTH_MAX, "%s", jerr.message);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
  jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);  // ICC profile chunks
  jpeg_read_header(&cinfo, TRUE);
  hdr->width = static_cast<int>(cinfo.image_width);
  hdr->height = static_cast<int>(cinfo.image_height);
  hdr->components = cinfo.num_components;
  hdr->adobe = cinfo.saw_Adobe_marker;
  JOCTET* icc = nullptr;
  unsigned int icc_len = 0;
  if (jpeg_read_icc_profile(&cinfo, &icc, &icc_len)) {
    hdr->icc.assign(reinterpret_cast<const char*>(icc), icc_len);
    std::free(icc);
  }
  if (pixels && (hdr->components == 1 || hdr->components == 3)) {
    cinfo.out_color_space = hdr->components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    const std::size_t row = static_cast<std::size_t>(cinfo.output_width) * cinfo.output_components;
    pixels->resize(row * cinfo.output_height);
    while (cinfo.output_scanline < cinfo.output_height) {
      JSAMPROW r = pixels->data() + row * cinfo.output_scanline;
      jpeg_read_scanlines(&cinfo, &r, 1);
    }
    jpeg_finish_decompress(&cinfo);
    // libjpeg "recovers" from damaged data (a truncated file, a corrupt block) with a warning and
    // grey fill; such a picture must not reach a plate, so a warning while decoding is a failure.
    if (jerr.pub.num_warnings > 0) {
      (*jerr.pub.format_message)(reinterpret_cast<j_common_ptr>(&cinfo), error);
      jpeg_destroy_decompress(&cinfo);
      return false;
    }
  }
  jpeg_destroy_decompress(&cinfo);
  return true;
}

// Encodes 8-bit CMYK as a JPEG without an Adobe marker: samples are stored as ink values, so no
// /Decode inversion is needed and no reader applies a colour transform.
bool jpeg_encode_cmyk(const std::vector<std::uint8_t>& cmyk, int width, int height, std::string* out, char* error) {
  jpeg_compress_struct cinfo;
  JpegError jerr;
  unsigned char* buf = nullptr;
  unsigned long len = 0;
  cinfo.err = jpeg_std_error(&jerr.pub);
  jerr.pub.error_exit = jpeg_fail;
  jerr.pub.output_message = jpeg_quiet;
  if (setjmp(jerr.jump)) {
    std::snprintf(error, JMSG_LENGTH_MAX, "%s", jerr.message);
    jpeg_destroy_compress(&cinfo);
    std::free(buf);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buf, &len);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_colorspace(&cinfo, JCS_CMYK);
  cinfo.write_Adobe_marker = FALSE;
  cinfo.write_JFIF_header = FALSE;
  jpeg_set_quality(&cinfo, kJpegQuality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW r = const_cast<std::uint8_t*>(cmyk.data()) + row * cinfo.next_scanline;
    jpeg_write_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  out->assign(reinterpret_cast<const char*>(buf), len);
  std::free(buf);
  return true;
}

// --- lcms2 --------------------------------------------------------------------------------------

struct CmsProfileDel { void operator()(void* p) const { cmsCloseProfile(p); } };
using CmsProfile = std::unique_ptr<void, CmsProfileDel>;
struct CmsTransformDel { void operator()(void* t) const { cmsDeleteTransform(t); } };
using CmsTransform = std::unique_ptr<void, CmsTransformDel>;
struct CmsToneDel { void operator()(cmsToneCurve* t) const { cmsFreeToneCurve(t); } };

// Source pixels (1 = grey, 3 = RGB) → 8-bit CMYK through the output profile (perceptual intent
// with black-point compensation, the usual choice for photographs on newsprint). Without an
// output profile: 100 % GCR from the complement (reported by the caller).
bool to_cmyk(const std::vector<std::uint8_t>& src, int components, std::size_t pixels, const std::string& icc,
             const std::string& output_profile, std::vector<std::uint8_t>* cmyk, std::string* error) {
  cmyk->resize(pixels * 4);
  if (output_profile.empty()) {
    for (std::size_t i = 0; i < pixels; ++i) {
      int c, m, y;
      if (components == 1) c = m = y = 255 - src[i];
      else {
        c = 255 - src[3 * i];
        m = 255 - src[3 * i + 1];
        y = 255 - src[3 * i + 2];
      }
      const int k = std::min({c, m, y});
      (*cmyk)[4 * i] = static_cast<std::uint8_t>(c - k);
      (*cmyk)[4 * i + 1] = static_cast<std::uint8_t>(m - k);
      (*cmyk)[4 * i + 2] = static_cast<std::uint8_t>(y - k);
      (*cmyk)[4 * i + 3] = static_cast<std::uint8_t>(k);
    }
    return true;
  }
  CmsProfile in;
  if (!icc.empty()) {
    in.reset(cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size())));
    const cmsColorSpaceSignature want = components == 1 ? cmsSigGrayData : cmsSigRgbData;
    if (in && cmsGetColorSpace(in.get()) != want) in.reset();  // a profile that does not fit: ignore it
  }
  if (!in) {
    if (components == 3) {
      in.reset(cmsCreate_sRGBProfile());
    } else {
      // Untagged grey: gamma 2.2 on the D50 white, the grey companion of sRGB.
      std::unique_ptr<cmsToneCurve, CmsToneDel> g(cmsBuildGamma(nullptr, 2.2));
      in.reset(cmsCreateGrayProfile(cmsD50_xyY(), g.get()));
    }
  }
  CmsProfile out(cmsOpenProfileFromFile(output_profile.c_str(), "r"));
  if (!in || !out) {
    *error = "cannot open the colour profiles";
    return false;
  }
  CmsTransform t(cmsCreateTransform(in.get(), components == 1 ? TYPE_GRAY_8 : TYPE_RGB_8, out.get(), TYPE_CMYK_8,
                                    INTENT_PERCEPTUAL, cmsFLAGS_BLACKPOINTCOMPENSATION));
  if (!t) {
    *error = "lcms2 cannot build the colour transform";
    return false;
  }
  // lcms2 takes 32-bit pixel counts: convert in slices.
  const std::size_t step = 1u << 24;
  for (std::size_t i = 0; i < pixels; i += step) {
    const std::size_t n = std::min(step, pixels - i);
    cmsDoTransform(t.get(), src.data() + i * components, cmyk->data() + i * 4, static_cast<cmsUInt32Number>(n));
  }
  return true;
}

// The embedded ICC profile of a PNG (iCCP chunk: name, NUL, method 0, zlib data), or empty.
// libpng's simplified reader ignores it, so it is taken from the chunk list here.
std::string png_icc_profile(const std::string& png) {
  std::size_t at = 8;
  auto u32 = [&](std::size_t o) {
    return (std::uint32_t(static_cast<unsigned char>(png[o])) << 24) |
           (std::uint32_t(static_cast<unsigned char>(png[o + 1])) << 16) |
           (std::uint32_t(static_cast<unsigned char>(png[o + 2])) << 8) | std::uint32_t(static_cast<unsigned char>(png[o + 3]));
  };
  while (at + 12 <= png.size()) {
    const std::uint32_t len = u32(at);
    const std::string type = png.substr(at + 4, 4);
    if (at + 12 + len > png.size() || type == "IDAT" || type == "IEND") break;  // iCCP precedes IDAT
    if (type == "iCCP") {
      const std::string data = png.substr(at + 8, len);
      const std::size_t nul = data.find('\0');
      if (nul == std::string::npos || nul + 2 > data.size() || data[nul + 1] != 0) return {};
      z_stream z{};
      if (inflateInit(&z) != Z_OK) return {};
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + nul + 2));
      z.avail_in = static_cast<uInt>(data.size() - nul - 2);
      std::string out;
      char buf[16384];
      int rc = Z_OK;
      while (rc == Z_OK && out.size() < (64u << 20)) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
      }
      inflateEnd(&z);
      return rc == Z_STREAM_END ? out : std::string();
    }
    at += 12 + len;
  }
  return {};
}

std::optional<std::string> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

void limit_total_ink(std::uint8_t* cmyk, std::size_t pixels, int max_percent) {
  const int limit = max_percent * 255 / 100;  // in 8-bit ink units (4 × 255 = 400 %)
  for (std::size_t i = 0; i < pixels; ++i) {
    std::uint8_t* p = cmyk + 4 * i;
    const int total = p[0] + p[1] + p[2] + p[3];
    if (total <= limit) continue;
    const int cmy = p[0] + p[1] + p[2];
    const int room = std::max(0, limit - p[3]);
    if (room == 0) {
      p[0] = p[1] = p[2] = 0;
      p[3] = static_cast<std::uint8_t>(std::min(limit, 255));
      continue;
    }
    // Scale C, M, Y by room/cmy, rounding down so the sum never exceeds the limit.
    for (int c = 0; c < 3; ++c) p[c] = static_cast<std::uint8_t>(p[c] * room / cmy);
  }
}

std::optional<PdfImage> load_image(const std::string& path, const ImageConversion& conv, Diagnostics& diags,
                                   const SourceLoc& where) {
  auto fail = [&](const std::string& code, const std::string& msg, const std::string& hint = {}) {
    diags.error(code, where, path + ": " + msg, hint);
    return std::nullopt;
  };
  const auto bytes = read_all(path);
  if (!bytes) return fail("pdf.image-unreadable", "cannot read the image file");
  const std::string& b = *bytes;
  PdfImage img;
  std::vector<std::uint8_t> pixels;
  std::string icc;
  int components = 0;

  if (b.size() > 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8) {
    JpegHeader hdr;
    char err[JMSG_LENGTH_MAX] = {0};
    if (!jpeg_decode(b, &hdr, nullptr, err)) return fail("pdf.image-unreadable", std::string("bad JPEG: ") + err);
    img.width = hdr.width;
    img.height = hdr.height;
    if (hdr.components == 4) {
      // Passthrough: the printer's CMYK separation is kept as delivered (no second conversion).
      img.dct = true;
      img.invert = hdr.adobe;
      img.data = b;
      img.kind = "CMYK JPEG";
      return img;
    }
    if (hdr.components != 1 && hdr.components != 3)
      return fail("pdf.image-unsupported", "JPEG with " + std::to_string(hdr.components) + " components");
    if (!jpeg_decode(b, &hdr, &pixels, err)) return fail("pdf.image-unreadable", std::string("bad JPEG: ") + err);
    components = hdr.components;
    icc = hdr.icc;
    img.dct = true;
    img.kind = components == 1 ? "grey JPEG" : "RGB JPEG";
  } else if (b.size() > 8 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, b.data(), b.size()))
      return fail("pdf.image-unreadable", std::string("bad PNG: ") + png.message);
    components = (png.format & PNG_FORMAT_FLAG_COLOR) ? 3 : 1;
    png.format = components == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    img.width = static_cast<int>(png.width);
    img.height = static_cast<int>(png.height);
    pixels.resize(PNG_IMAGE_SIZE(png));
    // Alpha is composited onto paper white: PDF/X-1a allows no transparency (checklist P13).
    png_color white{255, 255, 255};
    if (!png_image_finish_read(&png, &white, pixels.data(), 0, nullptr)) {
      const std::string msg = png.message;
      png_image_free(&png);
      return fail("pdf.image-unreadable", "bad PNG: " + msg);
    }
    // Samples are as stored (sRGB-encoded unless an iCCP profile says otherwise).
    icc = png_icc_profile(b);
    img.kind = components == 1 ? "grey PNG" : "RGB PNG";
  } else {
    return fail("pdf.image-unsupported", "not a JPEG or PNG file", "place JPEG (photos) or PNG (graphics) files");
  }
  if (img.width <= 0 || img.height <= 0) return fail("pdf.image-unreadable", "image has no pixels");

  const std::size_t n = static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height);
  std::vector<std::uint8_t> cmyk;
  std::string err;
  if (conv.output_profile.empty())
    diags.warning("pdf.image-no-profile", where, path + ": " + img.kind + " converted to CMYK without an output profile",
                  "set the output profile so images are separated for the press");
  if (!to_cmyk(pixels, components, n, icc, conv.output_profile, &cmyk, &err))
    return fail("pdf.image-colour", img.kind + " cannot be converted to CMYK: " + err);
  limit_total_ink(cmyk.data(), n, conv.max_total_ink_percent);
  if (img.dct) {
    char jerr[JMSG_LENGTH_MAX] = {0};
    if (!jpeg_encode_cmyk(cmyk, img.width, img.height, &img.data, jerr))
      return fail("pdf.image-colour", std::string("cannot encode the CMYK JPEG: ") + jerr);
  } else {
    img.data.assign(reinterpret_cast<const char*>(cmyk.data()), cmyk.size());
  }
  return img;
}

HPDF_Dict embed_image(Document& doc, const PdfImage& image) {
  HPDF_Dict s = image.dct ? doc.dct_stream() : doc.stream();
  doc.write(s, image.data);
  doc.add_name(s, "Type", "XObject");
  doc.add_name(s, "Subtype", "Image");
  doc.add_int(s, "Width", image.width);
  doc.add_int(s, "Height", image.height);
  doc.add_name(s, "ColorSpace", "DeviceCMYK");
  doc.add_int(s, "BitsPerComponent", 8);
  if (image.invert) doc.add(s, "Decode", doc.numbers({1, 0, 1, 0, 1, 0, 1, 0}));
  return s;
}

}  // namespace paiban::pdf
