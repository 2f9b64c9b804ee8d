// `paiban galley ARTICLE -o OUT.pdf`: one-column proof of an article (issue 2 §6, issue 3 §6).
// Pipeline: article → fonts → prepare (analyse+shape) → linebreak → galley pages → PDF.
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "engine/article/article.h"
#include "engine/base/text.h"
#include "engine/compose/galley.h"
#include "engine/fonts/fonts.h"
#include "engine/pdf/pdf.h"
#include "tools/paiban/commands.h"
#include "tools/paiban/common.h"

namespace paiban::cli {
namespace {

struct GalleyArgs {
  std::string article, output, width = "13em", font_size = "小五", role = "song", lines_json, kinsoku = "gb";
  int weight = 400;
  bool trace_breaks = false;
};

nlohmann::json lines_json(const Galley& g) {
  auto pt = [](Sp v) { return std::round(pt_from_sp(v) * 1000.0) / 1000.0; };
  nlohmann::json arr = nlohmann::json::array();
  for (const GalleyLine& gl : g.lines()) {
    const Line& line = *gl.data;
    const auto& shaped = gl.para->shaped();
    nlohmann::json glyphs = nlohmann::json::array();
    for (const LineGlyph& lg : line.glyphs) {
      const ShapedGlyph& sg = shaped.glyphs[lg.glyph];
      glyphs.push_back({{"cluster", sg.cluster}, {"x", pt(lg.x)}, {"advance", pt(sg.advance)}});
    }
    arr.push_back({{"paragraph", gl.paragraph},
                   {"line", gl.line},
                   {"text", encode_utf8(std::u32string_view(gl.para->text()).substr(line.begin, line.end - line.begin))},
                   {"width", pt(line.width)},
                   {"natural", pt(line.natural)},
                   {"ratio", std::round(line.ratio * 10000.0) / 10000.0},
                   {"last", line.last},
                   {"emergency", line.emergency},
                   {"glyphs", glyphs}});
  }
  return arr;
}

int run_galley(const GalleyArgs& a) {
  Diagnostics diags;
  // 1. Article.
  auto article = read_article(a.article, diags);
  if (!article) return finish(diags, kExitInput);
  // 2. Style from the options (lengths converted here, at the edge).
  auto size = parse_absolute_length(a.font_size);
  if (!size || *size <= 0) return usage_error("--font-size: '" + a.font_size + "' is not a size (use pt, mm or 五号/小五…)");
  auto width = parse_length(a.width);
  if (!width || width->unit == LengthSpec::Unit::Lines) return usage_error("--width: '" + a.width + "' is not a width (use em, mm or pt)");
  GalleyOptions opt;
  opt.body.text.role = a.role;
  opt.body.text.weight = a.weight;
  opt.body.text.size = *size;
  opt.body.first_indent = 2 * *size;
  opt.body.kinsoku = parse_kinsoku(a.kinsoku);
  opt.measure = width->resolve(*size, *size);
  if (opt.measure <= 0) return usage_error("--width must be positive");
  opt.trace = a.trace_breaks;
  // 3. Fonts.
  FontSet fonts(FontRoles::load(FontRoles::default_path(), diags));
  if (fonts.chain(a.role, a.weight, diags).empty()) return finish(diags, kExitInput);
  // 4. Lines and pages.
  Galley g = compose_galley(*article, fonts, opt, diags);
  if (a.trace_breaks)
    for (std::size_t i = 0; i < g.traces.size(); ++i) std::cout << "% paragraph " << i << '\n' << g.traces[i];
  if (!a.lines_json.empty()) {
    if (!write_file_atomic(a.lines_json, lines_json(g).dump(1) + "\n", diags)) return finish(diags, kExitInternal);
  }
  // 5. PDF.
  std::vector<const Page*> pages;
  for (const Page& p : g.pages) pages.push_back(&p);
  PdfOptions po = pdf_options_from_env();
  po.title = article->headline.empty() ? a.article : encode_utf8(article->headline);
  // A galley is a proof for the desk, not a plate: no PDF/X output intent is needed.
  po.standard = PdfStandard::None;
  if (!write_pdf(pages, fonts, po, a.output, diags)) return finish(diags, kExitInternal);
  return finish(diags, diags.has_errors() ? kExitInput : kExitOk);
}

}  // namespace

void register_galley(CLI::App& app) {
  auto* cmd = app.add_subcommand("galley", "Typeset an article into a one-column galley proof PDF");
  auto a = std::make_shared<GalleyArgs>();
  cmd->add_option("article", a->article, "Article file (UTF-8, optional +++ front matter)")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->output, "Output PDF")->required();
  cmd->add_option("--width", a->width, "Measure: 13em, 60mm, 117pt (default 13em)");
  cmd->add_option("--font-size", a->font_size, "Body size: 9pt, 小五, 五号… (default 小五)");
  cmd->add_option("--role", a->role, "Font role from fonts/roles.toml: song, hei, kai (default song)");
  cmd->add_option("--weight", a->weight, "Font weight 100–900 (default 400)");
  cmd->add_option("--kinsoku", a->kinsoku, "Line-start/end rules: none, basic, gb, strict, loose (default gb)");
  cmd->add_option("--lines-json", a->lines_json, "Write one JSON object per line (lengths in pt)");
  cmd->add_flag("--trace-breaks", a->trace_breaks, "Print the feasible breaks and demerits per paragraph");
  cmd->callback([a] { set_exit_code(run_galley(*a)); });
}

}  // namespace paiban::cli
