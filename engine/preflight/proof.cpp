#include "engine/preflight/proof.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <png.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFLogger.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <tuple>

extern char** environ;

namespace paiban {

namespace fs = std::filesystem;

namespace {

// Owns a png_image's internal state (png_image_free on every path).
class PngImage {
 public:
  PngImage() {
    std::memset(&img_, 0, sizeof img_);
    img_.version = PNG_IMAGE_VERSION;
  }
  ~PngImage() { png_image_free(&img_); }
  PngImage(const PngImage&) = delete;
  PngImage& operator=(const PngImage&) = delete;
  png_image* get() { return &img_; }
  std::string message() const { return img_.message[0] ? img_.message : "libpng error"; }

 private:
  png_image img_;
};

// Runs a program without a shell; returns its exit status and what it wrote to stderr.
int run_program(const std::vector<std::string>& argv, std::string& err) {
  int fds[2];
  if (::pipe(fds) != 0) {
    err = std::strerror(errno);
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    err = fmt::format("cannot run {}: {}", argv[0], std::strerror(rc));
    return -1;
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) err.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int count_pages(const std::string& pdf, std::string& error) {
  try {
    QPDF q;
    auto log = QPDFLogger::create();
    log->setWarn(log->discard());
    log->setInfo(log->discard());
    log->setError(log->discard());
    q.setLogger(log);
    q.setSuppressWarnings(true);
    q.processFile(pdf.c_str());
    return static_cast<int>(QPDFPageDocumentHelper(q).getAllPages().size());
  } catch (const std::exception& e) {
    error = e.what();
    return -1;
  }
}

void draw_box(RgbaImage& img, const PixelRect& r, std::uint8_t cr, std::uint8_t cg, std::uint8_t cb) {
  constexpr int kThickness = 2;
  auto put = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    std::uint8_t* p = &img.pixels[(static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) + static_cast<std::size_t>(x)) * 4];
    p[0] = cr; p[1] = cg; p[2] = cb; p[3] = 255;
  };
  for (int t = 0; t < kThickness; ++t) {
    for (int x = r.x - kThickness; x < r.x + r.w + kThickness; ++x) {
      put(x, r.y - 1 - t);
      put(x, r.y + r.h + t);
    }
    for (int y = r.y - kThickness; y < r.y + r.h + kThickness; ++y) {
      put(r.x - 1 - t, y);
      put(r.x + r.w + t, y);
    }
  }
}

}  // namespace

std::optional<RgbaImage> read_png(const std::string& path, std::string& error) {
  PngImage png;
  if (!png_image_begin_read_from_file(png.get(), path.c_str())) {
    error = png.message();
    return std::nullopt;
  }
  png.get()->format = PNG_FORMAT_RGBA;
  RgbaImage img;
  img.width = static_cast<int>(png.get()->width);
  img.height = static_cast<int>(png.get()->height);
  img.pixels.resize(PNG_IMAGE_SIZE(*png.get()));
  if (!png_image_finish_read(png.get(), nullptr, img.pixels.data(), 0, nullptr)) {
    error = png.message();
    return std::nullopt;
  }
  return img;
}

bool write_png(const std::string& path, const RgbaImage& image, std::string& error) {
  if (image.empty() || image.pixels.size() < static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 4) {
    error = "empty image";
    return false;
  }
  PngImage png;
  png.get()->width = static_cast<png_uint_32>(image.width);
  png.get()->height = static_cast<png_uint_32>(image.height);
  png.get()->format = PNG_FORMAT_RGBA;
  if (!png_image_write_to_file(png.get(), path.c_str(), 0, image.pixels.data(), 0, nullptr)) {
    error = png.message();
    return false;
  }
  return true;
}

