#include "engine/preflight/image.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstdio>
#include <jpeglib.h>

namespace paiban::preflight_detail {

namespace {

// libjpeg reports fatal errors through error_exit, which must not return. We longjmp back to
// run_decoder(); between its setjmp and any longjmp only C frames of libjpeg are live, so no C++
// destructor is skipped.
struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_jpeg_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void on_jpeg_message(j_common_ptr, int) {}  // warnings: corrupt-data notes are not fatal

// RAII for the decompressor; the error manager must outlive it.
class JpegDecompressor {
 public:
  explicit JpegDecompressor(JpegError& err) {
    cinfo_.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = on_jpeg_error;
    err.mgr.emit_message = on_jpeg_message;
    err.message[0] = '\0';
  }
  ~JpegDecompressor() {
    if (created_) jpeg_destroy_decompress(&cinfo_);
  }
  JpegDecompressor(const JpegDecompressor&) = delete;
  JpegDecompressor& operator=(const JpegDecompressor&) = delete;
  jpeg_decompress_struct* get() { return &cinfo_; }
  void mark_created() { created_ = true; }

 private:
  jpeg_decompress_struct cinfo_{};
  bool created_ = false;
};

// Returns false after a libjpeg error. `out` is owned by the caller.
bool run_decoder(JpegDecompressor& d, JpegError& err, const unsigned char* data, std::size_t size, ImageSamples* out) {
  jpeg_decompress_struct* cinfo = d.get();
  if (setjmp(err.jump)) return false;
  jpeg_create_decompress(cinfo);
  d.mark_created();
  jpeg_mem_src(cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(cinfo, TRUE);
  // Keep the stored components: CMYK/YCCK come out as CMYK, grey as grey, YCbCr as RGB.
  if (cinfo->jpeg_color_space == JCS_YCCK || cinfo->jpeg_color_space == JCS_CMYK) cinfo->out_color_space = JCS_CMYK;
  jpeg_start_decompress(cinfo);
  out->width = static_cast<int>(cinfo->output_width);
  out->height = static_cast<int>(cinfo->output_height);
  out->comps = cinfo->output_components;
  const std::size_t stride = static_cast<std::size_t>(out->width) * static_cast<std::size_t>(out->comps);
  out->data.resize(stride * static_cast<std::size_t>(out->height));
  while (cinfo->output_scanline < cinfo->output_height) {
    JSAMPROW row = out->data.data() + stride * cinfo->output_scanline;
    jpeg_read_scanlines(cinfo, &row, 1);
  }
  jpeg_finish_decompress(cinfo);
  return true;
}

std::string inline_name(const std::string& f) {  // inline-image filter abbreviations (PDF 1.7 Table 94)
  if (f == "/AHx") return "/ASCIIHexDecode";
  if (f == "/A85") return "/ASCII85Decode";
  if (f == "/LZW") return "/LZWDecode";
  if (f == "/Fl") return "/FlateDecode";
  if (f == "/RL") return "/RunLengthDecode";
  if (f == "/CCF") return "/CCITTFaxDecode";
  if (f == "/DCT") return "/DCTDecode";
  return f;
}

}  // namespace

std::optional<ImageSamples> decode_jpeg(const unsigned char* data, std::size_t size, std::string& error) {
  JpegError err;
  JpegDecompressor d(err);
  ImageSamples out;
  if (!run_decoder(d, err, data, size, &out)) {
    error = err.message[0] ? err.message : "libjpeg error";
    return std::nullopt;
  }
  return out;
}

std::optional<ImageSamples> decode_image_samples(QPDFObjectHandle image, std::string& why_not) {
  auto dict = image.getDict();
  auto w = dict.getKey("/Width"), h = dict.getKey("/Height"), bpc = dict.getKey("/BitsPerComponent");
  constexpr long long kMaxSide = 1 << 20;  // 1 Mpx on a side: beyond any plate image
  if (!w.isInteger() || !h.isInteger() || w.getIntValue() <= 0 || h.getIntValue() <= 0 || w.getIntValue() > kMaxSide ||
      h.getIntValue() > kMaxSide) {
    why_not = "no valid /Width and /Height";
    return std::nullopt;
  }
  std::vector<std::string> filters;
  auto f = dict.getKey("/Filter");
  if (f.isName()) filters.push_back(inline_name(f.getName()));
  else if (f.isArray())
    for (auto& e : f.aitems())
      if (e.isName()) filters.push_back(inline_name(e.getName()));

  ImageSamples img;
  if (!filters.empty() && filters.back() == "/DCTDecode") {
    if (filters.size() != 1) {
      why_not = "DCT behind another filter is not decoded";
      return std::nullopt;
    }
    auto raw = image.getRawStreamData();
    std::string err;
    auto jpeg = decode_jpeg(raw->getBuffer(), raw->getSize(), err);
    if (!jpeg) {
      why_not = "JPEG data cannot be decoded: " + err;
      return std::nullopt;
    }
    img = std::move(*jpeg);
    if (img.width != w.getIntValue() || img.height != h.getIntValue()) {
      why_not = fmt::format("JPEG is {}×{} px but the image dictionary says {}×{}", img.width, img.height, w.getIntValue(),
                            h.getIntValue());
      return std::nullopt;
    }
    return img;
  }
  for (const auto& name : filters)
    if (name != "/FlateDecode" && name != "/LZWDecode" && name != "/ASCIIHexDecode" && name != "/ASCII85Decode" &&
        name != "/RunLengthDecode") {
      why_not = name + " samples are not decoded";
      return std::nullopt;
    }
  if (!bpc.isInteger() || bpc.getIntValue() != 8) {
    why_not = fmt::format("{} bits per component are not scanned", bpc.unparse());
    return std::nullopt;
  }
  auto buf = image.getStreamData(qpdf_dl_specialized);
  img.width = static_cast<int>(w.getIntValue());
  img.height = static_cast<int>(h.getIntValue());
  img.data.assign(buf->getBuffer(), buf->getBuffer() + buf->getSize());
  img.comps = 0;  // the caller's colour space says how many; scan_image_ink checks the size
  return img;
}

InkScan scan_image_ink(const ImageSamples& img, const ColourSpace& cs, QPDFObjectHandle decode, int limit_permille,
                       int win_w, int win_h) {
  InkScan r;
  const int n = cs.kind == CsKind::Indexed ? 1 : cs.n;
  if (n <= 0 || (img.comps != 0 && img.comps != n)) return r;
  const std::size_t stride = static_cast<std::size_t>(img.width) * static_cast<std::size_t>(n);
  if (img.data.size() < stride * static_cast<std::size_t>(img.height)) return r;

  // Per-component lookup: sample byte → contribution to the pixel's total ink, per mille. TAC is
  // additive over plates, so CMYK, DeviceN and Separation split into one table per component;
  // Gray and Indexed have one component.
  std::vector<std::array<int, 256>> lut(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    double dmin = 0, dmax = cs.kind == CsKind::Indexed ? 255 : 1;
    if (decode.isArray() && decode.getArrayNItems() >= 2 * (i + 1) && decode.getArrayItem(2 * i).isNumber() &&
        decode.getArrayItem(2 * i + 1).isNumber()) {
      dmin = decode.getArrayItem(2 * i).getNumericValue();
      dmax = decode.getArrayItem(2 * i + 1).getNumericValue();
    }
    for (int b = 0; b < 256; ++b) {
      const double v = dmin + b * (dmax - dmin) / 255.0;
      double ink = 0;
      switch (cs.kind) {
        case CsKind::Gray: ink = 1 - std::clamp(v, 0.0, 1.0); break;
        case CsKind::Cmyk: ink = std::clamp(v, 0.0, 1.0); break;
        case CsKind::Separation:
        case CsKind::DeviceN: {
          std::vector<double> comps(static_cast<std::size_t>(n), 0.0);
          comps[static_cast<std::size_t>(i)] = v;
          ink = inks_of(cs, comps).total();
          break;
        }
        case CsKind::Indexed: ink = inks_of(cs, {v}).total(); break;
        default: return r;
      }
      lut[static_cast<std::size_t>(i)][static_cast<std::size_t>(b)] = static_cast<int>(ink * 1000 + 0.5);
    }
  }

  // A window is over the limit when every pixel in it is: keep, per column, the length of the
  // run of over-limit pixels ending at this row, then look for win_w adjacent columns whose run
  // reaches win_h.
  win_w = std::clamp(win_w, 1, img.width);
  win_h = std::clamp(win_h, 1, img.height);
  std::vector<int> run(static_cast<std::size_t>(img.width), 0);
  for (int y = 0; y < img.height; ++y) {
    const unsigned char* row = img.data.data() + stride * static_cast<std::size_t>(y);
    int streak = 0;
    for (int x = 0; x < img.width; ++x) {
      int tac = 0;
      for (int i = 0; i < n; ++i)
        tac += lut[static_cast<std::size_t>(i)][row[static_cast<std::size_t>(x) * static_cast<std::size_t>(n) + static_cast<std::size_t>(i)]];
      r.max_tac_permille = std::max(r.max_tac_permille, tac);
      int& rx = run[static_cast<std::size_t>(x)];
      rx = tac > limit_permille ? rx + 1 : 0;
      streak = rx >= win_h ? streak + 1 : 0;
      if (streak >= win_w && !r.over) {
        r.over = true;
        r.x = x - win_w + 1;
        r.y = y - win_h + 1;
      }
    }
  }
  return r;
}

}  // namespace paiban::preflight_detail
