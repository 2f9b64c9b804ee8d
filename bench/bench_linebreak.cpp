// Line breaking benchmarks (issue 3): analysis + shaping throughput (bench_pipeline.cpp times the
// two apart), breaking throughput on the 16-page edition at the newspaper measure (13 em of 9 pt),
// and one long paragraph at 1×, 4×, 16× length to show that total-fit breaking is linear (rule
// book §9, T9-3).
// Target: the whole ~100k-character edition broken in < 50 ms on one core (Release).
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "engine/linebreak/linebreak.h"

namespace {

using namespace paiban;

constexpr double kBodyPt = 9;       // 小五, the newspaper body size (rule book §6)
constexpr int kMeasureEm = 13;      // 对开 basic column: 13 characters
constexpr std::size_t kLongBase = 5000;  // characters of the 1× long paragraph

// Fonts and corpus are loaded once for all benchmarks (loading is not what is measured).
struct Bench {
  Diagnostics diags;
  std::unique_ptr<FontSet> fonts;
  std::vector<std::u32string> paragraphs;
  std::size_t chars = 0;
  std::vector<PreparedParagraph> prepared;
  ParagraphStyle style;

  Bench() {
    fonts = std::make_unique<FontSet>(FontRoles::load(std::string(PAIBAN_SOURCE_DIR) + "/fonts/roles.toml", diags));
    std::ifstream in(std::string(PAIBAN_SOURCE_DIR) + "/samples/corpus/edition-16p-wide.txt", std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      if (auto t = decode_utf8(line)) {
        chars += t->size();
        paragraphs.push_back(std::move(*t));
      }
    }
    style.text.size = sp_from_pt(kBodyPt);
    style.first_indent = 2 * style.text.size;
    for (const auto& p : paragraphs) prepared.push_back(prepare_paragraph(*fonts, p, style, diags));
  }

  std::u32string long_paragraph(std::size_t n) const {
    std::u32string out;
    for (std::size_t i = 0; out.size() < n; i = (i + 1) % paragraphs.size()) out += paragraphs[i];
    out.resize(n);
    return out;
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

LineWidths measure() {
  const Sp w = sp_from_pt(kBodyPt * kMeasureEm);
  return [w](int) { return w; };
}

// Width-independent work per paragraph: classes, ICU breaks, HarfBuzz shaping, item list.
void BM_AnalyzeAndShapeEdition(benchmark::State& state) {
  Bench& b = bench();
  for (auto _ : state) {
    Diagnostics d;
    for (const auto& p : b.paragraphs) benchmark::DoNotOptimize(prepare_paragraph(*b.fonts, p, b.style, d));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * b.chars));
  state.counters["chars"] = static_cast<double>(b.chars);
  state.counters["chars_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * b.chars), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AnalyzeAndShapeEdition)->Unit(benchmark::kMillisecond);

// Breaking the prepared edition at 13 em (total fit + justification + glyph positions).
void BM_BreakEdition13em(benchmark::State& state) {
  Bench& b = bench();
  const LineWidths w = measure();
  std::size_t lines = 0;
  for (auto _ : state) {
    Diagnostics d;
    lines = 0;
    for (const auto& p : b.prepared) lines += linebreak(p, w, d).lines.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * b.chars));
  state.counters["chars"] = static_cast<double>(b.chars);
  state.counters["chars_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * b.chars), benchmark::Counter::kIsRate);
  state.counters["lines"] = static_cast<double>(lines);
}
BENCHMARK(BM_BreakEdition13em)->Unit(benchmark::kMillisecond);

// One paragraph of 5 000 × k characters: time per character stays flat when breaking is linear.
void BM_BreakLongParagraph(benchmark::State& state) {
  Bench& b = bench();
  const std::size_t n = kLongBase * static_cast<std::size_t>(state.range(0));
  Diagnostics prep;
  const PreparedParagraph p = prepare_paragraph(*b.fonts, b.long_paragraph(n), b.style, prep);
  const LineWidths w = measure();
  BreakTrace trace;
  trace.record_text = false;
  for (auto _ : state) {
    Diagnostics d;
    benchmark::DoNotOptimize(linebreak(p, w, d, &trace));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["chars"] = static_cast<double>(n);
  state.counters["chars_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
  state.counters["max_active"] = static_cast<double>(trace.max_active);
}
BENCHMARK(BM_BreakLongParagraph)->Arg(1)->Arg(4)->Arg(16)->Unit(benchmark::kMillisecond);

}  // namespace
