// Stories through their frame chains: prepare each paragraph once, flow the chain column by
// column (flow/), reserve and print jump lines where the chain changes page, report overset and
// underset, and verify text conservation.
#include <algorithm>
#include <optional>
#include <set>
#include <variant>

#include "engine/base/parallel.h"
#include "engine/base/text.h"
#include "engine/compose/compose_internal.h"

namespace paiban {

namespace {
bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
std::u32string label_text(const std::string& label) {
  const auto u = decode_utf8(label);
  const std::u32string l = u ? *u : std::u32string(U"?");
  // 第2版 for numbered pages; A2版 for lettered sections (the model page's 导读 prints "A2 版").
  return all_digits(label) ? U"第" + l + U"版" : l + U"版";
}
}  // namespace

std::u32string jump_to_text(const std::string& next_page_label) {
  return U"（下转" + label_text(next_page_label) + U"）";
}
std::u32string jump_from_text(const std::string& previous_page_label) {
  return U"（上接" + label_text(previous_page_label) + U"）";
}

namespace compose_detail {
namespace {

// A subhead takes at least two body lines, its content centred in them: the common newspaper
// setting of a one-line 小标题 (占两行); a taller subhead takes the lines it needs.
constexpr int kSubheadMinLines = 2;
// Rule book §7 背题: a (level-2) subhead keeps at least three body lines in its column.
constexpr int kSubheadKeepLines = 3;

struct ChainFrame {
  std::size_t page = 0;
  std::size_t index = 0;  // on its page
  const FrameSpec* spec = nullptr;
  std::vector<FrameGeometry> columns;  // without jump reservations or continuation
};

struct Story {
  FlowInput flow;
  std::vector<Cmyk> colours;        // per paragraph
  std::vector<std::u32string> texts;  // per paragraph
  std::u32string all_text;
};

std::string frame_name(const ChainFrame& f) {
  if (!f.spec->id.empty()) return f.spec->id;
  std::string name = "#";
  name += std::to_string(f.index + 1);
  return name;
}

// Below this many characters a story is prepared on the calling thread: starting threads costs
// more than shaping a few short paragraphs (headline stories, captions).
constexpr std::size_t kParallelPrepareChars = 4000;

Story prepare_story(Context& ctx, const StorySpec& spec, const Article& article) {
  Story s;
  const Style& body = ctx.style(spec.body_style, spec.loc);
  const Style& sub = ctx.style(spec.subhead_style, spec.loc);
  std::vector<ParagraphStyle> styles;
  std::vector<SourceLoc> locs;
  // The fallback chains of the story's styles, resolved (and their problems reported) here, so
  // the paragraphs below can be prepared concurrently: shaping then only reads the font set.
  // Only the styles in use: an unused style's missing font is nobody's problem.
  bool any_body = false, any_sub = false;
  for (const ArticleParagraph& ap : article.paragraphs)
    (ap.kind == ArticleParagraph::Kind::Subhead ? any_sub : any_body) = true;
  for (const Style* st : {any_body ? &body : nullptr, any_sub ? &sub : nullptr}) {
    if (!st) continue;
    const ParagraphStyle ps = ctx.paragraph_style(*st);
    ctx.fonts.chain(ps.text.role, ps.text.weight, ctx.diags);
  }
  for (const ArticleParagraph& ap : article.paragraphs) {
    const bool is_sub = ap.kind == ArticleParagraph::Kind::Subhead;
    const Style& st = is_sub ? sub : body;
    const ParagraphStyle ps = ctx.paragraph_style(st);
    FlowParagraph fp;
    fp.kind = is_sub ? FlowParagraph::Kind::Subhead : FlowParagraph::Kind::Body;
    fp.size = st.size;
    fp.leading = st.leading > 0 ? st.leading : st.size;
    fp.ascent = ctx.ascent(st);
    fp.min_lines = kSubheadMinLines;
    fp.keep_lines = kSubheadKeepLines;
    s.flow.paragraphs.push_back(std::move(fp));
    s.colours.push_back(st.colour);
    s.texts.push_back(ap.text);
    s.all_text += ap.text;
    styles.push_back(ps);
    locs.push_back(ap.loc);
  }
  // Width-independent work (analysis, shaping, the item list) once per paragraph, on all cores:
  // paragraphs are independent. Each reports into its own sink; the sinks are merged in
  // paragraph order, so the diagnostics do not depend on scheduling.
  const std::size_t n = article.paragraphs.size();
  std::vector<Diagnostics> sinks(n);
  parallel_for(n, s.all_text.size() >= kParallelPrepareChars ? hardware_threads() : 1u, [&](std::size_t i) {
    s.flow.paragraphs[i].prepared = prepare_paragraph(ctx.fonts, article.paragraphs[i].text, styles[i], sinks[i], locs[i]);
  });
  for (const Diagnostics& d : sinks) ctx.diags.append(d);
  // A tail continues a paragraph: no first-line indent. Shaping problems were reported when the
  // whole paragraph was prepared.
  s.flow.prepare_tail = [&ctx, texts = s.texts, styles, locs](std::size_t p, std::uint32_t from) {
    ParagraphStyle ps = styles[p];
    ps.first_indent = 0;
    Diagnostics quiet;
    // The tail's location starts at its own first character, so the line breaker's reports
    // about the tail's lines name their place in the article, not the paragraph start + offset.
    return prepare_paragraph(ctx.fonts, std::u32string_view(texts[p]).substr(from), ps, quiet, locs[p].from(from));
  };
  return s;
}

std::vector<FrameGeometry> frame_columns(Context& ctx, const PageCanvas& canvas, const FrameSpec& f,
                                         const Style& body) {
  const GridMetrics g = ctx.grid(*canvas.spec);
  const int n = std::max(1, f.columns);
  const Sp gutter = f.gutter > 0 ? f.gutter : (n > 1 ? canvas.spec->grid.gutter : 0);
  const Sp cw = (f.rect.w - gutter * (n - 1)) / n;
  // A story whose body size differs from the grid's centres its em box in the grid line.
  const Sp ascent = (g.em - body.size) / 2 + ctx.ascent(body);
  std::vector<FrameGeometry> out;
  for (int i = 0; i < n; ++i) {
    FrameGeometry fg;
    fg.area = {f.rect.x + i * (cw + gutter), f.rect.y, cw, f.rect.h};
    fg.grid_top = g.top;
    fg.pitch = g.pitch;
    fg.em = g.em;
    fg.ascent = ascent;
    fg.obstacles = canvas.obstacles_for(&f);
    out.push_back(std::move(fg));
  }
  return out;
}

// A change of page inside the chain: frame `before` is the last on its page, `before + 1` opens
// the continuation.
struct Transition {
  std::size_t before = 0;
  std::u32string to_text, from_text;
  int to_lines = 1, from_lines = 1;  // slots reserved
};

struct ChainRun {
  std::vector<std::vector<FrameGeometry>> geometry;       // per frame, per column, as flowed
  std::vector<std::vector<ColumnFragment>> fragments;     // per frame, per column
  std::vector<bool> balanced;
  std::vector<bool> reserved;  // per transition: its jump lines were reserved
  BreakToken token;
  Diagnostics diags;
};

// One frame of the chain flowed from `token`: column by column, or balanced when its spec asks.
struct FrameRun {
  std::vector<ColumnFragment> fragments;
  bool balanced = false;
  BreakToken token;
  Diagnostics diags;
};

FrameRun flow_frame(const Story& story, const ChainFrame& frame, const std::vector<FrameGeometry>& columns,
                    BreakToken token) {
  FrameRun r;
  if (frame.spec->balance) {
    BalancedResult b = flow_balanced(story.flow, columns, std::move(token), r.diags);
    r.fragments = std::move(b.columns);
    r.balanced = b.balanced;
    r.token = std::move(b.token);
    return r;
  }
  for (const FrameGeometry& col : columns) {
    FlowResult f = flow(story.flow, col, std::move(token), r.diags);
    r.fragments.push_back(std::move(f.fragment));
    token = std::move(f.token);
  }
  r.token = std::move(token);
  return r;
}

// Appends a flowed frame to the run.
void keep_frame(ChainRun& run, std::vector<FrameGeometry> columns, FrameRun frame) {
  run.geometry.push_back(std::move(columns));
  run.fragments.push_back(std::move(frame.fragments));
  run.balanced.push_back(frame.balanced);
  run.token = std::move(frame.token);
  run.diags.append(frame.diags);
}

// The chain's columns with the jump lines of the `reserved` transitions kept free, and the usable
// widths of every slot after each column, so a paragraph split at a column end is broken for the
// widths it will really have (flow.h: FrameGeometry::continuation).
std::vector<std::vector<FrameGeometry>> chain_geometry(const std::vector<ChainFrame>& chain,
                                                       const std::vector<Transition>& jumps,
                                                       const std::vector<bool>& reserved) {
  std::vector<std::vector<FrameGeometry>> geometry;
  for (const ChainFrame& f : chain) geometry.push_back(f.columns);
  for (std::size_t j = 0; j < jumps.size(); ++j) {
    if (!reserved[j]) continue;
    geometry[jumps[j].before].back().reserve_bottom = jumps[j].to_lines;
    geometry[jumps[j].before + 1].front().reserve_top = jumps[j].from_lines;
  }
  auto flat = std::make_shared<std::vector<Sp>>();
  std::vector<std::vector<std::size_t>> starts;
  for (const auto& cols : geometry) {
    starts.emplace_back();
    for (const FrameGeometry& c : cols) {
      starts.back().push_back(flat->size());
      for (const Slot& s : column_slots(c))
        if (s.usable) flat->push_back(s.width);
    }
  }
  for (std::size_t f = 0; f < geometry.size(); ++f)
    for (std::size_t c = 0; c < geometry[f].size(); ++c) {
      const std::size_t next = c + 1 < starts[f].size() ? starts[f][c + 1]
                               : f + 1 < starts.size() ? starts[f + 1].front()
                                                       : flat->size();
      const Sp own = geometry[f][c].area.w;
      geometry[f][c].continuation = [flat, next, own](int k) {
        const std::size_t i = next + static_cast<std::size_t>(k);
        if (i < flat->size()) return (*flat)[i];
        return flat->empty() || next >= flat->size() ? own : flat->back();
      };
    }
  return geometry;
}

// The whole chain flowed with the jump lines of the `reserved` transitions.
ChainRun flow_chain(const Story& story, const std::vector<ChainFrame>& chain, const std::vector<Transition>& jumps,
                    const std::vector<bool>& reserved) {
  ChainRun run;
  run.reserved = reserved;
  std::vector<std::vector<FrameGeometry>> geometry = chain_geometry(chain, jumps, reserved);
  for (std::size_t f = 0; f < chain.size(); ++f) {
    FrameRun fr = flow_frame(story, chain[f], geometry[f], run.token);
    keep_frame(run, std::move(geometry[f]), std::move(fr));
  }
  return run;
}

bool frame_has_lines(const std::vector<ColumnFragment>& cols) {
  return std::any_of(cols.begin(), cols.end(), [](const ColumnFragment& c) { return !c.lines.empty(); });
}

// Per transition: whether the run's text crosses it, i.e. lands in a frame after it.
std::vector<bool> crossed_in(const ChainRun& run, const std::vector<Transition>& jumps) {
  std::vector<bool> later(run.fragments.size() + 1, false);  // later[f]: a frame from f on has lines
  for (std::size_t f = run.fragments.size(); f-- > 0;) later[f] = later[f + 1] || frame_has_lines(run.fragments[f]);
  std::vector<bool> crossed;
  for (const Transition& t : jumps) crossed.push_back(later[t.before + 1]);
  return crossed;
}

// Reserve jump lines only where the story really changes page: flow without reservations,
// reserve for the page changes crossed, and repeat until that set is stable (a reservation only
// pushes text later, so the set grows and this ends). The result is the least fixpoint
// S = crossed_in(flow_chain(S)); it costs two or more whole flows.
ChainRun flow_chain_fixpoint(const Story& story, const std::vector<ChainFrame>& chain,
                             const std::vector<Transition>& jumps) {
  std::vector<bool> reserved(jumps.size(), false);
  ChainRun run = flow_chain(story, chain, jumps, reserved);
  for (std::size_t round = 0; round <= jumps.size(); ++round) {
    std::vector<bool> now = crossed_in(run, jumps);
    if (std::count(now.begin(), now.end(), true) == std::count(reserved.begin(), reserved.end(), true)) break;
    reserved = std::move(now);
    run = flow_chain(story, chain, jumps, reserved);
  }
  return run;
}

// The measure of every line the chain can set, when it is one and the same (no column of another
// width, no slot shortened by a wrap obstacle). Then no line's width depends on which slots are
// reserved for jump lines: continuation widths and line breaks are the same whatever is reserved.
std::optional<Sp> uniform_measure(const std::vector<ChainFrame>& chain) {
  std::optional<Sp> w;
  for (const ChainFrame& f : chain)
    for (const FrameGeometry& col : f.columns) {
      if (!w) w = col.area.w;
      if (col.area.w != *w) return std::nullopt;
      for (const Slot& s : column_slots(col))
        if (s.usable && s.width != *w) return std::nullopt;
    }
  return w;
}

// Slots the story needs at least from `token` on, counting up to `enough`: the lines left in the
// paragraph carried over (its breaks do not depend on where it lands when every measure is the
// same), one per body paragraph not begun, a subhead's minimum block.
int slots_left_at_least(const FlowInput& in, const BreakToken& token, int enough) {
  int n = 0;
  std::size_t p = token.paragraph;
  if (token.carried && p < in.paragraphs.size()) {
    n += static_cast<int>(token.carried->lines.lines.size()) - token.line;
    ++p;
  }
  for (; p < in.paragraphs.size() && n <= enough; ++p) {
    const FlowParagraph& para = in.paragraphs[p];
    if (para.prepared.text().empty()) continue;  // flow skips it
    n += para.kind == FlowParagraph::Kind::Subhead ? std::max(1, para.min_lines) : 1;
  }
  return n;
}

int usable_slots(const FrameGeometry& col) {
  int n = 0;
  for (const Slot& s : column_slots(col)) n += s.usable ? 1 : 0;
  return n;
}

// Slots a column fragment's lines occupy (a subhead block counted once, whole).
int slots_used(const ColumnFragment& frag) {
  int n = 0;
  for (const PlacedLine& l : frag.lines)
    if (!l.subhead || l.line == 0) n += l.subhead ? l.slots : 1;
  return n;
}

// flow_chain_fixpoint's result from one flow of the chain, frame after frame, when every line of
// the chain has the same measure (then no line break depends on which slots are reserved). A
// frame before a page change is flowed with the jump line reserved at its foot, then:
//  - the story ends in it: flowed again without; it ends there too (a reservation only pushes
//    text later), so the page change is not crossed, as in the fixpoint, which grows from none;
//  - the story goes on: the page change is crossed unless the story would end in the frame
//    without the reservation. Without it only the last column gains the reserved slots (same
//    start, same line breaks), so that is possible only if the slots that column used plus those
//    the rest needs at least fit in its usable slots unreserved; only then is the frame flowed
//    again to see (near the story's end).
// nullopt where this does not apply (measures that differ, a result that is not the fixpoint):
// the caller then iterates.
std::optional<ChainRun> flow_chain_once(const Story& story, const std::vector<ChainFrame>& chain,
                                        const std::vector<Transition>& jumps) {
  const std::optional<Sp> measure = uniform_measure(chain);
  if (!measure) return std::nullopt;
  std::vector<std::optional<std::size_t>> jump_after(chain.size());
  for (std::size_t j = 0; j < jumps.size(); ++j) jump_after[jumps[j].before] = j;
  ChainRun run;
  run.reserved.assign(jumps.size(), false);
  int reserve_top = 0;  // jump lines at the top of the next frame (the page change before it is crossed)
  for (std::size_t f = 0; f < chain.size(); ++f) {
    std::vector<FrameGeometry> open = chain[f].columns;  // without this frame's jump line
    for (FrameGeometry& col : open) col.continuation = [w = *measure](int) { return w; };
    open.front().reserve_top = reserve_top;
    reserve_top = 0;
    const std::optional<std::size_t> j = jump_after[f];
    if (!j || run.token.finished(story.flow)) {  // no page change after it, or the story has ended
      FrameRun fr = flow_frame(story, chain[f], open, run.token);
      keep_frame(run, std::move(open), std::move(fr));
      continue;
    }
    const Transition& t = jumps[*j];
    std::vector<FrameGeometry> reserved = open;
    reserved.back().reserve_bottom = t.to_lines;
    FrameRun with = flow_frame(story, chain[f], reserved, run.token);
    const bool ends = with.token.finished(story.flow);
    const int room = usable_slots(open.back());  // the last column's, unreserved
    const int used = slots_used(with.fragments.back());
    if (ends || used + slots_left_at_least(story.flow, with.token, room - used) <= room) {
      FrameRun without = flow_frame(story, chain[f], open, run.token);
      if (without.token.finished(story.flow)) {  // the story ends here: no jump
        keep_frame(run, std::move(open), std::move(without));
        continue;
      }
      if (ends) return std::nullopt;  // more room, yet less text set: not the monotone case
    }
    run.reserved[*j] = true;
    reserve_top = t.from_lines;
    keep_frame(run, std::move(reserved), std::move(with));
  }
  // The story must land after exactly the page changes reserved (it does unless a later frame
  // takes no line at all): then this is the fixpoint the iteration would reach.
  if (crossed_in(run, jumps) != run.reserved) return std::nullopt;
  return run;
}

// Jump lines use the `jump-line` style when the edition defines one, else the page's body style.
const Style& jump_style(Context& ctx, const PageSpec& page) {
  if (const Style* s = ctx.edition.style("jump-line")) return *s;
  return ctx.body_style(page);
}

// Sets a jump line into the reserved slots of a column (top or bottom).
void place_jump(Context& ctx, PageCanvas& canvas, const FrameGeometry& col, const std::u32string& text, bool bottom,
                Align align) {
  std::vector<Slot> reserved;
  for (const Slot& s : column_slots(col))
    if (s.reserved) reserved.push_back(s);
  if (reserved.empty()) return;
  // Reserved slots at the top come first; those at the bottom last.
  const Style& st = jump_style(ctx, *canvas.spec);
  ParagraphStyle ps = ctx.paragraph_style(st);
  ps.first_indent = 0;
  ps.align = align;
  const Sp width = bottom ? reserved.back().width : reserved.front().width;
  const std::size_t since = ctx.diags.size();
  PreparedParagraph p = prepare_paragraph(ctx.fonts, text, ps, ctx.diags, canvas.spec->loc);
  const LineSet set = linebreak(p, [width](int) { return width; }, ctx.diags);
  ctx.diags.place_errors_on_page(since, canvas.spec->label);  // the jump line is this page's content
  const std::size_t n = set.lines.size();
  const std::size_t first = bottom ? (reserved.size() >= n ? reserved.size() - n : 0) : 0;
  const Sp ascent = (col.em - st.size) / 2 + ctx.ascent(st);
  for (std::size_t i = 0; i < n && first + i < reserved.size(); ++i) {
    const Slot& s = reserved[first + i];
    emit_line(canvas, p, set.lines[i], {s.x, s.top + ascent}, st.colour, "jump", 0, 0);
  }
}

int lines_needed(Context& ctx, const PageSpec& page, const std::u32string& text, Sp width) {
  const Style& st = jump_style(ctx, page);
  ParagraphStyle ps = ctx.paragraph_style(st);
  ps.first_indent = 0;
  Diagnostics quiet;  // reported when the line is set
  PreparedParagraph p = prepare_paragraph(ctx.fonts, text, ps, quiet);
  return std::max<int>(1, static_cast<int>(linebreak(p, [width](int) { return width; }, quiet).lines.size()));
}

std::u32string jump_from_text(const Article& article, const std::string& previous_page_label) {
  return article.jump_title + paiban::jump_from_text(previous_page_label);
}

// A story as compose_stories plans it: its chain and, when it has an article, its text prepared.
struct PlannedStory {
  const StorySpec* spec = nullptr;
  std::vector<ChainFrame> chain;
  const Article* article = nullptr;
  std::optional<Story> story;
};

// The glyphs set so far and those the stories will set (ComposeHooks::glyphs_shaped): what the
// fixed objects placed on the pages, the stories' prepared text and the jump lines their chains
// may need (shaped here as place_jump will shape them).
GlyphsByFace shaped_glyphs(Context& ctx, const std::vector<PageCanvas>& pages,
                           const std::vector<PlannedStory>& planned) {
  std::map<FaceId, std::vector<bool>> seen;  // per face, indexed by glyph id: no sorting, no tree
  auto add = [&](FaceId face, std::uint32_t gid) {
    std::vector<bool>& v = seen[face];
    if (gid >= v.size()) v.resize(std::max<std::size_t>(gid + 1, 2 * v.size()));
    v[gid] = true;
  };
  auto add_shaped = [&](const ShapedText& t) {
    for (const ShapedRun& r : t.runs)
      for (std::uint32_t g = r.glyph_begin; g < r.glyph_end; ++g) add(r.face, t.glyphs[g].gid);
  };
  for (const PageCanvas& page : pages)
    for (const auto& layer : page.layers)
      for (const DisplayItem& item : layer)
        if (const auto* run = std::get_if<GlyphRunItem>(&item))
          for (const PlacedGlyph& g : run->glyphs) add(run->face, g.gid);
  for (const PlannedStory& p : planned) {
    if (!p.story) continue;
    for (const FlowParagraph& fp : p.story->flow.paragraphs) add_shaped(fp.prepared.shaped());
    for (std::size_t i = 0; i + 1 < p.chain.size(); ++i) {
      if (p.chain[i].page == p.chain[i + 1].page) continue;
      const PageSpec& here = *pages[p.chain[i].page].spec;
      const PageSpec& next = *pages[p.chain[i + 1].page].spec;
      for (const auto& [page, text] : {std::pair{&here, jump_to_text(next.label)},
                                       std::pair{&next, jump_from_text(*p.article, here.label)}}) {
        ParagraphStyle ps = ctx.paragraph_style(jump_style(ctx, *page));
        Diagnostics quiet;  // reported when the jump line is set
        add_shaped(prepare_paragraph(ctx.fonts, text, ps, quiet).shaped());
      }
    }
  }
  GlyphsByFace out;
  for (const auto& [face, v] : seen) {
    std::vector<std::uint32_t>& list = out[face];
    for (std::uint32_t g = 0; g < v.size(); ++g)
      if (v[g]) list.push_back(g);
  }
  return out;
}

// `story` is the article prepared (prepare_story).
void compose_story(Context& ctx, std::vector<PageCanvas>& pages, const StorySpec& spec, const Article& article,
                   Story story, const std::vector<ChainFrame>& chain, ComposeReport& report) {
  StoryReport sr;
  sr.story = spec.id;
  sr.characters = story.all_text.size();
  if (chain.empty()) {
    sr.overset = !story.all_text.empty();
    sr.overset_characters = story.all_text.size();
    ctx.diags.error("compose.overset", spec.loc,
                    "story '" + spec.id + "' has no frame: all " + std::to_string(sr.overset_characters) +
                        " characters are overset",
                    "add a frame with story = \"" + spec.id + "\"");
    report.stories.push_back(std::move(sr));
    return;
  }

  // Jump lines where the chain changes page (texts are known: the pages are the chain's).
  std::vector<Transition> jumps;
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    if (chain[i].page == chain[i + 1].page) continue;
    Transition t;
    t.before = i;
    t.to_text = jump_to_text(pages[chain[i + 1].page].spec->label);
    t.from_text = jump_from_text(article, pages[chain[i].page].spec->label);
    t.to_lines = lines_needed(ctx, *pages[chain[i].page].spec, t.to_text, chain[i].columns.back().area.w);
    t.from_lines = lines_needed(ctx, *pages[chain[i + 1].page].spec, t.from_text, chain[i + 1].columns.front().area.w);
    jumps.push_back(std::move(t));
  }
  // Which page changes the story crosses, and its lines: one flow of the chain where every
  // measure is the same, else the fixpoint iteration (both give the same result).
  std::optional<ChainRun> once = flow_chain_once(story, chain, jumps);
  ChainRun run = once ? std::move(*once) : flow_chain_fixpoint(story, chain, jumps);
  std::vector<Transition> crossed;
  for (std::size_t j = 0; j < jumps.size(); ++j)
    if (run.reserved[j]) crossed.push_back(jumps[j]);
  ctx.diags.append(run.diags);

