// Per-stage benchmarks on the bench edition (issue 7, 1b): samples/bench-16p/edition.toml, 16
// pages of 297×420 mm, 6 columns, ~100k characters of edition-16p-wide.txt in 9 pt song.
// Each benchmark times exactly one stage; its inputs (descriptor, articles, fonts, composed pages,
// font subsets, the written page file) are made once, outside the timed loop, in the fixture.
// Rates: chars_per_s (characters of the edition's article text), pages_per_s, glyphs_per_s
// (distinct glyphs of the edition, the hb-subset input); items_per_second is the same primary
// rate, for tools that read only that.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/analyze/analyze.h"
#include "engine/article/article.h"
#include "engine/compose/compose.h"
#include "engine/descriptor/descriptor.h"
#include "engine/fonts/fonts.h"
#include "engine/pdf/pdf.h"
#include "engine/preflight/preflight.h"
#include "engine/shape/shape.h"

namespace {

using namespace paiban;
namespace fs = std::filesystem;

// The page the per-page benchmarks write and check: a full text page of the edition (the last
// page may be partly empty).
constexpr std::size_t kBenchPage = 0;

KinsokuLevel kinsoku_of(const std::string& s) {
  if (s == "none") return KinsokuLevel::None;
  if (s == "basic") return KinsokuLevel::Basic;
  if (s == "strict") return KinsokuLevel::Strict;
  if (s == "loose") return KinsokuLevel::Loose;
  return KinsokuLevel::Gb;
}

// Everything the stages need, made once per process in pipeline order, as `paiban build` does.
struct Pipeline {
  Diagnostics diags;
  std::optional<Edition> edition;
  std::map<std::string, Article> articles;
  std::unique_ptr<FontSet> fonts;
  // Body paragraphs of every story and the bench body style (analysis and shaping inputs).
  std::vector<std::u32string> paragraphs;
  std::size_t chars = 0;
  TextStyle text_style;
  KinsokuLevel kinsoku = KinsokuLevel::Gb;
  ComposedEdition composed;
  GlyphUsage usage;
  std::size_t glyphs = 0;
  PdfOptions pdf_options;
  FontSubsetCache subsets;  // holds the edition subsets (prepared below)
  PreflightOptions preflight_options;
  PreflightCache preflight_cache;  // warmed by one run on the page file
  fs::path dir;                    // temporary directory of the written page file
  std::string page_file;

  Pipeline() {
    const std::string src = PAIBAN_SOURCE_DIR;
    edition = load_edition(src + "/samples/bench-16p/edition.toml", diags);
    if (!edition) fail("cannot load samples/bench-16p/edition.toml");
    for (const StorySpec& s : edition->stories)
      if (auto a = read_article(s.article, diags)) articles.emplace(s.id, std::move(*a));
    fonts = std::make_unique<FontSet>(FontRoles::load(src + "/fonts/roles.toml", diags));

    for (const StorySpec& s : edition->stories) {
      auto a = articles.find(s.id);
      if (a == articles.end()) fail("cannot read the article of story " + s.id);
      for (const ArticleParagraph& p : a->second.paragraphs) {
        chars += p.text.size();
        paragraphs.push_back(p.text);
      }
    }
    const Style& body = edition->styles.at(edition->stories.front().body_style);
    text_style.role = body.font_role;
    text_style.weight = body.weight;
    text_style.size = body.size;
    text_style.language = body.language;
    kinsoku = kinsoku_of(body.kinsoku);

    composed = compose(*edition, articles, *fonts, diags);
    if (composed.pages.size() <= kBenchPage) fail("the bench edition composed no pages");
    for (const Page& p : composed.pages) usage.add_page(p);
    for (const auto& [face, gids] : usage.faces()) glyphs += gids.size();

    // PDF options as `paiban build` sets them for this edition (PDF/X-1a, Ghostscript's CMYK
    // profile as the output intent, fixed dates).
    if (auto st = parse_pdf_standard(edition->output.standard)) pdf_options.standard = *st;
    pdf_options.output_profile = edition->output.profile;
    if (pdf_options.output_profile.empty())
      for (const char* p : {"/usr/share/color/icc/ghostscript/default_cmyk.icc", "/usr/share/color/icc/ghostscript/ps_cmyk.icc"})
        if (fs::exists(p)) {
          pdf_options.output_profile = p;
          break;
        }
    pdf_options.output_condition_identifier = edition->output.output_condition;
    pdf_options.max_total_ink_percent = edition->output.ink_limit;
    pdf_options.source_date_epoch = 1718323200;
    subsets.set_edition_glyphs(usage);
    subsets.prepare_edition(*fonts, pdf_options.compress);

    // The page file, written once (this also loads the output profile into the cache), and one
    // preflight run on it so the cache holds the shared streams, as for every page of a build
    // after the first.
    std::string tmpl = (fs::temp_directory_path() / "paiban-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) fail("cannot create a temporary directory");
    dir = tmpl;
    page_file = (dir / "page.pdf").string();
    const Page& page = composed.pages[kBenchPage];
    if (!write_pdf({&page}, *fonts, pdf_options, page_file, diags, subsets)) fail("cannot write the bench page");
    preflight_options.standard = to_string(pdf_options.standard);
    preflight_options.trim_width = page.trim_width;
    preflight_options.trim_height = page.trim_height;
    preflight_options.bleed = page.bleed;
    preflight_options.expected_pages = 1;
    preflight_options.ink_limit_percent = edition->output.ink_limit;
    preflight(page_file, preflight_options, preflight_cache);
  }
  ~Pipeline() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }

