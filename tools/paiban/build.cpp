// `paiban build EDITION.toml -o OUTDIR`: the nightly run. Reads as the pipeline:
// descriptor → articles → fonts → compose (analyse, shape, break, flow, place) → PDF plates
// (one file per page, in parallel) → preflight → proofs → report.json.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unistd.h>
#ifdef PAIBAN_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif defined(__GLIBC__)
#include <malloc.h>
#endif

#include "engine/article/article.h"
#include "engine/base/atomic_file.h"
#include "engine/base/parallel.h"
#include "engine/compose/compose.h"
#include "engine/descriptor/descriptor.h"
#include "engine/fonts/fonts.h"
#include "engine/pdf/pdf.h"
#include "engine/preflight/preflight.h"
#include "engine/preflight/proof.h"
#include "tools/paiban/commands.h"
#include "tools/paiban/common.h"

namespace paiban::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct BuildArgs {
  std::string edition, out;
  int jobs = 0;
  bool allow_overset = false, strict = false, proofs = false, no_preflight = false, quiet = false;
  std::string diff_against;
  int proof_dpi = 100;
};

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Default output intent for PDF/X when the descriptor names no profile: Ghostscript's CMYK
// profile from Debian (checklist: "reference it from the installed package, do not commit it").
std::string default_output_profile() {
  for (const char* p : {"/usr/share/color/icc/ghostscript/default_cmyk.icc", "/usr/share/color/icc/ghostscript/ps_cmyk.icc"})
    if (fs::exists(p)) return p;
  return {};
}

struct PageOutcome {
  bool written = false;
  bool input_failed = false;  // refused because of bad input found while writing (exit 1)
  std::string file;
  double write_ms = 0, preflight_ms = 0;
  std::optional<PreflightReport> preflight;
  std::optional<ProofReport> proof;
  Diagnostics diags;
  Diagnostics file_diags;  // the file system's (FileCommitter's thread)
};