  // Emit lines; remember the story's glyph runs for the conservation check.
  std::vector<ItemRef> refs;
  std::optional<std::size_t> last_frame;
  std::size_t last_column = 0;
  for (std::size_t f = 0; f < chain.size(); ++f) {
    PageCanvas& canvas = pages[chain[f].page];
    for (std::size_t c = 0; c < run.fragments[f].size(); ++c) {
      for (const PlacedLine& pl : run.fragments[f][c].lines) {
        auto r = emit_line(canvas, pl.prepared, pl.line_data, pl.origin, story.colours[pl.paragraph], spec.id,
                           pl.paragraph, pl.text_offset);
        refs.insert(refs.end(), r.begin(), r.end());
        StoryOnPage& entry = canvas.story_entry(spec.id);
        ++entry.lines;
        const std::size_t chars = line_text(pl.prepared, pl.line_data).size();
        entry.characters += chars;
        ++canvas.report.lines;
        ++sr.lines;
        if (sr.pages.empty() || sr.pages.back() != canvas.spec->label) sr.pages.push_back(canvas.spec->label);
        last_frame = f;
        last_column = c;
      }
    }
  }
  for (const Transition& t : crossed) {
    place_jump(ctx, pages[chain[t.before].page], run.geometry[t.before].back(), t.to_text, true, Align::End);
    place_jump(ctx, pages[chain[t.before + 1].page], run.geometry[t.before + 1].front(), t.from_text, false,
               Align::Start);
    sr.jumps.push_back(pages[chain[t.before].page].spec->label + "→" + pages[chain[t.before + 1].page].spec->label);
  }