ImageDiff diff_images(const RgbaImage& before, const RgbaImage& after, const DiffOptions& options) {
  ImageDiff out;
  out.highlight = after;
  const std::size_t npx = static_cast<std::size_t>(after.width) * static_cast<std::size_t>(after.height);
  // Wash the page out so the marks stand out but the context stays readable.
  for (std::size_t i = 0; i < npx; ++i) {
    std::uint8_t* p = &out.highlight.pixels[i * 4];
    const int grey = (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000;
    const auto washed = static_cast<std::uint8_t>(255 - (255 - grey) / 3);
    p[0] = p[1] = p[2] = washed;
    p[3] = 255;
  }
  if (before.width != after.width || before.height != after.height) {
    out.size_changed = true;
    out.changed.push_back({0, 0, after.width, after.height});
    if (!after.empty()) draw_box(out.highlight, {0, 0, after.width, after.height}, 255, 0, 255);
    return out;
  }
  const int W = after.width, H = after.height;
  const int cell = std::max(1, options.merge_distance_px);
  const int cw = (W + cell - 1) / cell, ch = (H + cell - 1) / cell;
  // Per cell: the tight box of its changed pixels.
  std::vector<PixelRect> cells(static_cast<std::size_t>(cw) * static_cast<std::size_t>(ch), PixelRect{0, 0, 0, 0});
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * static_cast<std::size_t>(W) + static_cast<std::size_t>(x);
      const std::uint8_t* a = &before.pixels[i * 4];
      const std::uint8_t* b = &after.pixels[i * 4];
      int diff = 0;
      for (int c = 0; c < 4; ++c) diff = std::max(diff, std::abs(int(a[c]) - int(b[c])));
      if (diff <= options.tolerance) continue;
      // New ink (darker now) red, removed ink (lighter now) blue.
      const int la = a[0] + a[1] + a[2], lb = b[0] + b[1] + b[2];
      std::uint8_t* p = &out.highlight.pixels[i * 4];
      if (lb <= la) { p[0] = 230; p[1] = 0; p[2] = 0; } else { p[0] = 0; p[1] = 90; p[2] = 255; }
      PixelRect& r = cells[static_cast<std::size_t>(y / cell) * static_cast<std::size_t>(cw) + static_cast<std::size_t>(x / cell)];
      if (r.w == 0) r = {x, y, 1, 1};
      else {
        const int x1 = std::max(r.x + r.w, x + 1), y1 = std::max(r.y + r.h, y + 1);
        r.x = std::min(r.x, x); r.y = std::min(r.y, y);
        r.w = x1 - r.x; r.h = y1 - r.y;
      }
    }
  // Connected components of changed cells (8-neighbourhood): changes within about one cell of
  // each other become one region.
  std::vector<int> label(cells.size(), -1);
  std::vector<PixelRect> regions;
  std::vector<int> stack;
  for (int cy = 0; cy < ch; ++cy)
    for (int cx = 0; cx < cw; ++cx) {
      const int start = cy * cw + cx;
      if (cells[static_cast<std::size_t>(start)].w == 0 || label[static_cast<std::size_t>(start)] >= 0) continue;
      const int id = static_cast<int>(regions.size());
      PixelRect box = cells[static_cast<std::size_t>(start)];
      stack.assign(1, start);
      label[static_cast<std::size_t>(start)] = id;
      while (!stack.empty()) {
        const int c = stack.back();
        stack.pop_back();
        const PixelRect& r = cells[static_cast<std::size_t>(c)];
        const int x1 = std::max(box.x + box.w, r.x + r.w), y1 = std::max(box.y + box.h, r.y + r.h);
        box.x = std::min(box.x, r.x); box.y = std::min(box.y, r.y);
        box.w = x1 - box.x; box.h = y1 - box.y;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int nx = c % cw + dx, ny = c / cw + dy;
            if (nx < 0 || ny < 0 || nx >= cw || ny >= ch) continue;
            const int nc = ny * cw + nx;
            if (cells[static_cast<std::size_t>(nc)].w == 0 || label[static_cast<std::size_t>(nc)] >= 0) continue;
            label[static_cast<std::size_t>(nc)] = id;
            stack.push_back(nc);
          }
      }
      regions.push_back(box);
    }
  // Regions whose boxes overlap are one change for a reader: merge until stable.
  for (bool merged = true; merged;) {
    merged = false;
    for (std::size_t i = 0; i < regions.size() && !merged; ++i)
      for (std::size_t j = i + 1; j < regions.size() && !merged; ++j) {
        const PixelRect &a = regions[i], &b = regions[j];
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) {
          const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
          const int x1 = std::max(a.x + a.w, b.x + b.w), y1 = std::max(a.y + a.h, b.y + b.h);
          regions[i] = {x0, y0, x1 - x0, y1 - y0};
          regions.erase(regions.begin() + static_cast<std::ptrdiff_t>(j));
          merged = true;
        }
      }
  }
  std::sort(regions.begin(), regions.end(), [](const PixelRect& a, const PixelRect& b) {
    return std::tie(a.y, a.x, a.h, a.w) < std::tie(b.y, b.x, b.h, b.w);
  });
  for (const auto& r : regions) draw_box(out.highlight, r, 255, 0, 255);
  out.changed = std::move(regions);
  return out;
}