  [[noreturn]] void fail(const std::string& what) {
    std::string msg = "bench_pipeline: " + what;
    for (const Diagnostic& d : diags.all()) msg += "\n  " + d.format();
    throw std::runtime_error(msg);
  }
};

Pipeline& pipeline() {
  static Pipeline p;
  return p;
}

// A rate counter: `per_iteration` units each iteration, divided by the time.
benchmark::Counter rate(const benchmark::State& state, double per_iteration) {
  return benchmark::Counter(per_iteration * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void count_chars(benchmark::State& state, std::size_t chars) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * chars));
  state.counters["chars_per_s"] = rate(state, static_cast<double>(chars));
  state.counters["chars"] = static_cast<double>(chars);
}

void count_pages(benchmark::State& state, std::size_t pages) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * pages));
  state.counters["pages_per_s"] = rate(state, static_cast<double>(pages));
}

// Analysis alone (rule book §1, §2): character classes and sides, then ICU line breaks with the
// kinsoku tailoring, one LineAnalyzer per paragraph as prepare_paragraph makes it. No glyphs, so
// no demotion of ambiguous marks (that needs shaping).
void BM_AnalyzeEdition(benchmark::State& state) {
  Pipeline& p = pipeline();
  for (auto _ : state) {
    for (const auto& text : p.paragraphs) {
      std::vector<CharInfo> info = classify(text, p.text_style.language);
      LineAnalyzer analyzer(p.kinsoku);
      benchmark::DoNotOptimize(analyzer.find_breaks(text, info));
    }
  }
  count_chars(state, p.chars);
}
BENCHMARK(BM_AnalyzeEdition)->Unit(benchmark::kMillisecond);

// Shaping alone: HarfBuzz over the fallback chain of the body role, every paragraph once.
void BM_ShapeEdition(benchmark::State& state) {
  Pipeline& p = pipeline();
  for (auto _ : state) {
    Diagnostics d;
    for (const auto& text : p.paragraphs) benchmark::DoNotOptimize(shape(*p.fonts, text, p.text_style, d));
  }
  count_chars(state, p.chars);
}
BENCHMARK(BM_ShapeEdition)->Unit(benchmark::kMillisecond);

// compose() of the whole edition: analysis, shaping, breaking, flow through the 16 pages,
// furniture, display lists. Descriptor, articles and fonts are loaded once outside the loop.
void BM_ComposeEdition(benchmark::State& state) {
  Pipeline& p = pipeline();
  std::size_t pages = 0;
  for (auto _ : state) {
    Diagnostics d;
    ComposedEdition c = compose(*p.edition, p.articles, *p.fonts, d);
    pages = c.pages.size();
    benchmark::DoNotOptimize(c);
  }
  count_pages(state, pages);
  state.counters["chars_per_s"] = rate(state, static_cast<double>(p.chars));
  state.counters["pages"] = static_cast<double>(pages);
}
BENCHMARK(BM_ComposeEdition)->Unit(benchmark::kMillisecond);

// hb-subset of the edition's glyph set (every face, deflated as written), in a fresh cache each
// iteration: what `paiban build` does once per edition. prepare_edition works on the faces in
// parallel, so this is wall time (UseRealTime).
void BM_FontSubsetEdition(benchmark::State& state) {
  Pipeline& p = pipeline();
  for (auto _ : state) {
    FontSubsetCache cache;
    cache.set_edition_glyphs(p.usage);  // copying the glyph set: microseconds, beside hb-subset
    cache.prepare_edition(*p.fonts, p.pdf_options.compress);
    benchmark::DoNotOptimize(cache.subsets_made());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.glyphs));
  state.counters["glyphs_per_s"] = rate(state, static_cast<double>(p.glyphs));
  state.counters["glyphs"] = static_cast<double>(p.glyphs);
  state.counters["faces"] = static_cast<double>(p.usage.faces().size());
}
BENCHMARK(BM_FontSubsetEdition)->Unit(benchmark::kMillisecond)->UseRealTime();

// One page into PDF bytes (content stream, fonts, profile, PDF/X boxes) with the edition subsets
// already made, as every page of a build after prepare_edition.
void BM_WritePdfPage(benchmark::State& state) {
  Pipeline& p = pipeline();
  const Page& page = p.composed.pages[kBenchPage];
  std::size_t bytes = 0;
  for (auto _ : state) {
    Diagnostics d;
    std::optional<std::string> pdf = make_pdf({&page}, *p.fonts, p.pdf_options, d, p.subsets);
    if (!pdf) {
      state.SkipWithError("make_pdf failed");
      break;
    }
    bytes = pdf->size();
    benchmark::DoNotOptimize(pdf);
  }
  count_pages(state, 1);
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_WritePdfPage)->Unit(benchmark::kMillisecond);

// preflight() of one written page file with a warm PreflightCache (the shared font programs and
// profile already decoded once), as for every page of a build after the first.
void BM_PreflightPage(benchmark::State& state) {
  Pipeline& p = pipeline();
  std::size_t findings = 0;
  for (auto _ : state) {
    PreflightReport r = preflight(p.page_file, p.preflight_options, p.preflight_cache);
    findings = r.findings.size();
    benchmark::DoNotOptimize(r);
  }
  count_pages(state, 1);
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_PreflightPage)->Unit(benchmark::kMillisecond);

}  // namespace