  // Overset / underset.
  const std::size_t stop = last_frame ? *last_frame : chain.size() - 1;
  sr.stopped_page = pages[chain[stop].page].spec->label;
  sr.stopped_frame = frame_name(chain[stop]);
  std::u32string rest;
  if (!run.token.finished(story.flow)) {
    const Remainder rem = remainder(story.flow, run.geometry.back().back(), run.token);
    sr.overset = true;
    sr.overset_characters = rem.characters;
    sr.overset_lines = rem.lines;
    const std::size_t p = run.token.paragraph;
    const std::size_t first_unplaced = std::min<std::size_t>(run.token.text_position(), story.texts[p].size());
    rest = story.texts[p].substr(first_unplaced);
    for (std::size_t q = p + 1; q < story.texts.size(); ++q) rest += story.texts[q];
    // Located at the first character that did not fit: where the desk has to cut.
    ctx.diags.error("compose.overset", article.paragraphs[p].loc.at(first_unplaced),
                    "story '" + spec.id + "' is overset: " + std::to_string(rem.characters) + " characters (" +
                        std::to_string(rem.lines) + " lines) do not fit; it stops on page " + sr.stopped_page +
                        " in frame " + sr.stopped_frame + ", paragraph " + std::to_string(p + 1),
                    "shorten the article, or enlarge or add frames to its chain");
  } else if (last_frame) {
    const auto& cols = run.fragments[*last_frame];
    if (run.balanced[*last_frame]) {
      for (const ColumnFragment& c : cols) sr.underset_lines += c.empty_after;
    } else {
      sr.underset_lines += cols[last_column].empty_after;
      for (std::size_t c = last_column + 1; c < cols.size(); ++c) sr.underset_lines += cols[c].usable;
    }
    sr.unused_frames = static_cast<int>(chain.size() - 1 - *last_frame);
    if (sr.underset_lines > 0 || sr.unused_frames > 0)
      ctx.diags.note("compose.underset", SourceLoc::on_page(sr.stopped_page),
                     "story '" + spec.id + "' ends in frame " + sr.stopped_frame + " with " +
                         std::to_string(sr.underset_lines) + " empty lines" +
                         (sr.unused_frames > 0 ? " and " + std::to_string(sr.unused_frames) + " unused frames" : ""));
  }

