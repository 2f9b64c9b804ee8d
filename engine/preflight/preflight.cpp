// Preflight entry point and report forms. The check groups live in check_*.cpp; this file opens
// the PDF, runs them in checklist order and sorts what they found.
#include "engine/preflight/preflight.h"

#include <fmt/format.h>
#include <qpdf/QPDFExc.hh>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>
#include <ostream>

#include "engine/preflight/internal.h"

namespace paiban {

using namespace preflight_detail;

bool is_known_pdfx_standard(std::string_view s) { return s == kPdfX1a2001 || s == kPdfX1a2003 || s == kPdfX4; }

namespace {

const char* level_word(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

// Checklist order: 8.1 file (P), 8.2 geometry (G), 8.3 colour (C), 8.4 fonts (F), 8.5 images (I).
int section_rank(const std::string& id) {
  static const std::string order = "PGCFI";
  const auto p = id.empty() ? std::string::npos : order.find(id[0]);
  return p == std::string::npos ? 9 : static_cast<int>(p);
}

std::string mm1(Sp v) { return fmt::format("{:.1f}", std::round(mm_from_sp(v) * 10) / 10 + 0.0); }

double pt3(Sp v) { return std::round(pt_from_sp(v) * 1000) / 1000; }

}  // namespace

std::string Finding::format() const {
  std::string s;
  if (page > 0) s += fmt::format("page {}: ", page);
  s += fmt::format("{}[{}]: {}", level_word(level), id, message);
  if (where) s += fmt::format(" [at x={} y={} mm, {}×{} mm]", mm1(where->x), mm1(where->y), mm1(where->w), mm1(where->h));
  if (count > 1) s += fmt::format(" (×{})", count);
  return s;
}

bool PreflightReport::passed() const { return count(Severity::Error) == 0; }

std::size_t PreflightReport::count(Severity level) const {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.level == level; }));
}

std::size_t PreflightReport::count(std::string_view id) const {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; }));
}

std::size_t PreflightReport::count(std::string_view id, Severity level) const {
  return static_cast<std::size_t>(std::count_if(
      findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id && f.level == level; }));
}

const Finding* PreflightReport::first(std::string_view id) const {
  for (const auto& f : findings)
    if (f.id == id) return &f;
  return nullptr;
}

std::string PreflightReport::summary() const {
  auto n = [](std::size_t v, const char* word) { return fmt::format("{} {}{}", v, word, v == 1 ? "" : "s"); };
  return fmt::format("{}: {}, {}, {}, {} — {}", standard, n(static_cast<std::size_t>(pages), "page"),
                     n(count(Severity::Error), "error"), n(count(Severity::Warning), "warning"), n(count(Severity::Note), "note"),
                     passed() ? "passed" : "failed");
}

void PreflightReport::dump(std::ostream& os) const {
  for (const auto& f : findings) os << f.format() << '\n';
  os << summary() << '\n';
}

nlohmann::json PreflightReport::to_json() const {
  nlohmann::json j;
  j["file"] = file;
  j["standard"] = standard;
  j["pages"] = pages;
  j["passed"] = passed();
  j["errors"] = count(Severity::Error);
  j["warnings"] = count(Severity::Warning);
  j["notes"] = count(Severity::Note);
  auto arr = nlohmann::json::array();
  for (const auto& f : findings) {
    nlohmann::json o;
    o["id"] = f.id;
    o["level"] = level_word(f.level);
    o["page"] = f.page;
    if (f.where) o["where"] = {{"x", pt3(f.where->x)}, {"y", pt3(f.where->y)}, {"w", pt3(f.where->w)}, {"h", pt3(f.where->h)}};
    o["message"] = f.message;
    o["count"] = f.count;
    arr.push_back(std::move(o));
  }
  j["findings"] = std::move(arr);
  return j;
}

void PreflightReport::report(Diagnostics& diags) const {
  for (const auto& f : findings) {
    SourceLoc loc(file);
    if (f.page > 0) loc.page = std::to_string(f.page);
    std::string msg = f.message;
    if (f.count > 1) msg += fmt::format(" (×{})", f.count);
    diags.add({f.level, "preflight." + f.id, loc, std::move(msg), {}});
  }
}

