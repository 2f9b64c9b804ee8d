// load_edition: edition.toml (+ includes) → Edition. The surface syntax is documented key by key
// in layouts/README.md; keep the two in step.
//
// Order of work: read every file (includes depth-first, cycles refused) → merge [colours],
// [styles], [templates] by name (a later file overrides an earlier one key by key) → resolve
// colours, styles (based_on) → edition metadata, output, stories → pages (template layers +
// page, geometry, grid, objects) → cross-checks (story chains, overlaps, the page box).
// Every problem is a Diagnostic; the loader keeps going to report as many as it can, and
// returns nullopt when any was an error.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>

#include "engine/base/text.h"
#include "engine/descriptor/descriptor.h"
#include "engine/descriptor/toml_reader.h"

namespace paiban {
namespace {

using namespace desc;
namespace fs = std::filesystem;

struct SourceFile {
  std::string display;  // as shown in diagnostics (relative to the edition path as given)
  std::string abs;
  TValue root;
  bool is_edition = false;
};

// Definitions of one name across files, earliest first; a key's value is the last one given.
struct Layered {
  std::vector<const TValue*> layers;
  const TValue* find(const std::string& key) const {
    for (auto it = layers.rbegin(); it != layers.rend(); ++it)
      if ((*it)->is_table() && (*it)->as_table().count(key)) return &(*it)->as_table().at(key);
    return nullptr;
  }
  const TValue& last() const { return *layers.back(); }
};

// Trim presets (mm). 对开/四开 are the Chinese newspaper names of the same sheets (rule book §6).
struct TrimPreset {
  const char* name;
  double w_mm, h_mm;
};
constexpr TrimPreset kTrims[] = {{"broadsheet", 390, 540}, {"对开", 390, 540}, {"tabloid", 270, 390},
                                 {"四开", 270, 390},        {"berliner", 315, 470}, {"A3", 297, 420},
                                 {"A4", 210, 297}};

const std::vector<std::string> kPlacementKeys{"id", "col", "span", "line", "lines", "x", "y", "w", "h",
                                              "wrap", "wrap_offset"};
std::vector<std::string> with_placement(std::vector<std::string> extra) {
  std::vector<std::string> v = kPlacementKeys;
  v.insert(v.end(), extra.begin(), extra.end());
  return v;
}

const std::vector<std::string> kGeometryKeys{"trim",  "bleed",        "margins",      "columns",          "gutter",
                                             "column_width", "lines", "body_style", "column_rules",
                                             "column_rule_width"};
const std::vector<std::string> kTemplateObjectKeys{"boxes",   "images",       "rules",    "text_blocks", "masthead",
                                                   "edition_line", "colophon", "page_header", "folio"};

std::string rect_text(const Rect& r) {
  return fmt_pt(r.x) + "," + fmt_pt(r.y) + " " + fmt_pt(r.w) + "x" + fmt_pt(r.h) + " pt";
}

std::string loc_text(const SourceLoc& l) {
  std::string s = l.file;
  if (l.line) s += ":" + std::to_string(l.line);
  return s;
}

class Loader {
 public:
  Loader(Diagnostics& diags) : rd_(local_, SizeTable::Traditional), out_(diags) {}

  std::optional<Edition> run(const std::string& path);

 private:
  // --- files -------------------------------------------------------------------------------
  void load_file(const std::string& display, const SourceLoc& from, bool is_edition);
  std::optional<TValue> parse_file(const std::string& display, const SourceLoc& from);
  void report_syntax(const toml::syntax_error& e, const std::string& display);
  std::string resolve_path(const TValue& v, const std::string& rel) const;  // relative to v's file
  bool check_file(const TValue& v, const std::string& abs, const std::string& what);
  std::optional<std::string> file_key(const TValue& table, const std::string& key, const std::string& what);

  // --- definitions -------------------------------------------------------------------------
  void collect_definitions();
  void resolve_colours();
  const Style* resolve_style(const std::string& name, std::vector<std::string>& stack);
  void resolve_styles();
  bool require_style(const std::string& name, const SourceLoc& loc, const std::string& what);
  std::optional<Layered> template_layers(const std::string& name, const SourceLoc& from,
                                         std::vector<std::string>& stack);

  // --- edition -------------------------------------------------------------------------------
  void read_meta(const TValue& t);
  void read_output(const TValue& t);
  void read_stories(const TValue& arr);
  void read_pages(const TValue& arr);
  bool read_geometry(const Layered& L, PageSpec& p, const SourceLoc& where);
  void read_objects(const Layered& L, PageSpec& p);
  bool read_placement(const TValue& obj, const PageSpec& p, const char* kind, Placed& out, bool needs_vertical = true);
  bool read_rect(const TValue& obj, const PageSpec& p, const std::string& what, Rect& r, int* col = nullptr,
                 int* span = nullptr, int* line = nullptr, int* lines = nullptr, bool needs_vertical = true);
  std::optional<Sp> page_length(const TValue& table, const std::string& key, const PageSpec& p, bool allow_negative,
                                bool allow_zero = true);
  std::optional<std::u32string> paragraphs(const TValue& v, const std::string& key);
  void check_objects(PageSpec& p);
  void thread_stories();

  Diagnostics local_;
  Reader rd_;
  Diagnostics& out_;

  std::vector<std::unique_ptr<SourceFile>> files_;  // includes before their includer
  std::set<std::string> loaded_;
  std::vector<std::string> stack_;
  std::string edition_dir_display_;

  std::map<std::string, Layered> colour_defs_, style_defs_, template_defs_;
  std::map<std::string, std::optional<Style>> styles_;  // nullopt while resolving/broken
  std::set<std::string> broken_styles_;
  std::map<std::string, std::map<std::string, const TValue*>> raw_styles_;
  std::set<std::string> checked_templates_;
  std::vector<std::string> style_names_;

