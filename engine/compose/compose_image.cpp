// Images: pixel size and resolution from the file header (no decoding), placement by fit mode,
// captions on whole body lines under the picture (rule book §6: pictures take whole lines).
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <vector>

#include "engine/compose/compose_internal.h"

namespace paiban {
namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}
std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// PNG: IHDR is the first chunk (width, height); pHYs, when present before IDAT, gives pixels per
// metre (unit 1). ISO/IEC 15948 §11.2.2, §11.3.5.3.
std::optional<ImageInfo> read_png(std::ifstream& in) {
  unsigned char head[8];
  ImageInfo info;
  bool have_size = false;
  while (in.read(reinterpret_cast<char*>(head), 8)) {
    const std::uint32_t len = be32(head);
    const std::string type(reinterpret_cast<char*>(head + 4), 4);
    if (type == "IDAT" || type == "IEND") break;
    if (len > (1u << 24)) return std::nullopt;
    std::vector<unsigned char> data(len + 4);  // + CRC
    if (!in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size()))) break;
    if (type == "IHDR" && len >= 8) {
      info.width = static_cast<int>(be32(data.data()));
      info.height = static_cast<int>(be32(data.data() + 4));
      have_size = true;
    } else if (type == "pHYs" && len >= 9 && data[8] == 1) {
      info.dpi_x = be32(data.data()) * 0.0254;
      info.dpi_y = be32(data.data() + 4) * 0.0254;
    }
  }
  if (!have_size || info.width <= 0 || info.height <= 0) return std::nullopt;
  return info;
}

// JPEG: walk the marker segments up to the frame header SOFn (ITU T.81 §B.2.2); JFIF APP0 gives
// the density (units 1 = dpi, 2 = dots per cm).
std::optional<ImageInfo> read_jpeg(std::ifstream& in) {
  ImageInfo info;
  while (true) {
    int c = in.get();
    if (c == EOF) return std::nullopt;
    if (c != 0xFF) continue;
    int marker = in.get();
    while (marker == 0xFF) marker = in.get();
    if (marker == EOF || marker == 0xD9 || marker == 0xDA) return std::nullopt;  // EOI / SOS before SOF
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;        // no length
    unsigned char lenb[2];
    if (!in.read(reinterpret_cast<char*>(lenb), 2)) return std::nullopt;
    const int len = be16(lenb);
    if (len < 2) return std::nullopt;
    std::vector<unsigned char> seg(len - 2);
    if (!in.read(reinterpret_cast<char*>(seg.data()), static_cast<std::streamsize>(seg.size()))) return std::nullopt;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof && seg.size() >= 5) {
      info.height = be16(seg.data() + 1);
      info.width = be16(seg.data() + 3);
      if (info.width <= 0 || info.height <= 0) return std::nullopt;
      return info;
    }
    if (marker == 0xE0 && seg.size() >= 12 && std::string(reinterpret_cast<char*>(seg.data()), 5) == std::string("JFIF\0", 5)) {
      const int units = seg[7];
      const double dx = be16(seg.data() + 8), dy = be16(seg.data() + 10);
      if (units == 1) info.dpi_x = dx, info.dpi_y = dy;
      else if (units == 2) info.dpi_x = dx * 2.54, info.dpi_y = dy * 2.54;
    }
  }
}

}  // namespace

std::optional<ImageInfo> read_image_info(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  unsigned char sig[8] = {};
  in.read(reinterpret_cast<char*>(sig), 8);
  static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (in.gcount() == 8 && std::equal(sig, sig + 8, png)) return read_png(in);
  if (in.gcount() >= 2 && sig[0] == 0xFF && sig[1] == 0xD8) {
    in.clear();
    in.seekg(2);
    return read_jpeg(in);
  }
  return std::nullopt;
}

