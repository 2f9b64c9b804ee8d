// End to end, issue 3's acceptance: the whole corpus set as a galley at 13 em and 20 em, read
// back from the PDF with `pdftotext -bbox-layout` (not only from our own JSON): no line starts
// with a NOT_START or ends with a NOT_END character, nothing inseparable is split, every
// justified line fills the measure within 0.1 pt, no paragraph ends in a 孤字, and full lines of
// pure-Han text keep the character grid.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "engine/analyze/analyze.h"
#include "engine/base/text.h"
#include "support/test_support.h"

using namespace paiban;
using namespace paiban::test;

namespace {

struct PdfLine {
  double x_min, x_max, y_min;
  std::u32string text;
  int page = 0;
};

// Lines as the PDF has them: poppler's words grouped by page and baseline (poppler's own <line>
// grouping splits a line at wide Latin gaps), each line's words in x order.
std::vector<PdfLine> read_pdf_lines(const std::string& pdf) {
  std::vector<PdfWord> words = pdf_words(pdf, "-bbox-layout");
  std::stable_sort(words.begin(), words.end(), [](const PdfWord& a, const PdfWord& b) {
    if (a.page != b.page) return a.page < b.page;
    if (std::fabs(a.y_min - b.y_min) > 1.0) return a.y_min < b.y_min;
    return a.x_min < b.x_min;
  });
  std::vector<PdfLine> out;
  for (const PdfWord& w : words) {
    if (out.empty() || out.back().page != w.page || std::fabs(out.back().y_min - w.y_min) > 1.0)
      out.push_back({w.x_min, w.x_max, w.y_min, {}, w.page});
    PdfLine& l = out.back();
    l.x_min = std::min(l.x_min, w.x_min);
    l.x_max = std::max(l.x_max, w.x_max);
    l.text += *decode_utf8(w.text);
  }
  return out;
}

bool is_ascii_alnum(char32_t c) { return (c < 128 && std::isalnum(static_cast<int>(c))); }

// Units on a last line (rule book §7 孤字): one per Han/kana/full-width character, one per
// unbreakable Latin word or number; punctuation does not count.
int units(const std::u32string& text) {
  auto info = classify(text, "zh-Hans");
  int n = 0;
  bool in_latin = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const CharClass c = info[i].cls;
    const bool latin = c == CharClass::Latin || c == CharClass::Digit;
    if (is_han_like(c) || c == CharClass::Fullwidth) ++n;
    if (latin && !in_latin) ++n;
    in_latin = latin;
  }
  return n;
}

struct Setting {
  const char* width;
  double measure_pt;
};

class CorpusGalley : public ::testing::TestWithParam<Setting> {};