  Edition ed_;
};

// ---------------------------------------------------------------------------------------------
// Files and includes

void Loader::report_syntax(const toml::syntax_error& e, const std::string& display) {
  const TomlSyntaxError what = describe_toml_syntax_error(e.what(), static_cast<int>(e.location().line()),
                                                          e.location().line_str(), e.location().column());
  rd_.error(code::kSyntax, SourceLoc(display, what.line, what.column), "invalid TOML: " + what.message,
            "see https://toml.io; strings need quotes, lengths are strings such as \"12mm\"");
}

std::optional<TValue> Loader::parse_file(const std::string& display, const SourceLoc& from) {
  std::ifstream in(display, std::ios::binary);
  if (!in) {
    SourceLoc at = from.empty() ? SourceLoc(display) : from;
    rd_.error(code::kMissingFile, at, "cannot read '" + display + "'",
              from.empty() ? "check the path" : "include paths are relative to the including file");
    return std::nullopt;
  }
  try {
    return toml::parse<toml::discard_comments, std::map, std::vector>(in, display);
  } catch (const toml::syntax_error& e) {
    report_syntax(e, display);
  } catch (const toml::exception& e) {
    rd_.error(code::kSyntax, SourceLoc(display, static_cast<int>(e.location().line()),
                                       codepoint_column(e.location().line_str(), e.location().column())),
              std::string("invalid TOML: ") + e.what());
  } catch (const std::exception& e) {
    rd_.error(code::kSyntax, SourceLoc(display), std::string("cannot parse: ") + e.what());
  }
  return std::nullopt;
}

void Loader::load_file(const std::string& display, const SourceLoc& from, bool is_edition) {
  const std::string abs = fs::absolute(fs::path(display)).lexically_normal().string();
  if (auto it = std::find(stack_.begin(), stack_.end(), abs); it != stack_.end()) {
    std::string cycle;
    for (auto j = it; j != stack_.end(); ++j) cycle += fs::path(*j).filename().string() + " → ";
    cycle += fs::path(abs).filename().string();
    rd_.error(code::kCyclicInclude, from, "cyclic include: " + cycle,
              "a file may not include itself, directly or through other files");
    return;
  }
  if (loaded_.count(abs)) return;  // included twice (diamond): its definitions are already in
  auto root = parse_file(display, from);
  loaded_.insert(abs);
  if (!root) return;
  auto file = std::make_unique<SourceFile>();
  file->display = display;
  file->abs = abs;
  file->root = std::move(*root);
  file->is_edition = is_edition;

  // Top-level keys.
  static const std::vector<std::string> kEditionKeys{"include", "size_table", "colours", "styles", "templates",
                                                     "edition", "output",     "stories", "pages"};
  static const std::vector<std::string> kIncludedKeys{"include", "colours", "styles", "templates"};
  if (is_edition) {
    rd_.check_keys(file->root, kEditionKeys, "the edition file");
  } else {
    const std::string h = "only the edition file may have size_table, [edition], [output], [[stories]], [[pages]]";
    rd_.check_keys(file->root, kIncludedKeys, "an included file",
                   {{"size_table", h}, {"edition", h}, {"output", h}, {"stories", h}, {"pages", h}});
  }

  stack_.push_back(abs);
  if (file->root.as_table().count("include")) {
    const TValue& inc = file->root.as_table().at("include");
    std::vector<const TValue*> items;
    if (inc.is_string()) items.push_back(&inc);
    else if (inc.is_array()) for (const auto& x : inc.as_array()) items.push_back(&x);
    else rd_.error(code::kBadType, loc_of(inc), "'include' must be a file name or a list of file names");
    for (const TValue* x : items) {
      auto rel = rd_.string(*x, "include");
      if (!rel) continue;
      const std::string child = (fs::path(display).parent_path() / *rel).lexically_normal().string();
      load_file(child, loc_of(*x), false);
    }
  }
  stack_.pop_back();
  files_.push_back(std::move(file));
}

std::string Loader::resolve_path(const TValue& v, const std::string& rel) const {
  fs::path p(rel);
  if (p.is_relative()) p = fs::path(v.location().file_name()).parent_path() / p;
  return fs::absolute(p).lexically_normal().string();
}

bool Loader::check_file(const TValue& v, const std::string& abs, const std::string& what) {
  std::error_code ec;
  if (fs::is_regular_file(abs, ec)) return true;
  rd_.error(code::kMissingFile, loc_of(v), what + " '" + v.as_string().str + "' does not exist",
            "looked for " + abs + " (paths are relative to the file that names them)");
  return false;
}

// A path-valued key that must name an existing file; returns the absolute path.
std::optional<std::string> Loader::file_key(const TValue& table, const std::string& key, const std::string& what) {
  if (!table.as_table().count(key)) return std::nullopt;
  const TValue& v = table.as_table().at(key);
  auto rel = rd_.string(v, key);
  if (!rel) return std::nullopt;
  if (rel->empty()) {
    rd_.error(code::kBadValue, loc_of(v), "'" + key + "' is empty", "give a file name");
    return std::nullopt;
  }
  std::string abs = resolve_path(v, *rel);
  if (!check_file(v, abs, what)) return std::nullopt;
  return abs;
}

// ---------------------------------------------------------------------------------------------
// Colours, styles, templates

void Loader::collect_definitions() {
  for (const auto& f : files_) {
    const auto& root = f->root.as_table();
    for (auto [section, defs] : {std::pair{"colours", &colour_defs_}, std::pair{"styles", &style_defs_},
                                 std::pair{"templates", &template_defs_}}) {
      auto it = root.find(section);
      if (it == root.end()) continue;
      if (!rd_.expect_table(it->second, section)) continue;
      for (const auto& name : by_position(it->second)) {
        const TValue& def = it->second.as_table().at(name);
        if (!def.is_table()) {
          rd_.error(code::kBadType, key_loc(def, name),
                    std::string(section) + "." + name + " must be a table ([" + section + "." + name + "])");
          continue;
        }
        (*defs)[name].layers.push_back(&def);
      }
    }
  }
  for (const auto& [name, def] : style_defs_) style_names_.push_back(name);
}

void Loader::resolve_colours() {
  static const std::vector<std::string> kKeys{"cmyk", "spot", "tint"};
  for (const auto& [name, L] : colour_defs_) {
    for (const TValue* t : L.layers) rd_.check_keys(*t, kKeys, "colour '" + name + "'");
    Cmyk c;
    const TValue* cmyk = L.find("cmyk");
    if (!cmyk) {
      rd_.error(code::kMissingKey, loc_of(L.last()), "colour '" + name + "' has no 'cmyk'",
                "give cmyk = [C, M, Y, K] in percent (for a spot colour: its process alternate)");
      continue;
    }
    if (!cmyk->is_array()) {
      rd_.error(code::kBadType, loc_of(*cmyk), "'cmyk' must be [C, M, Y, K] in percent");
      continue;
    }
    auto v = rd_.colour(*cmyk, "cmyk", {});
    if (!v) continue;
    c = *v;
    if (const TValue* s = L.find("spot")) {
      if (auto sp = rd_.string(*s, "spot")) {
        if (sp->empty()) rd_.error(code::kBadValue, loc_of(*s), "'spot' is empty", "the ink's name, e.g. \"PANTONE 485 C\"");
        c.spot = *sp;
      }
    }
    if (const TValue* t = L.find("tint")) {
      if (auto x = rd_.number(*t, "tint", 0, 100)) c.tint = static_cast<int>(std::lround(*x * 10));
    }
    ed_.colours[name] = c;
  }
}

const Style* Loader::resolve_style(const std::string& name, std::vector<std::string>& stack) {
  if (auto it = styles_.find(name); it != styles_.end() && it->second) return &*it->second;
  if (broken_styles_.count(name)) return nullptr;
  auto def = style_defs_.find(name);
  if (def == style_defs_.end()) return nullptr;
  const Layered& L = def->second;
  if (std::find(stack.begin(), stack.end(), name) != stack.end()) {
    std::string cycle;
    for (auto j = std::find(stack.begin(), stack.end(), name); j != stack.end(); ++j) cycle += *j + " → ";
    const TValue* b = L.find("based_on");
    rd_.error(code::kCyclicBasedOn, b ? loc_of(*b) : loc_of(L.last()), "styles based on each other: " + cycle + name,
              "based_on must end at a style without based_on");
    broken_styles_.insert(name);
    return nullptr;
  }
  static const std::vector<std::string> kKeys{"based_on", "font", "weight", "size", "leading", "tracking",
                                              "colour", "align", "indent", "kinsoku", "language"};
  for (const TValue* t : L.layers) rd_.check_keys(*t, kKeys, "style '" + name + "'");

  // Raw values: the base's, overridden by this style's layers. Everything is computed from the
  // raw values for this style, so an inherited "1.5em" leading scales with a new size.
  std::map<std::string, const TValue*> raw;
  if (const TValue* b = L.find("based_on")) {
    auto bn = rd_.string(*b, "based_on");
    if (!bn) {
      broken_styles_.insert(name);
      return nullptr;
    }
    if (!style_defs_.count(*bn)) {
      std::string hint;
      if (auto m = did_you_mean(*bn, style_names_); !m.empty()) hint = "did you mean '" + m + "'?";
      rd_.error(code::kUnknownReference, loc_of(*b), "style '" + name + "' is based on unknown style '" + *bn + "'", hint);
      broken_styles_.insert(name);
      return nullptr;
    }
    stack.push_back(name);
    const Style* bs = resolve_style(*bn, stack);
    stack.pop_back();
    if (!bs) {
      broken_styles_.insert(name);
      return nullptr;
    }
    raw = raw_styles_[*bn];
  }
  for (const auto& k : kKeys)
    if (k != "based_on")
      if (const TValue* v = L.find(k)) raw[k] = v;
  raw_styles_[name] = raw;

  Style s;  // engine defaults (descriptor.h)
  s.name = name;
  s.loc = loc_of(*L.layers.front());
  bool ok = true;
  auto get = [&](const char* k) -> const TValue* {
    auto it = raw.find(k);
    return it == raw.end() ? nullptr : it->second;
  };
  if (auto v = get("font")) {
    if (auto f = rd_.string(*v, "font")) {
      if (f->empty()) ok = false, rd_.error(code::kBadValue, loc_of(*v), "'font' is empty", "a font role: song, hei, kai…");
      else s.font_role = *f;
    } else ok = false;
  }
  if (auto v = get("weight")) {
    static const std::map<std::string, int> kNames{{"thin", 100}, {"light", 300},    {"regular", 400}, {"normal", 400},
                                                   {"medium", 500}, {"semibold", 600}, {"bold", 700},   {"heavy", 900},
                                                   {"black", 900}};
    if (v->is_string()) {
      auto it = kNames.find(v->as_string().str);
      if (it == kNames.end()) {
        ok = false;
        rd_.error(code::kBadValue, loc_of(*v), "unknown weight '" + v->as_string().str + "'",
                  "100‥900 or thin, light, regular, medium, semibold, bold, heavy");
      } else s.weight = it->second;
    } else if (auto w = rd_.integer(*v, "weight", 100, 900)) s.weight = static_cast<int>(*w);
    else ok = false;
  }
  if (auto v = get("size")) {
    auto l = rd_.length(*v, "size", {});
    if (l && l->sp > 0) s.size = l->sp;
    else if (l) ok = false, rd_.error(code::kBadValue, loc_of(*v), "'size' must be positive");
    else ok = false;
  }
  // Lengths in em of this style's size. `sign`: +1 positive, 0 zero or more, -1 any.
  auto em_length = [&](const char* k, int sign, Sp& out) {
    const TValue* v = get(k);
    if (!v) return;
    auto l = rd_.length(*v, k, {.em = true});
    if (!l) { ok = false; return; }
    const Sp x = l->resolve(s.size, 0);
    if ((sign >= 0 && x < 0) || (sign > 0 && x == 0)) {
      ok = false;
      rd_.error(code::kBadValue, loc_of(*v), std::string("'") + k + "' must be " + (sign > 0 ? "positive" : "zero or more"));
      return;
    }
    out = x;
  };
  // Leading defaults to 1.5 em: gap 0.5 em, the rule book §6 house default (9 pt → 13.5 pt).
  s.leading = scale_sp(s.size, 3, 2);
  em_length("leading", +1, s.leading);
  em_length("tracking", -1, s.tracking);  // negative tracking tightens headlines
  em_length("indent", 0, s.first_indent);
  if (auto v = get("colour")) {
    if (auto c = rd_.colour(*v, "colour", ed_.colours)) s.colour = *c;
    else ok = false;
  }
  if (auto v = get("align")) {
    if (auto a = rd_.choice(*v, "align", {"justify", "start", "center", "centre", "end", "left", "right"})) {
      if (*a == "justify") s.align = TextAlign::Justify;
      else if (*a == "start" || *a == "left") s.align = TextAlign::Start;
      else if (*a == "center" || *a == "centre") s.align = TextAlign::Center;
      else s.align = TextAlign::End;
    } else ok = false;
  }
  if (auto v = get("kinsoku")) {
    if (auto k = rd_.choice(*v, "kinsoku", {"none", "basic", "gb", "strict", "loose"})) s.kinsoku = *k;
    else ok = false;
  }
  if (auto v = get("language")) {
    if (auto k = rd_.choice(*v, "language", {"zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "ja", "en"})) s.language = *k;
    else ok = false;
  }
  if (!ok) {
    broken_styles_.insert(name);
    return nullptr;
  }
  styles_[name] = s;
  return &*styles_[name];
}

void Loader::resolve_styles() {
  for (const auto& [name, L] : style_defs_) {
    std::vector<std::string> stack;
    resolve_style(name, stack);
  }
  for (const auto& [name, s] : styles_)
    if (s) ed_.styles[name] = *s;
}

bool Loader::require_style(const std::string& name, const SourceLoc& loc, const std::string& what) {
  if (style_defs_.count(name)) return true;
  std::string hint;
  if (auto m = did_you_mean(name, style_names_); !m.empty()) hint = "did you mean '" + m + "'? ";
  hint += "styles are defined in [styles.<name>] tables (layouts/styles.toml has the common ones)";
  rd_.error(code::kUnknownReference, loc, what + " uses unknown style '" + name + "'", hint);
  return false;
}

std::optional<Layered> Loader::template_layers(const std::string& name, const SourceLoc& from,
                                               std::vector<std::string>& stack) {
  auto it = template_defs_.find(name);
  if (it == template_defs_.end()) {
    std::vector<std::string> names;
    for (const auto& [n, d] : template_defs_) names.push_back(n);
    std::string hint;
    if (auto m = did_you_mean(name, names); !m.empty()) hint = "did you mean '" + m + "'? ";
    hint += names.empty() ? "no templates are defined: include a layouts/*.toml file" : "known templates: ";
    for (std::size_t i = 0; i < names.size(); ++i) hint += (i ? ", " : "") + names[i];
    rd_.error(code::kUnknownReference, from, "unknown template '" + name + "'", hint);
    return std::nullopt;
  }
  const Layered& own = it->second;
  if (std::find(stack.begin(), stack.end(), name) != stack.end()) {
    rd_.error(code::kCyclicBasedOn, from, "templates based on each other: " + name,
              "based_on must end at a template without based_on");
    return std::nullopt;
  }
  if (checked_templates_.insert(name).second) {
    std::vector<std::string> known = kGeometryKeys;
    known.insert(known.end(), kTemplateObjectKeys.begin(), kTemplateObjectKeys.end());
    known.push_back("description");
    known.push_back("based_on");
    const std::string h = "frames and headlines carry stories: put them on [[pages]]";
    for (const TValue* t : own.layers)
      rd_.check_keys(*t, known, "template '" + name + "'",
                     {{"frames", h}, {"headlines", h}, {"side", "'side' is set per page"},
                      {"label", "'label' is set per page"}});
  }
  Layered out;
  if (const TValue* b = own.find("based_on")) {
    auto bn = rd_.string(*b, "based_on");
    if (!bn) return std::nullopt;
    stack.push_back(name);
    auto base = template_layers(*bn, loc_of(*b), stack);
    stack.pop_back();
    if (!base) return std::nullopt;
    out = *base;
  }
  out.layers.insert(out.layers.end(), own.layers.begin(), own.layers.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// [edition], [output], [[stories]]

void Loader::read_meta(const TValue& t) {
  static const std::vector<std::string> kKeys{"paper",     "date",     "issue_number", "serial", "postal_code",
                                              "hotline",   "frequency", "slogan",      "subtitle", "colophon"};
  rd_.check_keys(t, kKeys, "[edition]", {{"issue", "did you mean 'issue_number'? (总第N期)"}});
  EditionMeta& m = ed_.meta;
  const auto& tab = t.as_table();
  auto str = [&](const char* k, std::string& out) {
    if (auto it = tab.find(k); it != tab.end())
      if (auto s = rd_.text(it->second, k)) out = encode_utf8(*s);
  };
  str("paper", m.paper);
  str("serial", m.serial);
  str("postal_code", m.postal_code);
  str("hotline", m.hotline);
  str("frequency", m.frequency);
  str("slogan", m.slogan);
  str("subtitle", m.subtitle);
  if (auto it = tab.find("date"); it != tab.end()) {
    const TValue& v = it->second;
    int y = 0, mo = 0, d = 0;
    bool parsed = false;
    if (v.is_local_date()) {
      const auto& ld = v.as_local_date();
      y = ld.year, mo = ld.month + 1, d = ld.day;  // toml11's month is 0-based
      parsed = true;
    } else if (v.is_string()) {
      parsed = std::sscanf(v.as_string().str.c_str(), "%d-%d-%d", &y, &mo, &d) == 3;
    }
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (!parsed) {
      rd_.error(code::kBadType, loc_of(v), "'date' must be a date such as 2024-06-14, not " + type_name(v));
    } else if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap)) {
      rd_.error(code::kBadValue, loc_of(v), "'date' is not a real date", "YYYY-MM-DD, e.g. 2024-06-14");
    } else {
      m.year = y, m.month = mo, m.day = d;
    }
  }
  if (auto it = tab.find("issue_number"); it != tab.end())
    if (auto n = rd_.integer(it->second, "issue_number", 1, 1000000000)) m.issue_number = static_cast<int>(*n);
  if (auto it = tab.find("colophon"); it != tab.end()) {
    const TValue& v = it->second;
    if (!v.is_array()) {
      rd_.error(code::kBadType, loc_of(v), "'colophon' must be a list of [label, value] pairs",
                "colophon = [[\"主管\", \"…\"], [\"主办\", \"…\"]] or [[edition.colophon]] label = … value = …");
      return;
    }
    for (const TValue& e : v.as_array()) {
      std::optional<std::u32string> label, value;
      if (e.is_array() && e.as_array().size() == 2) {
        label = rd_.text(e.as_array()[0], "colophon label");
        value = rd_.text(e.as_array()[1], "colophon value");
      } else if (e.is_table()) {
        rd_.check_keys(e, {"label", "value"}, "a colophon entry");
        const auto& et = e.as_table();
        if (et.count("label")) label = rd_.text(et.at("label"), "label");
        else rd_.error(code::kMissingKey, loc_of(e), "colophon entry without 'label'");
        if (et.count("value")) value = rd_.text(et.at("value"), "value");
        else rd_.error(code::kMissingKey, loc_of(e), "colophon entry without 'value'");
      } else {
        rd_.error(code::kBadType, loc_of(e), "a colophon entry must be [label, value] or a table {label, value}");
        continue;
      }
      if (label && value) m.colophon.emplace_back(encode_utf8(*label), encode_utf8(*value));
    }
  }
}

void Loader::read_output(const TValue& t) {
  static const std::vector<std::string> kKeys{"standard", "profile", "output_condition", "ink_limit", "marks", "proofs"};
  rd_.check_keys(t, kKeys, "[output]");
  OutputSpec& o = ed_.output;
  const auto& tab = t.as_table();
  if (auto it = tab.find("standard"); it != tab.end())
    if (auto s = rd_.choice(it->second, "standard", {"PDF/X-1a:2003", "PDF/X-4", "none"})) o.standard = *s;
  if (tab.count("profile") && !(tab.at("profile").is_string() && tab.at("profile").as_string().str.empty()))
    if (auto p = file_key(t, "profile", "ICC profile")) o.profile = *p;
  if (auto it = tab.find("output_condition"); it != tab.end())
    if (auto s = rd_.string(it->second, "output_condition")) o.output_condition = *s;
  if (auto it = tab.find("ink_limit"); it != tab.end())
    if (auto n = rd_.integer(it->second, "ink_limit", 100, 400)) o.ink_limit = static_cast<int>(*n);
  if (auto it = tab.find("marks"); it != tab.end())
    if (auto b = rd_.boolean(it->second, "marks")) o.marks = *b;
  if (auto it = tab.find("proofs"); it != tab.end())
    if (auto b = rd_.boolean(it->second, "proofs")) o.proofs = *b;
}

void Loader::read_stories(const TValue& arr) {
  if (!arr.is_array()) {
    rd_.error(code::kBadType, loc_of(arr), "'stories' must be an array of tables", "write [[stories]]");
    return;
  }
  static const std::vector<std::string> kKeys{"id", "article", "body_style", "subhead_style", "guide"};
  for (const TValue& t : arr.as_array()) {
    if (!rd_.expect_table(t, "stories")) continue;
    rd_.check_keys(t, kKeys, "a story", {{"style", "did you mean 'body_style'?"}});
    const auto& tab = t.as_table();
    StorySpec s;
    s.loc = loc_of(t);
    if (!tab.count("id")) {
      rd_.error(code::kMissingKey, s.loc, "story without 'id'", "give id = \"lead\"; frames name their story by it");
      continue;
    }
    auto id = rd_.string(tab.at("id"), "id");
    if (!id) continue;
    if (id->empty()) {
      rd_.error(code::kBadValue, loc_of(tab.at("id")), "story id is empty");
      continue;
    }
    s.id = *id;
    if (const StorySpec* prev = ed_.story(s.id)) {
      rd_.error(code::kDuplicate, loc_of(tab.at("id")), "story '" + s.id + "' is defined twice",
                "first defined at " + loc_text(prev->loc));
      continue;
    }
    if (!tab.count("article")) {
      rd_.error(code::kMissingKey, s.loc, "story '" + s.id + "' has no 'article'",
                "article = \"articles/lead.md\" (relative to the edition file)");
    } else if (auto a = file_key(t, "article", "article")) {
      s.article = *a;
    }
    if (auto it = tab.find("body_style"); it != tab.end())
      if (auto n = rd_.string(it->second, "body_style")) s.body_style = *n;
    if (auto it = tab.find("subhead_style"); it != tab.end())
      if (auto n = rd_.string(it->second, "subhead_style")) s.subhead_style = *n;
    require_style(s.body_style, tab.count("body_style") ? loc_of(tab.at("body_style")) : s.loc,
                  "story '" + s.id + "'");
    require_style(s.subhead_style, tab.count("subhead_style") ? loc_of(tab.at("subhead_style")) : s.loc,
                  "story '" + s.id + "'");
    if (auto it = tab.find("guide"); it != tab.end())
      if (auto b = rd_.boolean(it->second, "guide")) s.guide = *b;
    ed_.stories.push_back(std::move(s));
  }
}

// ---------------------------------------------------------------------------------------------
// Pages

std::optional<Sp> Loader::page_length(const TValue& table, const std::string& key, const PageSpec& p,
                                      bool allow_negative, bool allow_zero) {
  const auto& tab = table.as_table();
  auto it = tab.find(key);
  if (it == tab.end()) return std::nullopt;
  auto l = rd_.length(it->second, key, {.em = true, .lines = true});
  if (!l) return std::nullopt;
  const Sp v = l->resolve(p.grid.body_size, p.grid.line_pitch);
  if ((!allow_negative && v < 0) || (!allow_zero && v == 0)) {
    rd_.error(code::kBadValue, loc_of(it->second),
              "'" + key + "' = \"" + it->second.as_string().str + "\" must be " + (allow_zero ? "zero or more" : "positive"));
    return std::nullopt;
  }
  return v;
}

bool Loader::read_geometry(const Layered& L, PageSpec& p, const SourceLoc& where) {
  bool ok = true;
  GridSpec& g = p.grid;
  // The body style first: em and l units of the page refer to it.
  if (const TValue* v = L.find("body_style")) {
    if (auto s = rd_.string(*v, "body_style")) g.body_style = *s;
  }
  const Style* body = nullptr;
  {
    std::vector<std::string> stack;
    const TValue* v = L.find("body_style");
    if (require_style(g.body_style, v ? loc_of(*v) : where, "the page grid")) body = resolve_style(g.body_style, stack);
  }
  if (!body) return false;
  g.body_size = body->size;
  g.line_pitch = body->leading;

  // Trim.
  const TValue* trim = L.find("trim");
  if (!trim) {
    rd_.error(code::kMissingKey, where, "page " + p.label + " has no trim size",
              "trim = \"broadsheet\" | \"tabloid\" | \"A3\" | [\"297mm\", \"420mm\"], in the template or the page");
    return false;
  }
  if (trim->is_string()) {
    const std::string& s = trim->as_string().str;
    const TrimPreset* found = nullptr;
    for (const auto& t : kTrims)
      if (s == t.name) found = &t;
    if (!found) {
      std::vector<std::string> names;
      for (const auto& t : kTrims) names.push_back(t.name);
      std::string hint;
      if (auto m = did_you_mean(s, names); !m.empty()) hint = "did you mean '" + m + "'? ";
      hint += "presets: broadsheet (对开 390×540 mm), tabloid (四开 270×390 mm), berliner, A3, A4; or [\"297mm\", \"420mm\"]";
      rd_.error(code::kBadValue, loc_of(*trim), "unknown trim size '" + s + "'", hint);
      return false;
    }
    p.trim_width = sp_from_mm(found->w_mm);
    p.trim_height = sp_from_mm(found->h_mm);
  } else if (trim->is_array() && trim->as_array().size() == 2) {
    auto w = rd_.length(trim->as_array()[0], "trim width", {});
    auto h = rd_.length(trim->as_array()[1], "trim height", {});
    if (!w || !h) return false;
    if (w->sp <= 0 || h->sp <= 0) {
      rd_.error(code::kBadValue, loc_of(*trim), "the trim size must be positive");
      return false;
    }
    p.trim_width = w->sp;
    p.trim_height = h->sp;
  } else {
    rd_.error(code::kBadType, loc_of(*trim), "'trim' must be a preset name or [width, height]",
              "trim = \"broadsheet\" or trim = [\"297mm\", \"420mm\"]");
    return false;
  }

  // Page-context lengths resolve against the body style.
  auto length = [&](const char* key, Sp& out, bool positive) -> bool {
    const TValue* v = L.find(key);
    if (!v) return true;
    auto l = rd_.length(*v, key, {.em = true, .lines = true});
    if (!l) return false;
    const Sp x = l->resolve(g.body_size, g.line_pitch);
    if (x < 0 || (positive && x == 0)) {
      rd_.error(code::kBadValue, loc_of(*v), std::string("'") + key + "' must be " + (positive ? "positive" : "zero or more"));
      return false;
    }
    out = x;
    return true;
  };
  ok &= length("bleed", p.bleed, false);
  if (p.bleed > sp_from_mm(20)) {
    rd_.error(code::kBadValue, loc_of(*L.find("bleed")), "bleed of more than 20 mm", "newspapers use 0‥5 mm");
    ok = false;
  }

  // Margins: one length for all four sides, or a table.
  std::optional<Sp> m_top, m_bottom, m_in, m_out;
  const TValue* margins = L.find("margins");
  if (margins) {
    auto side = [&](const TValue& v, const char* key, std::optional<Sp>& out) {
      auto l = rd_.length(v, key, {.em = true, .lines = true});
      if (!l) { ok = false; return; }
      const Sp x = l->resolve(g.body_size, g.line_pitch);
      if (x < 0) {
        rd_.error(code::kBadValue, loc_of(v), std::string("margin '") + key + "' is negative");
        ok = false;
        return;
      }
      out = x;
    };
    if (margins->is_table()) {
      rd_.check_keys(*margins, {"top", "bottom", "inside", "outside"}, "margins",
                     {{"left", "margins are 'inside' (spine side) and 'outside'"},
                      {"right", "margins are 'inside' (spine side) and 'outside'"}});
      const auto& mt = margins->as_table();
      if (mt.count("top")) side(mt.at("top"), "top", m_top);
      if (mt.count("bottom")) side(mt.at("bottom"), "bottom", m_bottom);
      if (mt.count("inside")) side(mt.at("inside"), "inside", m_in);
      if (mt.count("outside")) side(mt.at("outside"), "outside", m_out);
    } else {
      side(*margins, "margins", m_top);
      m_bottom = m_in = m_out = m_top;
    }
  }

  // Grid.
  if (const TValue* v = L.find("columns")) {
    if (auto n = rd_.integer(*v, "columns", 1, 40)) g.columns = static_cast<int>(*n);
    else ok = false;
  } else {
    g.columns = 1;
  }
  g.gutter = g.body_size;  // one character (rule book §6)
  ok &= length("gutter", g.gutter, false);
  std::optional<Sp> column_width;
  if (L.find("column_width")) {
    Sp cw = 0;
    if (length("column_width", cw, true)) column_width = cw;
    else ok = false;
  }
  std::optional<int> fixed_lines;
  if (const TValue* v = L.find("lines")) {
    if (auto n = rd_.integer(*v, "lines", 1, 100000)) fixed_lines = static_cast<int>(*n);
    else ok = false;
  }
  if (const TValue* v = L.find("column_rules")) {
    if (auto b = rd_.boolean(*v, "column_rules")) g.column_rules = *b;
    else ok = false;
  }
  ok &= length("column_rule_width", g.column_rule_width, true);
  if (!ok) return false;

  const SourceLoc mloc = margins ? loc_of(*margins) : where;
  // Horizontal: the type width is given by the margins, or by the columns (column_width), in
  // which case at most one of inside/outside may be given and the other takes the rest.
  Sp type_w = 0, type_h = 0;
  auto solve = [&](const char* axis, Sp total, std::optional<Sp> content, std::optional<Sp>& a, std::optional<Sp>& b,
                   const char* a_name, const char* b_name, const char* content_key, Sp& size) -> bool {
    if (content) {
      if (a && b && margins && !margins->is_table()) {
        // margins = "15mm" given together with column_width/lines: keep `a`, b takes the rest.
        b.reset();
      }
      if (a && b) {
        rd_.error(code::kBadValue, mloc,
                  std::string("the ") + axis + " type area is over-determined: " + content_key + " and both " + a_name +
                      " and " + b_name + " margins are given",
                  std::string("give only one of ") + a_name + "/" + b_name + "; the other takes the rest");
        return false;
      }
      size = *content;
      const Sp rest = total - size;
      if (a) b = rest - *a;
      else if (b) a = rest - *b;
      else a = rest / 2, b = rest - rest / 2;  // centred
      if (*a < 0 || *b < 0) {
        rd_.error(code::kBadValue, mloc,
                  std::string("the ") + axis + " type area (" + fmt_pt(size) + " pt from " + content_key +
                      ") does not fit the trim (" + fmt_pt(total) + " pt) with these margins");
        return false;
      }
      return true;
    }
    if (!a || !b) {
      rd_.error(code::kMissingKey, mloc,
                std::string("page ") + p.label + ": the " + a_name + " and " + b_name + " margins are needed",
                std::string("margins = \"15mm\" or margins = { top = …, bottom = …, inside = …, outside = … }, or give ") +
                    content_key + " to size the type area from the grid");
      return false;
    }
    size = total - *a - *b;
    if (size <= 0) {
      rd_.error(code::kBadValue, mloc, std::string("the margins leave no ") + axis + " type area");
      return false;
    }
    return true;
  };
  std::optional<Sp> content_w, content_h;
  if (column_width) content_w = *column_width * g.columns + g.gutter * (g.columns - 1);
  if (fixed_lines) content_h = *fixed_lines * g.line_pitch - g.line_gap();
  if (!solve("horizontal", p.trim_width, content_w, m_in, m_out, "inside", "outside", "column_width", type_w)) return false;
  if (!solve("vertical", p.trim_height, content_h, m_top, m_bottom, "top", "bottom", "lines", type_h)) return false;
  p.margin_top = *m_top, p.margin_bottom = *m_bottom, p.margin_inside = *m_in, p.margin_outside = *m_out;
  g.type_area = {p.recto ? p.margin_inside : p.margin_outside, p.margin_top, type_w, type_h};
  if (g.column_width() <= 0) {
    rd_.error(code::kBadValue, L.find("gutter") ? loc_of(*L.find("gutter")) : where,
              "no room for " + std::to_string(g.columns) + " columns with this gutter",
              "type width " + fmt_pt(type_w) + " pt, gutter " + fmt_pt(g.gutter) + " pt");
    return false;
  }
  if (g.line_pitch <= 0 || g.body_size <= 0) return false;
  g.lines = fixed_lines ? *fixed_lines : g.lines_in(type_h);
  if (g.lines < 1) {
    rd_.error(code::kBadValue, mloc, "the type area is lower than one body line");
    return false;
  }
  return true;
}

bool Loader::read_rect(const TValue& obj, const PageSpec& p, const std::string& what, Rect& r, int* col_out,
                       int* span_out, int* line_out, int* lines_out, bool needs_vertical) {
  const auto& tab = obj.as_table();
  const GridSpec& g = p.grid;
  bool ok = true;
  auto has = [&](const char* k) { return tab.count(k) > 0; };
  auto at = [&](const char* k) -> const TValue& { return tab.at(k); };
  // Horizontal: col/span on the grid, or x/w; neither = the type area's width.
  int col = 0, span = g.columns;
  Sp x = g.type_area.x, w = g.type_area.w;
  bool grid_h = true;
  if ((has("col") || has("span")) && (has("x") || has("w"))) {
    const char* k = has("x") ? "x" : "w";
    rd_.error(code::kBadValue, key_loc(at(k), k), what + " mixes col/span with x/w",
              "place it on the grid (col, span) or in lengths (x, w), not both");
    return false;
  }
  if (has("col") || has("span")) {
    long long c = 1, s = 1;
    if (has("col")) {
      auto v = rd_.integer(at("col"), "col", 1, 1000);
      if (!v) return false;
      c = *v;
    }
    if (has("span")) {
      auto v = rd_.integer(at("span"), "span", 1, 1000);
      if (!v) return false;
      s = *v;
    }
    if (c > g.columns) {
      rd_.error(code::kOutsideGrid, key_loc(at("col"), "col"),
                what + ": column " + std::to_string(c) + " is outside the " + std::to_string(g.columns) + "-column grid",
                "columns are numbered 1‥" + std::to_string(g.columns));
      return false;
    }
    if (c + s - 1 > g.columns) {
      rd_.error(code::kOutsideGrid, has("span") ? key_loc(at("span"), "span") : key_loc(at("col"), "col"),
                what + ": columns " + std::to_string(c) + "‥" + std::to_string(c + s - 1) + " run past the " +
                    std::to_string(g.columns) + "-column grid",
                "at column " + std::to_string(c) + " the span can be at most " + std::to_string(g.columns - c + 1));
      return false;
    }
    col = static_cast<int>(c - 1), span = static_cast<int>(s);
  } else if (has("x") || has("w")) {
    grid_h = false;
    if (!has("x") || !has("w")) {
      rd_.error(code::kMissingKey, loc_of(obj), what + " needs both 'x' and 'w'", "or place it with col/span");
      return false;
    }
    auto xv = page_length(obj, "x", p, true);
    auto wv = page_length(obj, "w", p, false, false);
    if (!xv || !wv) return false;
    x = *xv, w = *wv;
  }
  // Vertical: line/lines on the baseline grid, or y/h.
  int line = 0, nlines = g.lines;
  Sp y = g.type_area.y, h = g.type_area.h;
  bool grid_v = true;
  if ((has("line") || has("lines")) && (has("y") || has("h"))) {
    const char* k = has("y") ? "y" : "h";
    rd_.error(code::kBadValue, key_loc(at(k), k), what + " mixes line/lines with y/h",
              "place it on the grid (line, lines) or in lengths (y, h), not both");
    return false;
  }
  if (has("line") || has("lines")) {
    long long l = 1;
    if (has("line")) {
      auto v = rd_.integer(at("line"), "line", 1, 100000);
      if (!v) return false;
      l = *v;
    }
    if (l > g.lines) {
      rd_.error(code::kOutsideGrid, key_loc(at("line"), "line"),
                what + ": line " + std::to_string(l) + " is below the last of the grid's " + std::to_string(g.lines) +
                    " lines",
                "lines are numbered 1‥" + std::to_string(g.lines));
      return false;
    }
    long long n = g.lines - l + 1;  // default: to the foot of the type area
    if (has("lines")) {
      auto v = rd_.integer(at("lines"), "lines", 1, 100000);
      if (!v) return false;
      n = *v;
    }
    if (l + n - 1 > g.lines) {
      rd_.error(code::kOutsideGrid, has("lines") ? key_loc(at("lines"), "lines") : key_loc(at("line"), "line"),
                what + ": lines " + std::to_string(l) + "‥" + std::to_string(l + n - 1) + " run past the grid's " +
                    std::to_string(g.lines) + " lines",
                "from line " + std::to_string(l) + " at most " + std::to_string(g.lines - l + 1) + " lines fit");
      return false;
    }
    line = static_cast<int>(l - 1), nlines = static_cast<int>(n);
  } else if (has("y") || has("h")) {
    grid_v = false;
    if (!has("y") || !has("h")) {
      rd_.error(code::kMissingKey, loc_of(obj), what + " needs both 'y' and 'h'", "or place it with line/lines");
      return false;
    }
    auto yv = page_length(obj, "y", p, true);
    auto hv = page_length(obj, "h", p, false, false);
    if (!yv || !hv) return false;
    y = *yv, h = *hv;
  } else if (needs_vertical) {
    rd_.error(code::kMissingKey, loc_of(obj), what + " has no vertical place",
              "give line = N (1-based, optional lines = count) or y and h");
    return false;
  }
  if (grid_h || grid_v) {
    const Rect c = g.cell(col, span, line, nlines);
    if (grid_h) x = c.x, w = c.w;
    if (grid_v) y = c.y, h = c.h;
  }
  r = {x, y, w, h};
  if (col_out) *col_out = grid_h ? col : -1;
  if (span_out) *span_out = grid_h ? span : 0;
  if (line_out) *line_out = grid_v ? line : -1;
  if (lines_out) *lines_out = grid_v ? nlines : 0;
  return ok;
}

bool Loader::read_placement(const TValue& obj, const PageSpec& p, const char* kind, Placed& out, bool needs_vertical) {
  const auto& tab = obj.as_table();
  out.loc = loc_of(obj);
  if (auto it = tab.find("id"); it != tab.end())
    if (auto s = rd_.string(it->second, "id")) out.id = *s;
  const std::string what = std::string(kind) + (out.id.empty() ? "" : " '" + out.id + "'");
  if (!read_rect(obj, p, what, out.rect, &out.col, &out.span, &out.line, &out.lines, needs_vertical)) return false;
  if (auto it = tab.find("wrap"); it != tab.end()) {
    auto b = rd_.boolean(it->second, "wrap");
    if (!b) return false;
    out.wrap.enabled = *b;
  }
  if (tab.count("wrap_offset")) {
    auto o = page_length(obj, "wrap_offset", p, false);
    if (!o) return false;
    out.wrap.offset = *o;
    if (!tab.count("wrap")) out.wrap.enabled = true;  // an offset asks for wrapping
  }
  return true;
}

std::optional<std::u32string> Loader::paragraphs(const TValue& v, const std::string& key) {
  if (v.is_array()) {
    std::u32string out;
    for (const TValue& e : v.as_array()) {
      auto t = rd_.text(e, key);
      if (!t) return std::nullopt;
      if (!out.empty()) out += U'\n';
      out += *t;
    }
    return out;
  }
  return rd_.text(v, key);
}

void Loader::read_objects(const Layered& L, PageSpec& p) {
  const std::string page_what = "page " + p.label;
  // Every table in every layer's array, template layers first.
  // Frames and headlines carry stories, so only the page's own layer may have them.
  auto each = [&](const char* key, const std::function<void(const TValue&)>& fn) {
    const bool page_only = std::string_view(key) == "frames" || std::string_view(key) == "headlines";
    for (const TValue* layer : L.layers) {
      if (page_only && layer != L.layers.back()) continue;
      const auto& tab = layer->as_table();
      auto it = tab.find(key);
      if (it == tab.end()) continue;
      if (!it->second.is_array()) {
        rd_.error(code::kBadType, key_loc(it->second, key), std::string("'") + key + "' must be an array of tables",
                  std::string("write [[pages.") + key + "]] (or [[templates.<name>." + key + "]])");
        continue;
      }
      for (const TValue& t : it->second.as_array())
        if (rd_.expect_table(t, key)) fn(t);
    }
  };
  auto style_key = [&](const TValue& t, const char* key, std::string& out, const std::string& what) {
    const auto& tab = t.as_table();
    SourceLoc at = loc_of(t);
    if (auto it = tab.find(key); it != tab.end()) {
      auto s = rd_.string(it->second, key);
      if (!s) return;
      out = *s;
      at = loc_of(it->second);
    }
    require_style(out, at, what);
  };
  auto story_key = [&](const TValue& t, std::string& out, const std::string& what) -> bool {
    const auto& tab = t.as_table();
    if (!tab.count("story")) {
      rd_.error(code::kMissingKey, loc_of(t), what + " has no 'story'", "story = \"<id of a [[stories]] entry>\"");
      return false;
    }
    auto s = rd_.string(tab.at("story"), "story");
    if (!s) return false;
    out = *s;
    if (!ed_.story(out)) {
      std::vector<std::string> ids;
      for (const auto& st : ed_.stories) ids.push_back(st.id);
      std::string hint;
      if (auto m = did_you_mean(out, ids); !m.empty()) hint = "did you mean '" + m + "'? ";
      hint += ids.empty() ? "no [[stories]] are defined" : "stories: ";
      for (std::size_t i = 0; i < ids.size(); ++i) hint += (i ? ", " : "") + ids[i];
      rd_.error(code::kUnknownReference, loc_of(tab.at("story")), what + " threads unknown story '" + out + "'", hint);
      return false;
    }
    return true;
  };
  auto align_key = [&](const TValue& t, TextAlign& out) {
    const auto& tab = t.as_table();
    if (auto it = tab.find("align"); it != tab.end()) {
      if (auto a = rd_.choice(it->second, "align", {"justify", "start", "center", "centre", "end", "left", "right"})) {
        if (*a == "justify") out = TextAlign::Justify;
        else if (*a == "start" || *a == "left") out = TextAlign::Start;
        else if (*a == "center" || *a == "centre") out = TextAlign::Center;
        else out = TextAlign::End;
      }
    }
  };

  each("frames", [&](const TValue& t) {
    rd_.check_keys(t, with_placement({"story", "columns", "gutter", "balance", "order"}), "a story frame",
                   {{"column", "did you mean 'col' (grid column) or 'columns' (text columns)?"}});
    FrameSpec f;
    if (!read_placement(t, p, "story frame", f)) return;
    const auto& tab = t.as_table();
    if (!story_key(t, f.story, "story frame" + (f.id.empty() ? "" : " '" + f.id + "'"))) return;
    // A frame over k grid columns holds k text columns by default (long column 长栏 = k·N + k−1
    // characters only when asked with columns = 1, rule book §6).
    f.columns = f.col >= 0 ? f.span : 1;
    if (auto it = tab.find("columns"); it != tab.end()) {
      auto n = rd_.integer(it->second, "columns", 1, 40);
      if (!n) return;
      f.columns = static_cast<int>(*n);
    }
    f.gutter = p.grid.gutter;
    if (tab.count("gutter")) {
      auto gv = page_length(t, "gutter", p, false);
      if (!gv) return;
      f.gutter = *gv;
    }
    if (f.rect.w - f.gutter * (f.columns - 1) < f.columns * p.grid.body_size) {
      rd_.error(code::kBadValue, tab.count("columns") ? loc_of(tab.at("columns")) : f.loc,
                "story frame: " + std::to_string(f.columns) + " text columns do not fit its width of " +
                    fmt_pt(f.rect.w) + " pt",
                "each column needs at least one character");
      return;
    }
    if (auto it = tab.find("balance"); it != tab.end()) {
      auto b = rd_.boolean(it->second, "balance");
      if (!b) return;
      f.balance = *b;
    }
    if (auto it = tab.find("order"); it != tab.end()) {
      auto n = rd_.integer(it->second, "order", 1, 100000);
      if (!n) return;
      f.order = static_cast<int>(*n);  // 1-based here; thread_stories() turns it into the chain index
    } else {
      f.order = 0;
    }
    p.frames.push_back(std::move(f));
  });

  each("headlines", [&](const TValue& t) {
    rd_.check_keys(t, with_placement({"story", "align", "kicker_style", "headline_style", "subtitle_style", "deck_style",
                                      "byline_style"}),
                   "a headline block");
    HeadlineSpec h;
    if (!read_placement(t, p, "headline block", h)) return;
    if (!story_key(t, h.story, "headline block")) return;
    align_key(t, h.align);
    style_key(t, "kicker_style", h.kicker_style, "headline block");
    style_key(t, "headline_style", h.headline_style, "headline block");
    style_key(t, "subtitle_style", h.subtitle_style, "headline block");
    style_key(t, "deck_style", h.deck_style, "headline block");
    style_key(t, "byline_style", h.byline_style, "headline block");
    p.headlines.push_back(std::move(h));
  });

  each("boxes", [&](const TValue& t) {
    rd_.check_keys(t, with_placement({"border", "border_width", "tint", "inset", "title", "title_style", "content", "text",
                                      "text_style", "image"}),
                   "a box");
    BoxSpec b;
    if (!read_placement(t, p, "box", b)) return;
    const auto& tab = t.as_table();
    b.border = Cmyk::black();
    if (auto it = tab.find("border"); it != tab.end()) {
      if (it->second.is_boolean()) {
        if (!it->second.as_boolean()) b.border.reset();
      } else if (auto c = rd_.colour(it->second, "border", ed_.colours)) {
        b.border = *c;
      } else {
        return;
      }
    }
    if (tab.count("border_width")) {
      auto v = page_length(t, "border_width", p, false, false);
      if (!v) return;
      b.border_width = *v;
    }
    if (auto it = tab.find("tint"); it != tab.end()) {
      auto c = rd_.colour(it->second, "tint", ed_.colours);
      if (!c) return;
      b.tint = *c;
    }
    b.inset = p.grid.body_size / 2;  // half a character keeps text off the border
    if (tab.count("inset")) {
      auto v = page_length(t, "inset", p, false);
      if (!v) return;
      b.inset = *v;
    }
    if (auto it = tab.find("title"); it != tab.end()) {
      auto s = rd_.text(it->second, "title");
      if (!s) return;
      b.title = *s;
    }
    if (!b.title.empty() || tab.count("title_style")) style_key(t, "title_style", b.title_style, "box");
    std::string content = tab.count("text") ? "text" : tab.count("image") ? "promo" : "plain";
    if (auto it = tab.find("content"); it != tab.end()) {
      auto c = rd_.choice(it->second, "content", {"plain", "guide", "text", "promo"});
      if (!c) return;
      content = *c;
    }
    b.content = content == "guide" ? BoxSpec::Content::Guide
                : content == "text" ? BoxSpec::Content::Text
                : content == "promo" ? BoxSpec::Content::Promo
                                     : BoxSpec::Content::Plain;
    if (auto it = tab.find("text"); it != tab.end()) {
      auto s = paragraphs(it->second, "text");
      if (!s) return;
      b.text = *s;
    }
    if (b.content == BoxSpec::Content::Text && b.text.empty()) {
      rd_.error(code::kMissingKey, b.loc, "a box with content = \"text\" needs 'text'");
      return;
    }
    if (b.content == BoxSpec::Content::Promo && b.text.empty() && !tab.count("image")) {
      rd_.error(code::kMissingKey, b.loc, "a promo box needs 'text' (one item per line) or 'image'");
      return;
    }
    if (b.content == BoxSpec::Content::Text || b.content == BoxSpec::Content::Promo || b.content == BoxSpec::Content::Guide)
      style_key(t, "text_style", b.text_style, "box");
    if (tab.count("image")) {
      auto f = file_key(t, "image", "image");
      if (!f) return;
      b.image = *f;
    }
    if (b.inset * 2 >= b.rect.w || b.inset * 2 >= b.rect.h) {
      rd_.error(code::kBadValue, tab.count("inset") ? loc_of(tab.at("inset")) : b.loc, "the box inset leaves no room inside");
      return;
    }
    p.boxes.push_back(std::move(b));
  });

  each("images", [&](const TValue& t) {
    rd_.check_keys(t, with_placement({"file", "fit", "caption", "caption_style"}), "an image",
                   {{"path", "did you mean 'file'?"}, {"src", "did you mean 'file'?"}});
    ImageSpec im;
    if (!read_placement(t, p, "image", im)) return;
    const auto& tab = t.as_table();
    if (!tab.count("file")) {
      rd_.error(code::kMissingKey, im.loc, "image without 'file'", "file = \"images/photo.jpg\" (PNG or JPEG)");
      return;
    }
    auto f = file_key(t, "file", "image");
    if (!f) return;
    im.path = *f;
    {
      // Only PNG and JPEG go to the plate (the PDF writer embeds nothing else).
      std::ifstream in(im.path, std::ios::binary);
      unsigned char magic[4] = {0, 0, 0, 0};
      in.read(reinterpret_cast<char*>(magic), 4);
      const bool png = magic[0] == 0x89 && magic[1] == 'P' && magic[2] == 'N' && magic[3] == 'G';
      const bool jpeg = magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF;
      if (!png && !jpeg) {
        rd_.error(code::kBadValue, loc_of(tab.at("file")), "'" + tab.at("file").as_string().str + "' is not a PNG or JPEG file");
        return;
      }
    }
    if (auto it = tab.find("fit"); it != tab.end()) {
      auto c = rd_.choice(it->second, "fit", {"fit", "fill", "crop"});
      if (!c) return;
      im.fit = *c == "fit" ? ImageSpec::Fit::Fit : *c == "fill" ? ImageSpec::Fit::Fill : ImageSpec::Fit::Crop;
    }
    if (auto it = tab.find("caption"); it != tab.end()) {
      auto s = rd_.text(it->second, "caption");
      if (!s) return;
      im.caption = *s;
    }
    if (!im.caption.empty() || tab.count("caption_style")) style_key(t, "caption_style", im.caption_style, "image");
    p.images.push_back(std::move(im));
  });

  each("rules", [&](const TValue& t) {
    rd_.check_keys(t, {"id", "from", "to", "col", "span", "line", "thickness", "colour"}, "a rule");
    RuleSpec r;
    r.loc = loc_of(t);
    const auto& tab = t.as_table();
    if (tab.count("from") || tab.count("to")) {
      if (!tab.count("from") || !tab.count("to")) {
        rd_.error(code::kMissingKey, r.loc, "a rule needs both 'from' and 'to'", "from = [\"15mm\", \"80mm\"], to = [\"282mm\", \"80mm\"]");
        return;
      }
      if (tab.count("col") || tab.count("line")) {
        rd_.error(code::kBadValue, r.loc, "a rule is given both by from/to and by col/line", "use one of the two");
        return;
      }
      auto point = [&](const char* key, Point& out) -> bool {
        const TValue& v = tab.at(key);
        if (!v.is_array() || v.as_array().size() != 2) {
          rd_.error(code::kBadType, loc_of(v), std::string("'") + key + "' must be [x, y]", "e.g. [\"15mm\", \"80mm\"]");
          return false;
        }
        auto x = rd_.length(v.as_array()[0], key, {.em = true, .lines = true});
        auto y = rd_.length(v.as_array()[1], key, {.em = true, .lines = true});
        if (!x || !y) return false;
        out = {x->resolve(p.grid.body_size, p.grid.line_pitch), y->resolve(p.grid.body_size, p.grid.line_pitch)};
        return true;
      };
      if (!point("from", r.from) || !point("to", r.to)) return;
    } else if (tab.count("line")) {
      // A horizontal rule across columns, in the middle of the gap above grid line `line`.
      Rect cell;
      int line = -1;
      if (!read_rect(t, p, "the rule", cell, nullptr, nullptr, &line, nullptr)) return;
      const Sp y = p.grid.type_area.y + line * p.grid.line_pitch - p.grid.line_gap() / 2;
      r.from = {cell.x, y};
      r.to = {cell.right(), y};
    } else {
      rd_.error(code::kMissingKey, r.loc, "a rule needs from/to or col/span/line",
                "from = [x, y], to = [x, y] in lengths, or line = N (with col, span) for a rule above grid line N");
      return;
    }
    if (tab.count("thickness")) {
      auto v = page_length(t, "thickness", p, false, false);
      if (!v) return;
      r.thickness = *v;
    }
    if (auto it = tab.find("colour"); it != tab.end()) {
      auto c = rd_.colour(it->second, "colour", ed_.colours);
      if (!c) return;
      r.colour = *c;
    }
    p.rules.push_back(r);
  });

  each("text_blocks", [&](const TValue& t) {
    rd_.check_keys(t, with_placement({"text", "style"}), "a text block");
    TextBlockSpec b;
    if (!read_placement(t, p, "text block", b)) return;
    const auto& tab = t.as_table();
    if (!tab.count("text")) {
      rd_.error(code::kMissingKey, b.loc, "text block without 'text'", "text = \"…\" or a list of paragraphs");
      return;
    }
    auto s = paragraphs(tab.at("text"), "text");
    if (!s) return;
    b.text = *s;
    style_key(t, "style", b.style, "text block");
    p.text_blocks.push_back(std::move(b));
  });

  // Furniture: one each per page; the page's table replaces the template's, `false` removes it.
  auto single = [&](const char* key) -> const TValue* {
    const TValue* v = L.find(key);
    if (!v) return nullptr;
    if (v->is_boolean() && !v->as_boolean()) return nullptr;
    if (!v->is_table()) {
      rd_.error(code::kBadType, key_loc(*v, key), std::string("'") + key + "' must be a table or false",
                std::string("[pages.") + key + "] or [templates.<name>." + key + "]; " + key + " = false removes it");
      return nullptr;
    }
    return v;
  };
  if (const TValue* t = single("masthead")) {
    rd_.check_keys(*t, with_placement({"logo", "name_style", "slogan_style", "small_style", "calendar", "day_style",
                                       "calendar_style"}),
                   "the masthead");
    MastheadSpec m;
    if (read_placement(*t, p, "masthead", m)) {
      const auto& tab = t->as_table();
      bool ok = true;
      if (tab.count("logo")) {
        if (auto f = file_key(*t, "logo", "logo")) m.logo = *f;
        else ok = false;
      }
      if (auto it = tab.find("calendar"); it != tab.end()) {
        if (!it->second.is_table()) {
          rd_.error(code::kBadType, loc_of(it->second), "'calendar' must be a table of placement keys",
                    "calendar = { col = 7, span = 2, line = 1, lines = 8 } or { x = …, y = …, w = …, h = … }");
          ok = false;
        } else {
          rd_.check_keys(it->second, {"col", "span", "line", "lines", "x", "y", "w", "h"}, "the calendar");
          ok &= read_rect(it->second, p, "the calendar", m.calendar);
        }
      }
      style_key(*t, "name_style", m.name_style, "masthead");
      style_key(*t, "slogan_style", m.slogan_style, "masthead");
      style_key(*t, "small_style", m.small_style, "masthead");
      if (!m.calendar.empty()) {
        style_key(*t, "day_style", m.day_style, "masthead calendar");
        style_key(*t, "calendar_style", m.calendar_style, "masthead calendar");
      }
      if (ok) p.masthead = std::move(m);
    }
  }
  auto simple = [&](const char* key, auto& slot, const std::vector<std::string>& extra, const std::string& what) {
    const TValue* t = single(key);
    if (!t) return;
    rd_.check_keys(*t, with_placement(extra), what);
    typename std::decay_t<decltype(slot)>::value_type s;
    if (!read_placement(*t, p, what.c_str(), s)) return;
    style_key(*t, "style", s.style, what);
    if constexpr (std::is_same_v<decltype(s), PageHeaderSpec>) {
      if (t->as_table().count("rule")) {
        auto v = page_length(*t, "rule", p, false);
        if (!v) return;
        s.rule = *v;
      }
    }
    slot = std::move(s);
  };
  simple("edition_line", p.edition_line, {"style"}, "the edition line");
  simple("colophon", p.colophon, {"style"}, "the colophon");
  simple("page_header", p.page_header, {"style", "rule"}, "the page header");
  simple("folio", p.folio, {"style"}, "the folio");
}

void Loader::check_objects(PageSpec& p) {
  const Rect page = p.bleed_rect();
  auto inside = [&](const Rect& r, const SourceLoc& loc, const std::string& what) {
    if (page.contains(r)) return;
    rd_.error(code::kOutsidePage, loc,
              what + " (" + rect_text(r) + ") is outside page " + p.label + " (trim " + fmt_pt(p.trim_width) + "x" +
                  fmt_pt(p.trim_height) + " pt, bleed " + fmt_pt(p.bleed) + " pt)",
              "objects must lie within the trim plus bleed");
  };
  auto name = [](const char* kind, const Placed& o) { return std::string(kind) + (o.id.empty() ? "" : " '" + o.id + "'"); };
  for (const auto& f : p.frames) inside(f.rect, f.loc, name("story frame", f));
  for (const auto& h : p.headlines) inside(h.rect, h.loc, name("headline block", h));
  for (const auto& b : p.boxes) inside(b.rect, b.loc, name("box", b));
  for (const auto& i : p.images) inside(i.rect, i.loc, name("image", i));
  for (const auto& t : p.text_blocks) inside(t.rect, t.loc, name("text block", t));
  for (const auto& r : p.rules) {
    if (!page.contains({std::min(r.from.x, r.to.x), std::min(r.from.y, r.to.y), std::abs(r.to.x - r.from.x),
                        std::abs(r.to.y - r.from.y)}))
      rd_.error(code::kOutsidePage, r.loc, "rule runs outside page " + p.label, "objects must lie within the trim plus bleed");
  }
  if (p.masthead) {
    inside(p.masthead->rect, p.masthead->loc, "masthead");
    if (!p.masthead->calendar.empty()) inside(p.masthead->calendar, p.masthead->loc, "masthead calendar");
  }
  if (p.edition_line) inside(p.edition_line->rect, p.edition_line->loc, "edition line");
  if (p.colophon) inside(p.colophon->rect, p.colophon->loc, "colophon");
  if (p.page_header) inside(p.page_header->rect, p.page_header->loc, "page header");
  if (p.folio) inside(p.folio->rect, p.folio->loc, "folio");

  // Story frames may not overlap: the text of two stories would print over each other.
  for (std::size_t i = 0; i < p.frames.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (p.frames[i].rect.intersects(p.frames[j].rect))
        rd_.error(code::kOverlap, p.frames[i].loc,
                  "story frame for '" + p.frames[i].story + "' overlaps the frame for '" + p.frames[j].story +
                      "' declared at " + loc_text(p.frames[j].loc),
                  "frames on a page must not overlap; to run text around an object give it wrap = true");
  // Other objects over a frame print over its text unless the text wraps around them.
  auto over = [&](const Placed& o, const char* kind) {
    if (o.wrap.enabled) return;
    for (const auto& f : p.frames)
      if (o.rect.intersects(f.rect)) {
        local_.warning(code::kOverlap, o.loc,
                       std::string(kind) + " overlaps the story frame for '" + f.story + "' (" + loc_text(f.loc) +
                           ") and does not wrap: the text will print over it",
                       "give it wrap = true, or move it");
        return;
      }
  };
  for (const auto& h : p.headlines) over(h, "headline block");
  for (const auto& b : p.boxes) over(b, "box");
  for (const auto& i : p.images) over(i, "image");
  for (const auto& t : p.text_blocks) over(t, "text block");
}

void Loader::read_pages(const TValue& arr) {
  if (!arr.is_array()) {
    rd_.error(code::kBadType, loc_of(arr), "'pages' must be an array of tables", "write [[pages]]");
    return;
  }
  std::vector<std::string> page_keys = kGeometryKeys;
  page_keys.insert(page_keys.end(), kTemplateObjectKeys.begin(), kTemplateObjectKeys.end());
  for (const char* k : {"label", "template", "section", "editor", "side", "frames", "headlines"}) page_keys.push_back(k);
  int number = 0;
  for (const TValue& t : arr.as_array()) {
    if (!rd_.expect_table(t, "pages")) continue;
    ++number;
    PageSpec p;
    p.number = number;
    p.loc = loc_of(t);
    p.label = std::to_string(number);
    rd_.check_keys(t, page_keys, "a page", {{"description", "'description' belongs to templates"}});
    const auto& tab = t.as_table();
    if (auto it = tab.find("label"); it != tab.end())
      if (auto s = rd_.string(it->second, "label")) p.label = *s;
    for (const auto& q : ed_.pages)
      if (q.label == p.label)
        rd_.error(code::kDuplicate, tab.count("label") ? loc_of(tab.at("label")) : p.loc,
                  "page label '" + p.label + "' is used twice", "first used at " + loc_text(q.loc));
    auto text = [&](const char* k, std::string& out) {
      if (auto it = tab.find(k); it != tab.end())
        if (auto s = rd_.text(it->second, k)) out = encode_utf8(*s);
    };
    text("section", p.section);
    text("editor", p.editor);
    p.recto = number % 2 == 1;  // page 1 is a right-hand page
    if (auto it = tab.find("side"); it != tab.end())
      if (auto s = rd_.choice(it->second, "side", {"right", "left"})) p.recto = *s == "right";

    Layered L;
    if (auto it = tab.find("template"); it != tab.end()) {
      auto name = rd_.string(it->second, "template");
      if (!name) continue;
      p.template_name = *name;
      std::vector<std::string> stack;
      auto tl = template_layers(*name, loc_of(it->second), stack);
      if (!tl) continue;
      L = *tl;
    }
    L.layers.push_back(&t);
    const std::size_t errors_before = local_.count(Severity::Error);
    if (!read_geometry(L, p, p.loc)) continue;
    read_objects(L, p);
    if (local_.count(Severity::Error) == errors_before) check_objects(p);
    ed_.pages.push_back(std::move(p));
  }
  if (number == 0)
    rd_.error(code::kMissingKey, loc_of(arr), "the edition has no pages", "add [[pages]] tables");
}

void Loader::thread_stories() {
  for (std::size_t si = 0; si < ed_.stories.size(); ++si) {
    StorySpec& s = ed_.stories[si];
    struct Ref {
      int page, frame, order;
    };
    std::vector<Ref> refs;
    for (std::size_t pi = 0; pi < ed_.pages.size(); ++pi)
      for (std::size_t fi = 0; fi < ed_.pages[pi].frames.size(); ++fi)
        if (ed_.pages[pi].frames[fi].story == s.id)
          refs.push_back({static_cast<int>(pi), static_cast<int>(fi), ed_.pages[pi].frames[fi].order});
    if (refs.empty()) {
      rd_.error(code::kStoryWithoutFrame, s.loc, "story '" + s.id + "' has no frame: its text would be lost",
                "add a [[pages.frames]] with story = \"" + s.id + "\"");
      continue;
    }
    const auto given = std::count_if(refs.begin(), refs.end(), [](const Ref& r) { return r.order > 0; });
    if (given > 0) {
      bool ok = true;
      for (const Ref& r : refs) {
        const FrameSpec& f = ed_.pages[static_cast<std::size_t>(r.page)].frames[static_cast<std::size_t>(r.frame)];
        if (r.order == 0) {
          rd_.error(code::kMissingKey, f.loc, "story '" + s.id + "': this frame has no 'order' but others do",
                    "give 'order' on every frame of the story, or on none (declaration order)");
          ok = false;
        }
      }
      std::stable_sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.order < b.order; });
      for (std::size_t i = 1; i < refs.size() && ok; ++i)
        if (refs[i].order == refs[i - 1].order) {
          const FrameSpec& f = ed_.pages[static_cast<std::size_t>(refs[i].page)].frames[static_cast<std::size_t>(refs[i].frame)];
          rd_.error(code::kDuplicate, f.loc, "story '" + s.id + "': two frames have order = " + std::to_string(refs[i].order));
          ok = false;
        }
      if (!ok) continue;
    }
    for (std::size_t i = 0; i < refs.size(); ++i) {
      ed_.pages[static_cast<std::size_t>(refs[i].page)].frames[static_cast<std::size_t>(refs[i].frame)].order =
          static_cast<int>(i);
      s.chain.push_back({refs[i].page, refs[i].frame});
    }
  }
}

std::optional<Edition> Loader::run(const std::string& path) {
  ed_.path = fs::absolute(fs::path(path)).lexically_normal().string();
  load_file(path, SourceLoc(), true);
  const SourceFile* edition = nullptr;
  for (const auto& f : files_)
    if (f->is_edition) edition = f.get();

  if (edition) {
    const auto& root = edition->root.as_table();
    if (auto it = root.find("size_table"); it != root.end())
      if (auto s = rd_.choice(it->second, "size_table", {"traditional", "wps"})) {
        ed_.size_table = *s == "wps" ? SizeTable::Wps : SizeTable::Traditional;
        rd_.set_sizes(ed_.size_table);
      }
    collect_definitions();
    resolve_colours();
    resolve_styles();
    if (auto it = root.find("edition"); it != root.end() && rd_.expect_table(it->second, "edition")) read_meta(it->second);
    if (auto it = root.find("output"); it != root.end() && rd_.expect_table(it->second, "output")) read_output(it->second);
    if (auto it = root.find("stories"); it != root.end()) read_stories(it->second);
    const std::size_t errors_before_pages = local_.count(Severity::Error);
    if (auto it = root.find("pages"); it != root.end()) read_pages(it->second);
    else rd_.error(code::kMissingKey, SourceLoc(edition->display, 1, 1), "the edition has no pages", "add [[pages]] tables");
    // A page or frame that failed to read would make its stories look frameless: thread the
    // stories only when every page was read.
    if (local_.count(Severity::Error) == errors_before_pages) thread_stories();
    // Warn about colours over the ink limit (prepress checklist: total area coverage).
    for (const auto& [name, st] : ed_.styles)
      if (st.colour.total_ink() > ed_.output.ink_limit * 10)
        local_.warning(code::kInkLimit, st.loc,
                       "style '" + name + "' colour has " + std::to_string(st.colour.total_ink() / 10) +
                           "% ink, above the limit of " + std::to_string(ed_.output.ink_limit) + "%",
                       "lower the CMYK values or raise [output] ink_limit");
  }

  // A template read by several pages reports its problems once.
  std::set<std::tuple<std::string, std::string, int, int, std::string>> seen;
  for (const auto& d : local_.all())
    if (seen.insert({d.code, d.loc.file, d.loc.line, d.loc.column, d.message}).second) out_.add(d);
  if (local_.has_errors() || !edition) return std::nullopt;
  return std::move(ed_);
}

}  // namespace

std::optional<Edition> load_edition(const std::string& path, Diagnostics& diags) {
  try {
    Loader loader(diags);
    return loader.run(path);
  } catch (const std::exception& e) {
    // toml11 accessors throw on type mismatches we failed to guard; never let that escape.
    diags.error("descriptor.internal", SourceLoc(path), std::string("descriptor could not be read: ") + e.what(),
                "please report this with the descriptor attached");
    return std::nullopt;
  }
}

}  // namespace paiban