namespace preflight_detail {

void FindingSink::add(const std::string& id, Severity level, int page, const std::optional<Box>& where,
                      std::string message, const std::string& fold_key) {
  if (!fold_key.empty()) {
    auto key = std::make_tuple(page, id, fold_key);
    auto it = folded_.find(key);
    if (it != folded_.end()) {
      ++list_[it->second].count;
      return;
    }
    folded_[key] = list_.size();
  }
  Finding f;
  f.id = id;
  f.level = level;
  f.page = page;
  f.message = std::move(message);
  if (where && where->valid) {
    double ox = 0, oy = 0;
    if (auto o = origin_.find(page); o != origin_.end()) std::tie(ox, oy) = o->second;
    // PDF user space (y up) → engine page space (trim top-left, y down); sp at this edge only.
    f.where = Rect{sp_from_pt(where->x0 - ox), sp_from_pt(oy - where->y1), sp_from_pt(where->width()),
                   sp_from_pt(where->height())};
  }
  list_.push_back(std::move(f));
}

std::vector<Finding> FindingSink::take() {
  folded_.clear();
  return std::move(list_);
}

std::string object_label(QPDFObjectHandle h) {
  if (h.isIndirect()) return fmt::format("{} {} R", h.getObjectID(), h.getGeneration());
  return "direct object";
}

std::string name_of(QPDFObjectHandle h) {
  if (h.isName()) return h.getName();
  if (h.isString()) return h.getUTF8Value();
  return {};
}

std::vector<std::string> filters_of(QPDFObjectHandle dict) {
  std::vector<std::string> out;
  if (!dict.isDictionary()) return out;
  auto f = dict.getKey("/Filter");
  if (f.isNull() && dict.hasKey("/F") && !dict.getKey("/F").isDictionary()) f = dict.getKey("/F");  // inline image
  if (f.isName()) out.push_back(f.getName());
  else if (f.isArray())
    for (auto& e : f.aitems())
      if (e.isName()) out.push_back(e.getName());
  return out;
}

std::optional<Box> box_of(QPDFObjectHandle a) {
  if (!a.isArray() || a.getArrayNItems() != 4) return std::nullopt;
  double v[4];
  for (int i = 0; i < 4; ++i) {
    auto e = a.getArrayItem(i);
    if (!e.isNumber()) return std::nullopt;
    v[i] = e.getNumericValue();
  }
  return Box::of(v[0], v[1], v[2], v[3]);
}

std::shared_ptr<QPDFLogger> silent_logger() {
  auto log = QPDFLogger::create();
  log->setInfo(log->discard());
  log->setWarn(log->discard());
  log->setError(log->discard());
  return log;
}

std::string fmt_num(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace preflight_detail

struct PreflightCache::Impl {
  struct Seen {
    std::shared_ptr<const std::string> raw;     // shared: compared outside the lock
    std::shared_ptr<const std::string> decoded;  // kept for streams a check reads (profiles)
  };
  mutable std::mutex mu;
  // (filters, size) → streams that decoded cleanly.
  std::map<std::pair<std::string, std::size_t>, std::vector<Seen>> decoded;
  mutable std::size_t hits = 0;
  // (filters, size) being decoded by one caller; others wait on decoding_done.
  std::set<std::pair<std::string, std::size_t>> decoding;
  std::condition_variable decoding_done;

  const Seen* find(std::string_view filters, std::string_view raw) const {  // mu held
    auto it = decoded.find({std::string(filters), raw.size()});
    if (it == decoded.end()) return nullptr;
    for (const Seen& seen : it->second)
      if (*seen.raw == raw) return &seen;
    return nullptr;
  }
};

PreflightCache::PreflightCache() : impl_(std::make_unique<Impl>()) {}
PreflightCache::~PreflightCache() = default;

bool PreflightCache::decoded_before(std::string_view filters, std::size_t raw_size,
                                    const std::function<bool(std::string_view known)>& same) {
  const std::pair<std::string, std::size_t> key{std::string(filters), raw_size};
  std::size_t compared = 0;  // entries of the key compared so far (the lists only grow)
  std::unique_lock lock(impl_->mu);
  for (;;) {
    std::vector<std::shared_ptr<const std::string>> fresh;
    if (auto it = impl_->decoded.find(key); it != impl_->decoded.end())
      for (std::size_t k = compared; k < it->second.size(); ++k) fresh.push_back(it->second[k].raw);
    if (!fresh.empty()) {
      compared += fresh.size();
      lock.unlock();  // comparing a megabyte needs no lock
      bool hit = false;
      for (const auto& known : fresh)
        if (same(*known)) {
          hit = true;
          break;
        }
      lock.lock();
      if (hit) {
        ++impl_->hits;
        return true;
      }
      continue;  // entries may have come meanwhile
    }
    if (impl_->decoding.insert(key).second) return false;  // this caller decodes it
    impl_->decoding_done.wait(lock);
  }
}

void PreflightCache::done_decoding(std::string_view filters, std::size_t raw_size) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->decoding.erase({std::string(filters), raw_size});
  }
  impl_->decoding_done.notify_all();
}