  // Text conservation: every character placed once, in order, or reported as overset.
  std::u32string placed;
  for (const ItemRef& r : refs)
    for (const PlacedGlyph& g : pages[r.page].text_item(r.index).glyphs) placed += g.text;
  sr.placed_characters = placed.size();
  if (placed + rest != story.all_text) {
    const std::u32string got = placed + rest;
    std::size_t at = 0;
    while (at < got.size() && at < story.all_text.size() && got[at] == story.all_text[at]) ++at;
    ctx.diags.error("compose.text-lost", spec.loc,
                    "internal error: story '" + spec.id + "' placed + overset text differs from the article at character " +
                        std::to_string(at + 1) + " (" + std::to_string(got.size()) + " vs " +
                        std::to_string(story.all_text.size()) + " characters)",
                    "please report this with the article and descriptor");
  }
  report.stories.push_back(std::move(sr));
}

}  // namespace

void compose_stories(Context& ctx, std::vector<PageCanvas>& pages, ComposeReport& report) {
  // Chains: the descriptor's StorySpec::chain when it gives one, else frames in declaration
  // order across the pages.
  std::map<std::string, std::vector<StorySpec::FrameRef>> declared;
  for (PageCanvas& canvas : pages) {
    const PageSpec& page = *canvas.spec;
    for (std::size_t i = 0; i < page.frames.size(); ++i) {
      const FrameSpec& f = page.frames[i];
      if (!ctx.edition.story(f.story)) {
        ctx.diags.error("compose.unknown-story", f.loc, "frame refers to story '" + f.story + "', which is not defined",
                        "declare it under [[stories]]");
        continue;
      }
      declared[f.story].push_back({static_cast<int>(canvas.index), static_cast<int>(i)});
    }
  }
  std::vector<PlannedStory> planned;
  for (const StorySpec& spec : ctx.edition.stories) {
    const std::vector<StorySpec::FrameRef>& refs = spec.chain.empty() ? declared[spec.id] : spec.chain;
    std::vector<ChainFrame> chain;
    for (const StorySpec::FrameRef& r : refs) {
      if (r.page < 0 || static_cast<std::size_t>(r.page) >= pages.size() || r.frame < 0 ||
          static_cast<std::size_t>(r.frame) >= pages[r.page].spec->frames.size())
        continue;  // the descriptor validates chains; a stale reference is skipped, not followed
      PageCanvas& canvas = pages[r.page];
      ChainFrame cf;
      cf.page = canvas.index;
      cf.index = static_cast<std::size_t>(r.frame);
      cf.spec = &canvas.spec->frames[cf.index];
      cf.columns = frame_columns(ctx, canvas, *cf.spec, ctx.style(spec.body_style, spec.loc));
      chain.push_back(std::move(cf));
    }
    planned.push_back({&spec, std::move(chain), nullptr, std::nullopt});
  }
  // Every story's text is shaped before any is flowed, so the hook learns the edition's glyphs
  // while the (serial) flow is still ahead: the CLI subsets the fonts meanwhile.
  for (PlannedStory& p : planned) {
    const auto art = ctx.articles.find(p.spec->id);
    if (art == ctx.articles.end()) continue;
    p.article = &art->second;
    p.story = prepare_story(ctx, *p.spec, *p.article);
  }
  if (ctx.hooks.glyphs_shaped) ctx.hooks.glyphs_shaped(shaped_glyphs(ctx, pages, planned));
  for (PlannedStory& p : planned) {
    if (!p.article) {
      ctx.diags.error("compose.missing-article", p.spec->loc, "story '" + p.spec->id + "' has no article",
                      "check the story's article path");
      StoryReport sr;
      sr.story = p.spec->id;
      report.stories.push_back(std::move(sr));
      continue;
    }
    compose_story(ctx, pages, *p.spec, *p.article, std::move(*p.story), p.chain, report);
    p.story.reset();
  }
}

}  // namespace compose_detail
}  // namespace paiban