Rect image_placement(const Rect& frame, const ImageInfo& info, ImageSpec::Fit fit) {
  if (info.width <= 0 || info.height <= 0) return frame;
  const std::int64_t iw = info.width, ih = info.height;
  Sp w = frame.w, h = frame.h;
  // frame.w / frame.h against iw / ih, compared exactly as frame.w·ih against frame.h·iw.
  const bool frame_wider = static_cast<__int128>(frame.w) * ih > static_cast<__int128>(frame.h) * iw;
  switch (fit) {
    case ImageSpec::Fit::Fit:
      if (frame_wider) w = scale_sp(frame.h, iw, ih);
      else h = scale_sp(frame.w, ih, iw);
      break;
    case ImageSpec::Fit::Fill:
      if (frame_wider) h = scale_sp(frame.w, ih, iw);
      else w = scale_sp(frame.h, iw, ih);
      break;
    case ImageSpec::Fit::Crop: {
      // Natural size: one pixel is 1/dpi inch; files that do not say are taken at 72 dpi, the PDF
      // user unit, so a pixel is a point.
      const double dx = info.dpi_x > 0 ? info.dpi_x : 72.0, dy = info.dpi_y > 0 ? info.dpi_y : 72.0;
      w = sp_from_pt(info.width * 72.0 / dx);
      h = sp_from_pt(info.height * 72.0 / dy);
      break;
    }
  }
  return {frame.x + (frame.w - w) / 2, frame.y + (frame.h - h) / 2, w, h};
}

namespace compose_detail {

// The PDF stage holds an image decoded (3 bytes a pixel) and separated to CMYK (4 bytes) at once,
// for each page written in parallel; a 20,000 × 20,000 px file would take 2.8 GB. A whole
// broadsheet page (390 × 540 mm) at 400 ppi, the top of the checklist's range, is ≈ 52 Mpx:
// 100 Mpx leaves twice that and keeps one image under 700 MB.
constexpr std::int64_t kMaxImagePixels = 100'000'000;

void place_image(Context& ctx, PageCanvas& canvas, const ImageSpec& spec) {
  Rect frame = spec.rect;
  if (!spec.caption.empty()) {
    const GridMetrics g = ctx.grid(*canvas.spec);
    const Style& cs = ctx.style(spec.caption_style, spec.loc);
    ParagraphStyle ps = ctx.paragraph_style(cs);
    const SetText caption = set_text(ctx, split_lines(spec.caption), ps, spec.rect.w, spec.loc);
    const Sp leading = cs.leading > 0 ? cs.leading : cs.size;
    const Sp content = caption.height(cs.size, leading);
    // The caption takes whole body lines at the bottom of the image's area, content centred.
    const Sp block = g.pitch > 0 ? grid_lines_for(content, g) * g.pitch : content;
    frame.h = std::max<Sp>(0, frame.h - block);
    Sp em_top = frame.bottom() + (block - content) / 2;
    const Sp ascent = ctx.ascent(cs);
    for (std::size_t p = 0; p < caption.paragraphs.size(); ++p)
      for (const Line& line : caption.lines[p].lines) {
        emit_line(canvas, caption.paragraphs[p], line, {spec.rect.x, em_top + ascent}, cs.colour,
                  "caption:" + spec.id, p, 0);
        em_top += leading;
      }
  }
  if (frame.empty()) {
    ctx.diags.warning("compose.image-no-room", spec.loc, "image '" + spec.path + "' has no room left above its caption",
                      "make the image area taller");
    return;
  }
  // Image errors carry the page as well as the descriptor position: a plate with a hole where the
  // picture belongs must not replace last night's (the CLI skips pages with located errors).
  SourceLoc where = spec.loc;
  where.page = canvas.spec->label;
  const auto info = read_image_info(spec.path);
  if (!info) {
    ctx.diags.error("compose.image-unreadable", where,
                    "cannot read the size of image '" + spec.path + "' (not a readable PNG or JPEG)",
                    "check the path and the file format");
    // A keyline where the picture belongs, so proofs show the hole.
    canvas.add(Layer::Image, BoxItem{frame, std::nullopt, Cmyk::black(), sp_from_pt(0.5)});
    return;
  }
  if (static_cast<std::int64_t>(info->width) * info->height > kMaxImagePixels) {
    ctx.diags.error("compose.image-too-large", where,
                    "image '" + spec.path + "' is " + std::to_string(info->width) + "×" + std::to_string(info->height) +
                        " px, more than " + std::to_string(kMaxImagePixels / 1000000) + " megapixels",
                    "scale it down to the resolution the press needs (≈ 300 ppi at its printed size)");
    canvas.add(Layer::Image, BoxItem{frame, std::nullopt, Cmyk::black(), sp_from_pt(0.5)});
    return;
  }
  canvas.add(Layer::Image, ImageItem{frame, image_placement(frame, *info, spec.fit), spec.path});
}

}  // namespace compose_detail
}  // namespace paiban