void PreflightCache::remember(std::string_view filters, std::string_view raw) {
  if (raw.size() < kMinBytes) return;
  std::lock_guard lock(impl_->mu);
  if (impl_->find(filters, raw)) return;
  impl_->decoded[{std::string(filters), raw.size()}].push_back({std::make_shared<const std::string>(raw), nullptr});
}

std::shared_ptr<const std::string> PreflightCache::decoded(std::string_view filters, std::string_view raw) const {
  std::lock_guard lock(impl_->mu);
  const Impl::Seen* seen = impl_->find(filters, raw);
  if (seen && seen->decoded) ++impl_->hits;
  return seen ? seen->decoded : nullptr;
}

void PreflightCache::remember_decoded(std::string_view filters, std::string_view raw,
                                      std::shared_ptr<const std::string> data) {
  if (raw.size() < kMinBytes) return;
  std::lock_guard lock(impl_->mu);
  auto& list = impl_->decoded[{std::string(filters), raw.size()}];
  for (Impl::Seen& seen : list)
    if (*seen.raw == raw) {
      seen.decoded = std::move(data);
      return;
    }
  list.push_back({std::make_shared<const std::string>(raw), std::move(data)});
}

std::size_t PreflightCache::hits() const {
  std::lock_guard lock(impl_->mu);
  return impl_->hits;
}

// `bytes`: the file's content when already in memory (empty: read `pdf_path`).
static PreflightReport run_preflight(const std::string& pdf_path, std::string_view bytes, const PreflightOptions& options,
                                     PreflightCache* cache);

PreflightReport preflight(const std::string& pdf_path, const PreflightOptions& options) {
  return run_preflight(pdf_path, {}, options, nullptr);
}

PreflightReport preflight(const std::string& pdf_path, const PreflightOptions& options, PreflightCache& cache) {
  return run_preflight(pdf_path, {}, options, &cache);
}

PreflightReport preflight_bytes(const std::string& pdf_path, std::string_view bytes, const PreflightOptions& options,
                                PreflightCache& cache) {
  return run_preflight(pdf_path, bytes, options, &cache);
}

static PreflightReport run_preflight(const std::string& pdf_path, std::string_view bytes, const PreflightOptions& options,
                                     PreflightCache* cache) {
  PreflightReport report;
  report.file = pdf_path;
  report.standard = options.standard;
  FindingSink sink;
  if (!is_known_pdfx_standard(options.standard)) {
    sink.add("P03", Severity::Error, 0, std::nullopt,
             fmt::format("unknown standard '{}' configured (known: {}, {}, {})", options.standard, kPdfX1a2001,
                         kPdfX1a2003, kPdfX4));
    report.findings = sink.take();
    return report;
  }

  QPDF pdf;
  pdf.setLogger(silent_logger());  // a stage does not print (DEVELOPERS.md); P01 reports warnings
  pdf.setSuppressWarnings(true);
  try {
    open_pdf(pdf, pdf_path, bytes);
  } catch (const std::exception& e) {
    sink.add("P01", Severity::Error, 0, std::nullopt, fmt::format("cannot open the PDF: {}", e.what()));
    report.findings = sink.take();
    return report;
  }

  Context ctx{pdf, options, sink, {}, options.standard != kPdfX4, cache, {}, bytes};
  // Each group is fenced: a damaged object that makes qpdf throw stops that group only, and the
  // file cannot pass (P01 reports it).
  auto fenced = [&](const char* what, auto&& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      sink.add("P01", Severity::Error, 0, std::nullopt, fmt::format("{} could not be checked: {}", what, e.what()));
    }
  };
  fenced("page tree", [&] { read_pages(ctx); });
  report.pages = static_cast<int>(ctx.pages.size());
  if (options.qpdf_check) fenced("file structure", [&] { check_qpdf(ctx); });
  fenced("document structure", [&] { check_document(ctx); });
  fenced("page geometry", [&] { check_geometry(ctx); });
  fenced("resources", [&] { check_resources(ctx); });
  // Warnings qpdf raises while parsing page contents (damaged operands it skipped) are P01: the
  // content was not what the file says. Earlier warnings (file structure) are check_qpdf's.
  (void)pdf.getWarnings();
  fenced("page content", [&] { check_content(ctx); });
  for (const auto& w : pdf.getWarnings())
    sink.add("P01", Severity::Error, 0, std::nullopt, "qpdf: " + std::string(w.what()));

  report.findings = sink.take();
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    auto key = [](const Finding& f) {
      const Sp y = f.where ? f.where->y : -1, x = f.where ? f.where->x : -1;
      return std::make_tuple(f.page, section_rank(f.id), std::string_view(f.id), y, x);
    };
    return key(a) < key(b);
  });
  return report;
}

}  // namespace paiban