bool ProofReport::any_changed() const {
  return std::any_of(pages.begin(), pages.end(), [](const PageProof& p) { return p.changed; });
}

void ProofReport::dump(std::ostream& os) const {
  const double mm_per_px = 25.4 / std::max(1, dpi);
  for (const auto& p : pages) {
    os << "page " << p.page << ": ";
    if (p.baseline.empty()) {
      os << "no baseline\n";
      continue;
    }
    if (!p.changed) {
      os << "unchanged\n";
      continue;
    }
    os << "changed " << p.changes.size() << " region" << (p.changes.size() == 1 ? "" : "s") << ":";
    for (std::size_t i = 0; i < p.changes.size(); ++i) {
      const auto& r = p.changes[i];
      os << (i ? "; " : " ")
         << fmt::format("{},{} {}×{} px ({:.1f},{:.1f} mm {:.1f}×{:.1f} mm)", r.x, r.y, r.w, r.h, r.x * mm_per_px, r.y * mm_per_px,
                        r.w * mm_per_px, r.h * mm_per_px);
    }
    os << '\n';
  }
}

ProofReport proof(const std::string& pdf_path, const std::string& out_dir, const ProofOptions& options, Diagnostics& diags) {
  ProofReport report;
  report.file = pdf_path;
  report.dpi = options.dpi;
  auto fail = [&](const std::string& code, const std::string& msg) {
    diags.error("proof." + code, SourceLoc(pdf_path), msg);
    return report;
  };
  if (options.dpi < 10 || options.dpi > 2400) return fail("dpi", fmt::format("dpi {} outside 10‥2400", options.dpi));
  std::string err;
  const int pages = count_pages(pdf_path, err);
  if (pages < 0) return fail("open", "cannot read the PDF: " + err);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return fail("output", fmt::format("cannot create {}: {}", out_dir, ec.message()));

  const std::string stem = fs::path(pdf_path).stem().string();
  report.ok = true;
  for (int page = 1; page <= pages; ++page) {
    PageProof pp;
    pp.page = page;
    const std::string name = fmt::format("{}-{}", stem, page);
    pp.png = (fs::path(out_dir) / (name + ".png")).string();
    const std::string tmp_prefix = (fs::path(out_dir) / (".tmp-" + name)).string();
    std::string perr;
    const int rc = run_program({options.pdftoppm, "-png", "-r", std::to_string(options.dpi), "-f", std::to_string(page), "-l",
                                std::to_string(page), "-singlefile", pdf_path, tmp_prefix},
                               perr);
    const std::string tmp = tmp_prefix + ".png";
    if (rc != 0 || !fs::exists(tmp)) {
      while (!perr.empty() && (perr.back() == '\n' || perr.back() == '\r')) perr.pop_back();
      diags.error("proof.render", SourceLoc::on_page(std::to_string(page)),
                  fmt::format("{}: pdftoppm failed (exit {}): {}", pdf_path, rc, perr));
      fs::remove(tmp, ec);
      report.ok = false;
      continue;
    }
    if (options.diff_against) {
      const std::string base = (fs::path(*options.diff_against) / (name + ".png")).string();
      const std::string diff_path = (fs::path(out_dir) / (name + "-diff.png")).string();
      if (fs::exists(base)) {
        pp.baseline = base;
        std::string e1, e2;
        auto before = read_png(base, e1);
        auto after = read_png(tmp, e2);
        if (!before || !after) {
          diags.error("proof.png", SourceLoc::on_page(std::to_string(page)),
                      fmt::format("{}: cannot read {}: {}", pdf_path, before ? tmp : base, before ? e2 : e1));
          report.ok = false;
        } else {
          auto d = diff_images(*before, *after, options.diff);
          pp.changed = d.changed_any();
          pp.changes = d.changed;
          if (pp.changed) {
            std::string werr;
            if (write_png(diff_path, d.highlight, werr)) pp.diff_png = diff_path;
            else {
              diags.error("proof.output", SourceLoc::on_page(std::to_string(page)), fmt::format("cannot write {}: {}", diff_path, werr));
              report.ok = false;
            }
          } else {
            fs::remove(diff_path, ec);  // a stale diff from an earlier run would mislead
          }
        }
      }
    }
    fs::rename(tmp, pp.png, ec);
    if (ec) {
      diags.error("proof.output", SourceLoc::on_page(std::to_string(page)), fmt::format("cannot write {}: {}", pp.png, ec.message()));
      report.ok = false;
    }
    report.pages.push_back(std::move(pp));
  }
  return report;
}

}  // namespace paiban