// Writes finished plates to disk on threads of its own, taken in the order given: write_pdf_file's
// temporary file, fsync and rename wait for the disk (~1.2 MB per plate), and the page writers go
// on making and checking the next plates meanwhile instead of waiting. Several plates are
// committed at once: their fsyncs share the file system's journal commits and keep the disk's
// queue full (16 plates of 1.2 MB here: 76–114 ms one at a time, 61–68 ms four at a time).
class FileCommitter {
 public:
  static constexpr unsigned kThreads = 4;  // they wait for the disk, not for a core
  explicit FileCommitter(std::vector<PageOutcome>& outcomes) : outcomes_(outcomes) {
    for (unsigned k = 0; k < kThreads; ++k) threads_.emplace_back([this] { run(); });
  }
  ~FileCommitter() { finish(); }
  void submit(std::size_t page, std::shared_ptr<const std::string> bytes) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back({page, std::move(bytes)});
    }
    cv_.notify_one();
  }
  // Waits until every plate submitted is on disk (or has failed).
  void finish() {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  void run() {
    for (;;) {
      std::pair<std::size_t, std::shared_ptr<const std::string>> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      PageOutcome& o = outcomes_[job.first];
      o.written = write_pdf_file(o.file, *job.second, o.file_diags);
    }
  }
  std::vector<PageOutcome>& outcomes_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::size_t, std::shared_ptr<const std::string>>> queue_;
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

// Problems the PDF stage finds in its *input*: a picture that only decoding shows to be truncated
// or corrupt. Bad input is exit 1 and skips the page, like an error found while composing; it is
// not an I/O failure (exit 4) even though the plate could not be written.
bool is_input_problem(const std::string& code) {
  return code == "pdf.image-unreadable" || code == "pdf.image-unsupported";
}

nlohmann::json diag_json(const Diagnostic& d) {
  nlohmann::json j = {{"severity", d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "note"},
                      {"code", d.code},
                      {"message", d.message}};
  if (!d.hint.empty()) j["hint"] = d.hint;
  if (!d.loc.file.empty()) j["file"] = d.loc.file;
  if (d.loc.line > 0) j["line"] = d.loc.line;
  if (d.loc.column > 0) j["column"] = d.loc.column;
  if (d.loc.byte_offset >= 0) j["byte_offset"] = d.loc.byte_offset;
  if (!d.loc.page.empty()) j["page"] = d.loc.page;
  return j;
}

// Whether every glyph the pages show is among `glyphs` (a bitmap per face: pages show ~100,000
// glyphs of a few thousand ids).
bool shows_only(const std::vector<Page>& pages, const GlyphsByFace& glyphs) {
  std::map<FaceId, std::vector<bool>> in;
  for (const auto& [face, list] : glyphs) {
    std::vector<bool>& v = in[face];
    if (!list.empty()) v.resize(list.back() + 1);
    for (std::uint32_t g : list) v[g] = true;
  }
  for (const Page& page : pages)
    for (const DisplayItem& item : page.items)
      if (const auto* run = std::get_if<GlyphRunItem>(&item)) {
        if (run->glyphs.empty()) continue;
        const auto it = in.find(run->face);
        if (it == in.end()) return false;
        for (const PlacedGlyph& g : run->glyphs)
          if (g.gid >= it->second.size() || !it->second[g.gid]) return false;
      }
  return true;
}

// Hands the memory the allocator keeps for reuse back to the kernel. Called while the cores
// would otherwise wait (for the disk), so that the process's exit, which must unmap every page
// it still holds before the caller sees it end (≈ 12 ms for 85 MB here), has less to do:
// 14 idle pairs 0.265 → 0.258 s wall median for the 16-page bench edition.
void release_free_memory() {
#ifdef PAIBAN_JEMALLOC
  const std::string purge_all = "arena." + std::to_string(MALLCTL_ARENAS_ALL) + ".purge";
  mallctl(purge_all.c_str(), nullptr, nullptr, nullptr, 0);
#elif defined(__GLIBC__)
  malloc_trim(0);
#endif
}

int run_build(const BuildArgs& a) {
  const auto t_start = Clock::now();
  Diagnostics diags;
  nlohmann::json timing;

  // The font roles and faces do not depend on the edition: they are read on another thread while
  // the descriptor and articles are read on this one (step 3 waits for them).
  Diagnostics font_diags;
  std::optional<FontSet> font_set;
  std::jthread font_loading([&] { font_set.emplace(FontRoles::load(FontRoles::default_path(), font_diags)); });

  // 1. Descriptor. A broken descriptor writes nothing at all.
  auto t = Clock::now();
  std::optional<Edition> edition = load_edition(a.edition, diags);
  timing["descriptor_ms"] = ms_since(t);
  if (!edition) return finish(diags, kExitInput);

  PdfOptions po = pdf_options_from_env();
  if (auto st = parse_pdf_standard(edition->output.standard)) po.standard = *st;
  po.output_profile = edition->output.profile.empty() ? default_output_profile() : edition->output.profile;
  po.output_condition_identifier = edition->output.output_condition;
  po.max_total_ink_percent = edition->output.ink_limit;
  FontSubsetCache subsets;
  // The output profile (read, checked, deflated once per build) is prepared on another thread
  // while the articles and fonts are read on this one; the writers report its problems, if any.
  std::jthread profiling;  // joined before writing, or when leaving early
  if (po.standard != PdfStandard::None && !po.output_profile.empty())
    profiling = std::jthread([&] {
      Diagnostics reported_by_the_writers;
      subsets.output_profile(po.output_profile, po.standard, reported_by_the_writers);
    });

  // 2. Articles.
  t = Clock::now();
  std::map<std::string, Article> articles;
  for (const StorySpec& s : edition->stories)
    if (auto art = read_article(s.article, diags)) articles.emplace(s.id, std::move(*art));
  timing["articles_ms"] = ms_since(t);

  // 3. Fonts (waiting for them).
  t = Clock::now();
  font_loading.join();
  diags.append(font_diags);
  FontSet& fonts = *font_set;
  timing["fonts_ms"] = ms_since(t);

  // 4. Compose every page (analysis, shaping, breaking, flow, furniture, jump lines). Once the
  // text is shaped, the edition's font subsets (hb-subset once per face, then deflated) are
  // made on other threads while the stories are flowed: the glyphs shaped are the glyphs the
  // pages will use, checked after composition (below).
  t = Clock::now();
  // report.json's timeline. Declared before the thread that writes them: it is joined (when
  // leaving early, by its destructor) before they go.
  std::atomic<double> shaped_at_ms{-1}, subsets_ready_at_ms{-1};
  std::jthread subsetting;  // joined before writing, or when leaving early
  ComposeHooks hooks;
  GlyphsByFace shaped;
  hooks.glyphs_shaped = [&](GlyphsByFace glyphs) {
    shaped_at_ms = ms_since(t_start);
    shaped = std::move(glyphs);
    subsets.set_edition_glyphs(GlyphUsage(shaped));
    subsetting = std::jthread([&, work = subsets.prepare_edition_in_background(fonts, po.compress)]() mutable {
      work.join();
      subsets_ready_at_ms = ms_since(t_start);
    });
  };
  ComposedEdition composed = compose(*edition, articles, fonts, diags, hooks);
  timing["compose_ms"] = ms_since(t);
  articles.clear();  // the pages carry what the plates and the report need (their memory is reused)
#if defined(__GLIBC__) && !defined(PAIBAN_JEMALLOC)
  // Composition's working data (prepared paragraphs, line sets: most of the peak) is freed by now,
  // but glibc keeps it in the main thread's arena, which the page writers' threads do not use.
  // Hand it back so the PDF phase's memory does not stack on top of it. (jemalloc, the default
  // build's malloc, lets every thread reuse freed memory and returns it to the kernel itself.)
  malloc_trim(0);
#endif

  // Diagnostics raised so far that make a page unfit for the plate: any error located on it.
  // Overset is a story error; with --allow-overset the pages are still plates.
  std::set<std::string> failed_pages;
  bool overset = false;
  // An error in a story's article file (invalid UTF-8 replaced by U+FFFD, a character no font
  // has, broken front matter) damages that story's text on every page it reaches: those pages are
  // not plates either. Overset is the story's length, not damage (--allow-overset decides).
  std::map<std::string, std::set<std::string>> pages_of_article;
  for (const StoryReport& sr : composed.report.stories)
    for (const StorySpec& s : edition->stories)
      if (s.id == sr.story) {
        auto& labels = pages_of_article[s.article];
        labels.insert(sr.pages.begin(), sr.pages.end());
        if (!sr.stopped_page.empty()) labels.insert(sr.stopped_page);
      }
  for (const Diagnostic& d : diags.all()) {
    if (d.severity != Severity::Error) continue;
    if (d.code == "compose.overset") {
      overset = true;
      continue;
    }
    if (!d.loc.page.empty()) failed_pages.insert(d.loc.page);
    else if (auto it = pages_of_article.find(d.loc.file); it != pages_of_article.end())
      failed_pages.insert(it->second.begin(), it->second.end());
  }
  const bool input_errors = std::any_of(diags.all().begin(), diags.all().end(), [&](const Diagnostic& d) {
    return d.severity == Severity::Error && d.loc.page.empty() && !(a.allow_overset && d.code == "compose.overset");
  });

  // 5. PDF plates: one file per page, the edition's font subsets shared by every file (hb-subset
  // once per face per edition), written in parallel once the flow is fixed.
  std::error_code ec;
  fs::create_directories(a.out, ec);
  if (ec) {
    diags.error("io.write-failed", SourceLoc(a.out), "cannot create the output directory: " + ec.message());
    return finish(diags, kExitInternal);
  }
  PreflightCache preflight_cache;  // the shared font programs and profile are decoded once
  t = Clock::now();
  // Marks, or a break that re-shaped its neighbourhood, may have set a glyph not shaped before
  // the flow: then the edition subsets are made again for all glyphs (each file embeds the same
  // program), rather than once more per file that has the glyph. Otherwise the subsets made
  // early may still be in the making: the page writers draft their pages meanwhile.
  const bool speculation_held = subsetting.joinable() && shows_only(composed.pages, shaped);
  if (profiling.joinable()) profiling.join();
  if (!speculation_held) {
    if (subsetting.joinable()) subsetting.join();
    GlyphUsage used;
    for (const Page& p : composed.pages) used.add_page(p);
    used.add(GlyphUsage(shaped));
    subsets.set_edition_glyphs(std::move(used));
    subsets.prepare_edition(fonts, po.compress);
    subsets_ready_at_ms = ms_since(t_start);
  }
  timing["font_subsets_early"] = speculation_held;
  timing["text_shaped_at_ms"] = shaped_at_ms.load();
  timing["font_subsets_ms"] = ms_since(t);  // made again after composition (0 when made early)
  const std::size_t n = composed.pages.size();
  std::vector<PageOutcome> outcomes(n);
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const unsigned jobs = std::min<unsigned>(a.jobs > 0 ? static_cast<unsigned>(a.jobs) : hw, std::max<std::size_t>(1, n));
  std::mutex progress_mu;
  const bool tty = ::isatty(2) && !a.quiet;
  std::size_t done = 0;
  t = Clock::now();

  // 5a. Drafts: pages' content, with the glyph codes the subsets will have, while hb-subset and
  // deflate of the font programs run on the subset thread — on one thread fewer than the writers
  // (more would only take turns with it), and only until the subsets exist: drafting further
  // ahead gains nothing then, and each draft holds its page's tables until it is finished.
  std::vector<std::optional<PdfDraft>> drafts(n);
  std::vector<char> drafted(n, 0);
  auto draft_page = [&](std::size_t i) {
    drafted[i] = 1;
    const Page& page = composed.pages[i];
    PageOutcome& o = outcomes[i];
    o.file = (fs::path(a.out) / (page.label + ".pdf")).string();
    if (failed_pages.count(page.label)) return;
    PdfOptions opt = po;
    opt.title = edition->meta.paper.empty() ? page.label : edition->meta.paper + " " + page.label;
    const auto tw = Clock::now();
    drafts[i] = draft_pdf({&page}, fonts, opt, o.diags, subsets);
    o.write_ms = ms_since(tw);
  };
  std::atomic<std::size_t> next_draft{0};
  std::atomic<std::size_t> drafted_ahead{0};
  auto draft_ahead = [&](std::size_t) {
    for (std::size_t i; !subsets.edition_prepared() && (i = next_draft.fetch_add(1)) < n;) {
      draft_page(i);
      ++drafted_ahead;
    }
  };
  const unsigned draft_jobs = jobs > 1 ? jobs - 1 : 1;
  if (speculation_held) parallel_for(draft_jobs, draft_jobs, draft_ahead);
  timing["pdf_drafts_ms"] = ms_since(t);
  timing["pdf_drafted_ahead"] = drafted_ahead.load();
  std::atomic<std::size_t> next{0};
  FileCommitter committer(outcomes);
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      if (!drafted[i]) draft_page(i);
      const Page& page = composed.pages[i];
      PageOutcome& o = outcomes[i];
      if (failed_pages.count(page.label)) {
        o.diags.note("build.page-skipped", SourceLoc::on_page(page.label),
                     "not written because of the errors above; the previous " + page.label + ".pdf is untouched");
      } else {
        // 5b. The subsets (waiting for them on the first pages), fonts, file, preflight.
        const auto tw = Clock::now();
        std::optional<std::string> bytes = finish_pdf_file(*drafts[i], o.file, o.diags);
        drafts[i].reset();
        o.write_ms += ms_since(tw);
        const auto& found = o.diags.all();
        if (!bytes && std::any_of(found.begin(), found.end(), [](const Diagnostic& d) {
              return d.severity == Severity::Error && is_input_problem(d.code);
            })) {
          // The plate was refused because of its input: say so as for a page skipped before
          // writing, instead of the write failure that would read as an I/O error.
          Diagnostics kept;
          for (const Diagnostic& d : found)
            if (d.code != "pdf.write-failed") kept.add(d);
          kept.note("build.page-skipped", SourceLoc::on_page(page.label),
                    "not written because of the errors above; the previous " + page.label + ".pdf is untouched");
          o.diags = std::move(kept);
          o.input_failed = true;
        }
        std::shared_ptr<const std::string> plate;
        if (bytes) {
          plate = std::make_shared<const std::string>(std::move(*bytes));
          committer.submit(i, plate);
        }
        if (plate && !a.no_preflight) {
          // The bytes being written are checked, while the disk writes them.
          const auto tp = Clock::now();
          PreflightOptions pf;
          pf.standard = to_string(po.standard);
          pf.trim_width = page.trim_width;
          pf.trim_height = page.trim_height;
          pf.bleed = page.bleed;
          pf.expected_pages = 1;
          pf.ink_limit_percent = edition->output.ink_limit;
          o.preflight = preflight_bytes(o.file, *plate, pf, preflight_cache);
          o.preflight_ms = ms_since(tp);
        }
      }
      if (tty) {
        std::lock_guard lock(progress_mu);
        ++done;
        std::cerr << "\rpaiban: " << done << "/" << n << " pages" << std::flush;
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned k = 1; k < jobs; ++k) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  // Every plate is made; the disk is still taking the last ones (the committer's fsyncs). What
  // the report does not need goes back to the kernel now instead of at exit, while the cores
  // would wait anyway: the display lists (the report reads labels and counts), the font set (the
  // font files' mappings: ≈ 35 MB of pages hb-subset and shaping read) and the memory freed
  // since composition. The process's exit, which the caller waits for, has that much less to do.
  if (subsetting.joinable()) subsetting.join();  // done by now: the writers needed its subsets
  for (Page& p : composed.pages) std::vector<DisplayItem>().swap(p.items);
  font_set.reset();
  release_free_memory();
  committer.finish();
  for (PageOutcome& o : outcomes) {
    o.diags.append(o.file_diags);
    if (!o.written) o.preflight.reset();  // a plate that is not on disk has no verdict
  }
  if (tty) std::cerr << '\n';
  timing["pdf_and_preflight_ms"] = ms_since(t);
  if (subsetting.joinable()) subsetting.join();
  timing["font_subsets_ready_at_ms"] = subsets_ready_at_ms.load();

  // 6. Proofs (PNG per page; changed regions against last night's proofs).
  if (a.proofs || !a.diff_against.empty()) {
    t = Clock::now();
    ProofOptions popt;
    popt.dpi = a.proof_dpi;
    if (!a.diff_against.empty()) popt.diff_against = a.diff_against;
    for (std::size_t i = 0; i < n; ++i)
      if (outcomes[i].written)
        outcomes[i].proof = proof(outcomes[i].file, (fs::path(a.out) / "proofs").string(), popt, outcomes[i].diags);
    timing["proofs_ms"] = ms_since(t);
  }

  // 7. Report: per page what was placed, written, found; every diagnostic.
  std::size_t preflight_errors = 0, preflight_findings = 0;
  nlohmann::json pages = nlohmann::json::array();
  for (std::size_t i = 0; i < n; ++i) {
    const Page& page = composed.pages[i];
    PageOutcome& o = outcomes[i];
    diags.append(o.diags);
    nlohmann::json pj = {{"label", page.label}, {"file", fs::path(o.file).filename().string()}, {"written", o.written},
                         {"write_ms", o.write_ms}, {"preflight_ms", o.preflight_ms}};
    if (i < composed.report.pages.size()) {
      const PageReport& pr = composed.report.pages[i];
      nlohmann::json stories = nlohmann::json::array();
      for (const auto& s : pr.stories) stories.push_back({{"story", s.story}, {"lines", s.lines}, {"characters", s.characters}});
      pj["stories"] = stories;
      pj["lines"] = pr.lines;
      nlohmann::json missing = nlohmann::json::array();
      for (const auto& m : pr.missing) {
        char cp[16];
        std::snprintf(cp, sizeof cp, "U+%04X", static_cast<unsigned>(m.ch));
        missing.push_back({{"where", m.where}, {"char", cp}, {"paragraph", m.paragraph}, {"index", m.index}});
      }
      pj["missing_glyphs"] = missing;
    }
    if (o.preflight) {
      pj["preflight"] = o.preflight->to_json();
      preflight_errors += o.preflight->count(Severity::Error);
      preflight_findings += o.preflight->findings.size();
      if (!o.preflight->passed()) o.preflight->report(diags);
    }
    if (o.proof) {
      pj["proof"] = o.proof->pages.empty() ? "" : o.proof->pages.front().png;
      nlohmann::json changes = nlohmann::json::array();
      for (const auto& pp : o.proof->pages)
        for (const auto& r : pp.changes) changes.push_back({{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}});
      pj["proof_changes"] = changes;
      if (!o.proof->pages.empty() && !o.proof->pages.front().diff_png.empty()) pj["proof_diff"] = o.proof->pages.front().diff_png;
    }
    pages.push_back(pj);
  }
  nlohmann::json stories = nlohmann::json::array();
  for (const StoryReport& s : composed.report.stories) {
    stories.push_back({{"story", s.story}, {"characters", s.characters}, {"placed_characters", s.placed_characters},
                       {"lines", s.lines}, {"pages", s.pages}, {"overset", s.overset},
                       {"overset_characters", s.overset_characters}, {"overset_lines", s.overset_lines},
                       {"stopped_page", s.stopped_page}, {"stopped_frame", s.stopped_frame},
                       {"underset_lines", s.underset_lines}, {"jumps", s.jumps}});
  }
  nlohmann::json diag_list = nlohmann::json::array();
  for (const Diagnostic& d : diags.all()) diag_list.push_back(diag_json(d));
  timing["total_ms"] = ms_since(t_start);
  nlohmann::json report = {{"edition", a.edition}, {"pages", pages}, {"stories", stories},
                           {"diagnostics", diag_list}, {"timing", timing}};
  Diagnostics io;
  if (!write_file_atomic((fs::path(a.out) / "report.json").string(), report.dump(1) + "\n", io)) diags.append(io);

  // 8. Summary on stderr and the exit code (README "Exit codes").
  std::size_t written = 0;
  for (const auto& o : outcomes) written += o.written;
  int rc = kExitOk;
  const bool io_failed = std::any_of(diags.all().begin(), diags.all().end(), [](const Diagnostic& d) {
    return d.severity == Severity::Error && !is_input_problem(d.code) &&
           (d.code.rfind("io.", 0) == 0 || d.code.rfind("pdf.", 0) == 0 || d.code == "compose.text-lost");
  });
  const bool pages_refused = std::any_of(outcomes.begin(), outcomes.end(), [](const PageOutcome& o) { return o.input_failed; });
  if (io_failed) rc = kExitInternal;
  else if (input_errors || !failed_pages.empty() || pages_refused || (overset && !a.allow_overset)) rc = kExitInput;
  else if (a.strict && preflight_findings > 0) rc = kExitPreflight;
  else if (preflight_errors > 0) rc = kExitInput;
  for (const auto& d : diags.all()) std::cerr << d.format() << '\n';
  if (!a.quiet)
    std::cerr << "paiban: " << written << "/" << n << " pages written to " << a.out << ", " << preflight_findings
              << " preflight findings, " << diags.count(Severity::Error) << " errors, "
              << diags.count(Severity::Warning) << " warnings (" << static_cast<long>(ms_since(t_start)) << " ms)\n";
  // Done: every file is on disk and closed, every thread joined. The edition's memory (≈ 90 MB
  // in about a million blocks: display lists, shaped text, subsets, the plates' qpdf objects)
  // goes back to the system with the process instead of block by block first: from here to the
  // parent seeing the exit, 16-page build, medians of 2 × 10 runs: 15.6 → 12.4 ms.
  // std::exit, not _Exit: streams are flushed and LeakSanitizer still runs (this frame's objects
  // are reachable from the stack, so only real leaks are reported).
  std::cout.flush();
  std::cerr.flush();
  std::exit(rc);
}

}  // namespace

void register_build(CLI::App& app) {
  auto* cmd = app.add_subcommand("build", "Build an edition: one PDF plate per page, report.json, proofs");
  auto a = std::make_shared<BuildArgs>();
  cmd->add_option("edition", a->edition, "The edition descriptor (edition.toml)")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->out, "Output directory (A1.pdf, A2.pdf…, report.json)")->required();
  cmd->add_option("-j,--jobs", a->jobs, "Pages written in parallel (default: all cores)");
  cmd->add_flag("--allow-overset", a->allow_overset, "Exit 0 even when a story does not fit its frames");
  cmd->add_flag("--strict", a->strict, "Any preflight finding is an error (exit 3)");
  cmd->add_flag("--no-preflight", a->no_preflight, "Skip preflight of the written plates");
  cmd->add_flag("--proofs", a->proofs, "Write a PNG proof per page into OUTDIR/proofs");
  cmd->add_option("--proof-dpi", a->proof_dpi, "Proof resolution (default 100)");
  cmd->add_option("--diff-against", a->diff_against, "Previous proofs directory: highlight changed regions");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress or summary on stderr");
  cmd->callback([a] { set_exit_code(run_build(*a)); });
}

}  // namespace paiban::cli