TEST_P(CorpusGalley, RuleBookHoldsOnTheWholeCorpus) {
  const Setting s = GetParam();
  const double em = 9.0, margin = 15.0 * 72.0 / 25.4;
  const std::string dir = temp_dir("corpus");
  const std::string pdf = dir + "/corpus.pdf", json = dir + "/lines.json";
  auto r = run_paiban("galley " + shell_quote(corpus_path("edition-16p.txt")) + " -o " + shell_quote(pdf) + " --width " +
                  s.width + " --lines-json " + shell_quote(json));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = nlohmann::json::parse(read_file(json));
  const auto pdf_lines = read_pdf_lines(pdf);
  ASSERT_EQ(pdf_lines.size(), lines.size()) << "PDF lines and JSON lines differ";
  std::cout << "[ lines    ] " << s.width << ": " << lines.size() << " lines\n";

  int bad_start = 0, bad_end = 0, split = 0, not_full = 0, orphans = 0, off_grid = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& jl = lines[i];
    const PdfLine& pl = pdf_lines[i];
    const std::u32string src = *decode_utf8(jl["text"].get<std::string>());
    // The PDF says the same as the JSON, whitespace aside.
    ASSERT_EQ(strip_whitespace(encode_utf8(pl.text)), strip_whitespace(encode_utf8(src))) << "line " << i;
    const std::u32string& t = pl.text;
    if (t.empty()) continue;
    auto info = classify(t, "zh-Hans");
    const bool first_of_para = jl["line"].get<int>() == 0;
    const bool last = jl["last"].get<bool>();
    if (!first_of_para && not_start(info.front().cls, KinsokuLevel::Gb)) {
      ++bad_start;
      ADD_FAILURE() << "line starts with a no-start character: " << encode_utf8(t);
    }
    if (!last && not_end(info.back().cls, KinsokuLevel::Gb)) {
      ++bad_end;
      ADD_FAILURE() << "line ends with a no-end character: " << encode_utf8(t);
    }
    // Inseparable pairs across the break (the source tells whether a space was there).
    if (!last && i + 1 < lines.size()) {
      const std::u32string next = *decode_utf8(lines[i + 1]["text"].get<std::string>());
      if (!src.empty() && !next.empty()) {
        const char32_t a = src.back(), b = next.front();
        const bool same_word = is_ascii_alnum(a) && is_ascii_alnum(b);
        const bool number = (std::isdigit(static_cast<int>(a < 128 ? a : 0)) && (b == U'.' || b == U'%' || b == U'％')) ||
                            ((a == U'.' || a == U',') && b < 128 && std::isdigit(static_cast<int>(b)));
        if ((a == U'—' && b == U'—') || (a == U'…' && b == U'…') || same_word || number) {
          ++split;
          ADD_FAILURE() << "split unit: " << encode_utf8(src) << " | " << encode_utf8(next);
        }
      }
    }
    // Measure: glyph boxes in the PDF use the advance; a trimmed closing mark's blank half
    // hangs past the measure and a trimmed opening bracket's blank half before the left edge.
    if (!last) {
      double left = margin + (first_of_para ? 2 * em : 0);
      if (!first_of_para && info.front().cls == CharClass::Open) left -= em / 2;
      double right = margin + s.measure_pt;
      if (is_close_type(info.back().cls)) right += em / 2;
      // A middle dot sits centred in a ½ em cell (GB, rule book §3.1) whatever its glyph's width:
      // the cell ends on the measure, the glyph box half the difference before it.
      if (info.back().cls == CharClass::MiddleDot)
        right -= (em / 2 - jl["glyphs"].back()["advance"].get<double>()) / 2;
      if (std::fabs(pl.x_min - left) > 0.1 || std::fabs(pl.x_max - right) > 0.1) {
        ++not_full;
        ADD_FAILURE() << "line " << i << " spans " << pl.x_min << "…" << pl.x_max << ", expected " << left << "…"
                      << right << ": " << encode_utf8(t);
      }
    }
    if (last && !first_of_para && units(t) < 2) {
      ++orphans;
      ADD_FAILURE() << "孤字 last line: " << encode_utf8(t);
    }
    // Grid: a full line of pure Han text puts character n at n em (rule book §6); a pure-Han
    // line that had to give a character away spreads the space evenly over its gaps (§4.3).
    if (!last && !first_of_para) {
      bool pure = true;
      for (const auto& ci : info) pure = pure && ci.cls == CharClass::Han;
      for (const auto& g : jl["glyphs"]) pure = pure && std::fabs(g["advance"].get<double>() - em) < 0.001;
      if (pure) {
        const auto& glyphs = jl["glyphs"];
        for (std::size_t g = 0; g < glyphs.size(); ++g) {
          const double x = glyphs[g]["x"].get<double>();
          const double n = static_cast<double>(glyphs.size());
          const double want = static_cast<double>(g) * (em + (s.measure_pt - n * em) / (n - 1));
          if (std::fabs(x - want) > 0.01) { ++off_grid; break; }
        }
      }
    }
  }
  EXPECT_EQ(bad_start, 0);
  EXPECT_EQ(bad_end, 0);
  EXPECT_EQ(split, 0);
  EXPECT_EQ(not_full, 0);
  EXPECT_EQ(orphans, 0);
  EXPECT_EQ(off_grid, 0);
}

INSTANTIATE_TEST_SUITE_P(Widths, CorpusGalley, ::testing::Values(Setting{"13em", 117.0}, Setting{"20em", 180.0}),
                         [](const auto& info) { return std::string(info.param.width); });

}  // namespace
