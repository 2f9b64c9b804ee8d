// Content-stream checks: an interpreter over qpdf's content tokens (QPDFTokenizer through a
// TokenFilter; operands are light values, not QPDFObjectHandles: building a qpdf object per
// operand was 60 % of preflight's time on a newspaper page) that tracks the graphics state — q/Q, cm, gs (LW, OP/op/OPM, Font), colour
// spaces and colours, line width, text state — and checks every painting operator:
//   C01 colour spaces, C02 spot plates, C03 vector ink, C04 black text pure K, C05 black overprint, C06 small/thin
//   elements in one ink + minimum line width, C08 registration colour, F03 missing glyphs
//   (.notdef), F04 minimum text size, F05 text rendering modes, G05 extent beyond the BleedBox,
//   G06 marks,
//   I01–I05 images, P11 PostScript operator.
// Form XObjects are entered (with their /Matrix and /BBox), coloured tiling patterns are run once.
#include <fmt/format.h>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <memory>
#include <unordered_map>

#include "engine/preflight/colour.h"
#include "engine/preflight/image.h"
#include "engine/preflight/internal.h"

namespace paiban::preflight_detail {

namespace {

constexpr int kMaxFormDepth = 32;       // nested forms deeper than this are pathological
constexpr double kBleedTolPt = 0.01 / kMmPerPt;  // G05: 0.01 mm, far below anything visible
constexpr int kMinPixelsForPpi = 16;    // 1×1 … 4×4 images are flat colour patches, not pictures

// What the interpreter needs of a font: code length, advances for positions, .notdef mapping.
struct FontInfo {
  std::string label;
  bool composite = false, identity = false, vertical = false, type3 = false;
  double dw = 1000;                  // composite: /DW
  std::map<unsigned, double> w;      // composite: /W
  double dw2_y = -1000;              // composite vertical advance (/DW2 second value)
  int first_char = 0;                // simple fonts
  std::vector<double> widths;
  double missing_width = 0;
  std::string cid_to_gid;            // CIDFontType2 /CIDToGIDMap stream bytes (empty: identity/none)
  double ascent = 0.88, descent = -0.12;  // em fractions (typical CJK ideographic box)
  double width_scale = 0.001;        // glyph units → text space (Type 3: FontMatrix a)

  double advance(unsigned code) const {
    if (composite) {
      auto it = w.find(code);
      return (it != w.end() ? it->second : dw) * width_scale;
    }
    const int i = static_cast<int>(code) - first_char;
    if (i >= 0 && i < static_cast<int>(widths.size())) return widths[static_cast<std::size_t>(i)] * width_scale;
    return missing_width * width_scale;
  }
  // Identity-encoded CID fonts: code = CID; CID 0 is .notdef, and so is a CID whose
  // CIDToGIDMap entry is 0 or beyond the map (PDF 1.7 §9.7.4.2).
  bool notdef(unsigned cid) const {
    if (!composite || !identity) return false;
    if (cid == 0) return true;
    if (cid_to_gid.empty()) return false;
    const std::size_t at = 2 * static_cast<std::size_t>(cid);
    if (at + 1 >= cid_to_gid.size()) return true;
    return static_cast<unsigned char>(cid_to_gid[at]) == 0 && static_cast<unsigned char>(cid_to_gid[at + 1]) == 0;
  }
};

double num_or(QPDFObjectHandle h, double fallback) { return h.isNumber() ? h.getNumericValue() : fallback; }

std::shared_ptr<FontInfo> load_font(QPDFObjectHandle f, const std::string& res_name) {
  auto fi = std::make_shared<FontInfo>();
  const std::string sub = name_of(f.getKey("/Subtype"));
  std::string base = name_of(f.getKey("/BaseFont"));
  QPDFObjectHandle fd;
  if (sub == "/Type0") {
    fi->composite = true;
    const std::string enc = name_of(f.getKey("/Encoding"));
    fi->identity = enc == "/Identity-H" || enc == "/Identity-V";
    fi->vertical = enc.size() > 2 && enc.compare(enc.size() - 2, 2, "-V") == 0;
    auto desc = f.getKey("/DescendantFonts");
    if (desc.isArray() && desc.getArrayNItems() > 0) {
      auto d = desc.getArrayItem(0);
      fd = d.getKey("/FontDescriptor");
      fi->dw = num_or(d.getKey("/DW"), 1000);
      if (auto dw2 = d.getKey("/DW2"); dw2.isArray() && dw2.getArrayNItems() == 2) fi->dw2_y = num_or(dw2.getArrayItem(1), -1000);
      if (auto w = d.getKey("/W"); w.isArray()) {
        const int n = w.getArrayNItems();
        for (int i = 0; i < n;) {
          auto a = w.getArrayItem(i);
          if (!a.isInteger()) break;
          auto b = i + 1 < n ? w.getArrayItem(i + 1) : QPDFObjectHandle::newNull();
          if (b.isArray()) {  // c [w1 w2 …]
            unsigned c = static_cast<unsigned>(a.getIntValue());
            for (auto& x : b.aitems()) fi->w[c++] = num_or(x, fi->dw);
            i += 2;
          } else if (b.isInteger() && i + 2 < n) {  // c1 c2 w
            const double wv = num_or(w.getArrayItem(i + 2), fi->dw);
            // Guard against absurd ranges in damaged files: CIDs are 16-bit.
            for (long long c = a.getIntValue(); c <= b.getIntValue() && c <= 0xFFFF; ++c) fi->w[static_cast<unsigned>(c)] = wv;
            i += 3;
          } else {
            break;
          }
        }
      }
      if (auto map = d.getKey("/CIDToGIDMap"); map.isStream()) {
        auto buf = map.getStreamData(qpdf_dl_generalized);
        fi->cid_to_gid.assign(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
      }
      if (auto b = name_of(d.getKey("/BaseFont")); !b.empty()) base = b;
    }
  } else {
    fi->type3 = sub == "/Type3";
    fd = f.getKey("/FontDescriptor");
    fi->first_char = clamp_int(num_or(f.getKey("/FirstChar"), 0), 0, 0xFFFF);
    if (auto w = f.getKey("/Widths"); w.isArray())
      for (auto& x : w.aitems()) fi->widths.push_back(num_or(x, 0));
    if (fd.isDictionary()) fi->missing_width = num_or(fd.getKey("/MissingWidth"), 0);
    if (fi->type3)
      if (auto m = f.getKey("/FontMatrix"); m.isArray() && m.getArrayNItems() == 6) fi->width_scale = num_or(m.getArrayItem(0), 0.001);
  }
  if (fd.isDictionary()) {
    const double a = num_or(fd.getKey("/Ascent"), 0), d = num_or(fd.getKey("/Descent"), 0);
    if (a > 0 && a - d > 0) {
      fi->ascent = a / 1000;
      fi->descent = std::min(0.0, d / 1000);
    }
  }
  fi->label = res_name + (base.empty() ? "" : " " + base);
  return fi;
}

// A content-stream operand (PDF 32000-1 §7.8.2): numbers, names and strings as values, arrays
// of operands; anything else (booleans, null, dictionaries — BDC properties, inline-image
// entries) is kept as its source text and parsed by qpdf only when a check needs it.
struct Operand {
  enum class Kind : std::uint8_t { Number, Integer, Name, String, Array, Other };
  Kind kind = Kind::Other;
  double num = 0;
  std::string text;  // name (with its '/'), decoded string bytes, or the source of an Other
  std::vector<Operand> items;

  bool is_number() const { return kind == Kind::Number || kind == Kind::Integer; }
  bool is_name() const { return kind == Kind::Name; }
  bool is_string() const { return kind == Kind::String; }
  bool is_array() const { return kind == Kind::Array; }
};

QPDFObjectHandle to_qpdf(const Operand& o) {
  switch (o.kind) {
    case Operand::Kind::Integer: return QPDFObjectHandle::newInteger(static_cast<long long>(o.num));
    case Operand::Kind::Number: return QPDFObjectHandle::newReal(o.num, 6);
    case Operand::Kind::Name: return QPDFObjectHandle::newName(o.text);
    case Operand::Kind::String: return QPDFObjectHandle::newString(o.text);
    case Operand::Kind::Array: {
      std::vector<QPDFObjectHandle> items;
      items.reserve(o.items.size());
      for (const Operand& i : o.items) items.push_back(to_qpdf(i));
      return QPDFObjectHandle::newArray(items);
    }
    case Operand::Kind::Other: break;
  }
  try {
    return QPDFObjectHandle::parse(o.text, "content operand");
  } catch (const std::exception&) {
    return QPDFObjectHandle::newNull();
  }
}

struct Colour {
  CsPtr cs = device_gray();
  std::vector<double> comps{0.0};
  std::string pattern;  // scn with a pattern name
};

struct GState {
  Matrix ctm;
  Colour fill, stroke;
  double line_width = 1;
  bool OP = false, op = false;
  int OPM = 0;
  std::shared_ptr<const FontInfo> font;
  double font_size = 0;
  double Tc = 0, Tw = 0, Th = 1, TL = 0, Ts = 0;
  int Tr = 0;
  Box clip;  // page space
};

// One content stream being interpreted (page, form, pattern).
struct Run {
  QPDFObjectHandle resources;
  GState gs;
  std::vector<GState> stack;
  std::vector<Operand> operands;
  // Arrays and dictionaries being read: operands inside them go to the innermost one.
  std::vector<Operand> open;
  std::vector<int> dict_depth;  // per open Other: nesting of << >> (its text is collected raw)
  Box path;
  bool pending_clip = false;
  Matrix tm, tlm;
  bool in_pattern = false;  // pattern space: places are not page places
  int depth = 0;
  std::vector<Operand> inline_dict;  // operands between BI and ID
  std::string inline_data;
  bool have_inline = false;
};

class PageChecker {
 public:
  PageChecker(Context& ctx, const PageInfo& page, std::map<QPDFObjGen, std::shared_ptr<FontInfo>>& fonts,
              std::set<QPDFObjGen>& patterns_done)
      : ctx_(ctx), page_(page), opt_(ctx.options), fonts_(fonts), patterns_done_(patterns_done) {}

  void check() {
    GState gs;
    gs.clip = page_.eff_crop;
    QPDFObjectHandle page = page_.page;
    auto res = page.getKey("/Resources");
    auto node = page.getKey("/Parent");
    for (int i = 0; i < 64 && res.isNull() && node.isDictionary(); ++i, node = node.getKey("/Parent"))
      res = node.getKey("/Resources");
    QPDFPageObjectHelper ph(page_.page);
    run([&](QPDFObjectHandle::TokenFilter* tf) { ph.filterContents(tf); }, res, gs, false, 0, "page content");
  }

 private:
  template <class Parse>
  void run(Parse&& parse, QPDFObjectHandle resources, const GState& gs, bool in_pattern, int depth, const std::string& what) {
    Run r;
    r.resources = resources;
    r.gs = gs;
    r.in_pattern = in_pattern;
    r.depth = depth;
    const std::string* outer_what = what_;  // forms nest runs
    what_ = &what;
    struct Tokens : QPDFObjectHandle::TokenFilter {
      Tokens(PageChecker& pc, Run& r) : pc(pc), r(r) {}
      void handleToken(QPDFTokenizer::Token const& t) override { pc.token(r, t); }
      PageChecker& pc;
      Run& r;
    } tokens(*this, r);
    try {
      parse(&tokens);
      if (!r.open.empty()) bad_syntax(r, what, "unterminated array or dictionary");
    } catch (const std::exception& e) {
      add("P01", Severity::Error, std::nullopt, fmt::format("{} cannot be parsed: {}", what, e.what()));
    }
    what_ = outer_what;
  }

  void add(const std::string& id, Severity level, const std::optional<Box>& where, std::string msg, const std::string& fold = {}) {
    ctx_.sink.add(id, level, page_.number, where, std::move(msg), fold);
  }
  std::optional<Box> place(const Run& r, const Box& b) const {
    if (r.in_pattern || !b.valid) return std::nullopt;
    return b;
  }

  static double number(const Run& r, std::size_t i) {
    if (i >= r.operands.size()) return 0.0;
    const Operand& o = r.operands[i];
    return o.is_number() ? o.num : 0.0;
  }
  Matrix matrix_operands(const Run& r) const {
    return {number(r, 0), number(r, 1), number(r, 2), number(r, 3), number(r, 4), number(r, 5)};
  }
  static QPDFObjectHandle resource(const Run& r, const char* category, const std::string& name) {
    QPDFObjectHandle res = r.resources;
    auto cat = res.isDictionary() ? res.getKey(category) : QPDFObjectHandle::newNull();
    return cat.isDictionary() ? cat.getKey(name) : QPDFObjectHandle::newNull();
  }

  void bad_syntax(Run& r, const std::string& what, const std::string& why) {
    add("P01", Severity::Error, std::nullopt, fmt::format("{} cannot be parsed: {}", what, why), "syntax" + what);
    r.open.clear();
    r.dict_depth.clear();
  }

  // One token of the content stream: operands are collected (arrays nested, dictionaries kept as
  // text) until an operator word applies them.
  void token(Run& r, const QPDFTokenizer::Token& t) {
    using T = QPDFTokenizer;
    const auto type = t.getType();
    if (type == T::tt_space || type == T::tt_comment || type == T::tt_eof) return;
    // Inside a dictionary: collect its source text up to the matching >>.
    if (!r.dict_depth.empty() && r.dict_depth.back() > 0) {
      Operand& d = r.open.back();
      d.text += t.getRawValue();
      d.text += ' ';
      if (type == T::tt_dict_open) ++r.dict_depth.back();
      if (type == T::tt_dict_close && --r.dict_depth.back() == 0) {
        r.dict_depth.pop_back();
        Operand done = std::move(r.open.back());
        r.open.pop_back();
        push_operand(r, std::move(done));
      }
      return;
    }
    Operand o;
    switch (type) {
      case T::tt_integer:
      case T::tt_real: {
        const std::string& v = t.getValue();
        o.kind = type == T::tt_integer ? Operand::Kind::Integer : Operand::Kind::Number;
        const char* b = v.data();
        const char* e = b + v.size();
        if (b != e && *b == '+') ++b;  // from_chars takes no sign but '-'
        if (std::from_chars(b, e, o.num).ec != std::errc()) o.num = 0;
        push_operand(r, std::move(o));
        return;
      }
      case T::tt_name:
        o.kind = Operand::Kind::Name;
        o.text = t.getValue();
        push_operand(r, std::move(o));
        return;
      case T::tt_string:
        o.kind = Operand::Kind::String;
        o.text = t.getValue();
        push_operand(r, std::move(o));
        return;
      case T::tt_bool:
      case T::tt_null:
        o.text = t.getRawValue();
        push_operand(r, std::move(o));
        return;
      case T::tt_array_open:
        o.kind = Operand::Kind::Array;
        r.open.push_back(std::move(o));
        r.dict_depth.push_back(0);
        return;
      case T::tt_array_close: {
        if (r.open.empty() || r.open.back().kind != Operand::Kind::Array) return bad_syntax(r, *what_, "unexpected ]");
        r.dict_depth.pop_back();
        Operand done = std::move(r.open.back());
        r.open.pop_back();
        push_operand(r, std::move(done));
        return;
      }
      case T::tt_dict_open:
        o.text = "<< ";
        r.open.push_back(std::move(o));
        r.dict_depth.push_back(1);
        return;
      case T::tt_inline_image:
        r.inline_data = t.getValue();
        r.have_inline = true;
        return;
      case T::tt_word:
        if (!r.open.empty()) return bad_syntax(r, *what_, "operator " + t.getValue() + " inside an array");
        operate(r, t.getValue());
        r.operands.clear();
        return;
      default:  // tt_bad, a stray >> or brace
        return bad_syntax(r, *what_, t.getErrorMessage().empty() ? "unexpected '" + t.getRawValue() + "'" : t.getErrorMessage());
    }
  }

  void push_operand(Run& r, Operand&& o) {
    if (r.open.empty()) r.operands.push_back(std::move(o));
    else r.open.back().items.push_back(std::move(o));
  }

  void add_point(Run& r, double x, double y) {
    double px, py;
    r.gs.ctm.apply(x, y, px, py);
    r.path.add(px, py);
  }

  void operate(Run& r, const std::string& op) {
    GState& gs = r.gs;
    const std::size_t n = r.operands.size();
    // Path construction.
    if (op == "m" || op == "l") { add_point(r, number(r, 0), number(r, 1)); return; }
    if (op == "c") { for (int i = 0; i < 3; ++i) add_point(r, number(r, 2 * i), number(r, 2 * i + 1)); return; }
    if (op == "v" || op == "y") { for (int i = 0; i < 2; ++i) add_point(r, number(r, 2 * i), number(r, 2 * i + 1)); return; }
    if (op == "re") {
      const double x = number(r, 0), y = number(r, 1), w = number(r, 2), h = number(r, 3);
      add_point(r, x, y); add_point(r, x + w, y); add_point(r, x, y + h); add_point(r, x + w, y + h);
      return;
    }
    if (op == "h") return;
    if (op == "W" || op == "W*") { r.pending_clip = true; return; }
    // Path painting.
    if (op == "S" || op == "s") { paint_path(r, false, true); return; }
    if (op == "f" || op == "F" || op == "f*") { paint_path(r, true, false); return; }
    if (op == "B" || op == "B*" || op == "b" || op == "b*") { paint_path(r, true, true); return; }
    if (op == "n") { paint_path(r, false, false); return; }
    // Text.
    if (op == "BT") { r.tm = r.tlm = Matrix{}; return; }
    if (op == "ET") return;
    if (op == "Tf") {
      if (n >= 2 && r.operands[0].is_name()) {
        gs.font = font(r, r.operands[0].text);
        gs.font_size = number(r, 1);
      }
      return;
    }
    if (op == "Tc") { gs.Tc = number(r, 0); return; }
    if (op == "Tw") { gs.Tw = number(r, 0); return; }
    if (op == "Tz") { gs.Th = number(r, 0) / 100; return; }
    if (op == "TL") { gs.TL = number(r, 0); return; }
    if (op == "Ts") { gs.Ts = number(r, 0); return; }
    if (op == "Tr") { gs.Tr = clamp_int(number(r, 0), -1, 8); return; }
    if (op == "Td" || op == "TD") {
      if (op == "TD") gs.TL = -number(r, 1);
      r.tlm = Matrix{1, 0, 0, 1, number(r, 0), number(r, 1)}.then(r.tlm);
      r.tm = r.tlm;
      return;
    }
    if (op == "Tm") { r.tm = r.tlm = matrix_operands(r); return; }
    if (op == "T*") { next_line(r); return; }
    if (op == "Tj") { if (n >= 1) show(r, &r.operands[0], &r.operands[0] + 1); return; }
    if (op == "'") { next_line(r); if (n >= 1) show(r, &r.operands[0], &r.operands[0] + 1); return; }
    if (op == "\"") {
      gs.Tw = number(r, 0);
      gs.Tc = number(r, 1);
      next_line(r);
      if (n >= 3) show(r, &r.operands[2], &r.operands[2] + 1);
      return;
    }
    if (op == "TJ") {
      if (n >= 1 && r.operands[0].is_array()) {
        const auto& items = r.operands[0].items;
        show(r, items.data(), items.data() + items.size());
      }
      return;
    }
    // Graphics state.
    if (op == "q") { r.stack.push_back(gs); return; }
    if (op == "Q") {
      if (!r.stack.empty()) { gs = r.stack.back(); r.stack.pop_back(); }
      return;
    }
    if (op == "cm") { gs.ctm = matrix_operands(r).then(gs.ctm); return; }
    if (op == "w") { gs.line_width = number(r, 0); return; }
    if (op == "gs") { if (n >= 1 && r.operands[0].is_name()) ext_gstate(r, r.operands[0].text); return; }
    // Colour.
    if (op == "CS" || op == "cs") {
      Colour& c = op == "CS" ? gs.stroke : gs.fill;
      c.cs = n >= 1 ? parse_colour_space(to_qpdf(r.operands[0]), r.resources) : device_gray();
      c.comps = initial_colour(*c.cs);
      c.pattern.clear();
      return;
    }
    if (op == "SC" || op == "SCN" || op == "sc" || op == "scn") {
      Colour& c = (op == "SC" || op == "SCN") ? gs.stroke : gs.fill;
      c.comps.clear();
      c.pattern.clear();
      for (const Operand& o : r.operands) {
        if (o.is_number()) c.comps.push_back(o.num);
        else if (o.is_name()) c.pattern = o.text;
      }
      return;
    }
    if (op == "G" || op == "g") { set_colour(op == "G" ? gs.stroke : gs.fill, device_gray(), r); return; }
    if (op == "K" || op == "k") { set_colour(op == "K" ? gs.stroke : gs.fill, device_cmyk(), r); return; }
    if (op == "RG" || op == "rg") {
      static const CsPtr rgb = parse_colour_space(QPDFObjectHandle::newName("/DeviceRGB"), QPDFObjectHandle::newNull());
      set_colour(op == "RG" ? gs.stroke : gs.fill, rgb, r);
      return;
    }
    // XObjects, shadings, inline images.
    if (op == "Do") { if (n >= 1 && r.operands[0].is_name()) xobject(r, r.operands[0].text); return; }
    if (op == "sh") { if (n >= 1 && r.operands[0].is_name()) shading(r, resource(r, "/Shading", r.operands[0].text), r.gs.clip); return; }
    if (op == "BI") { r.inline_dict.clear(); r.have_inline = false; return; }
    if (op == "ID") { r.inline_dict = r.operands; return; }
    if (op == "EI") { if (r.have_inline) inline_image(r); r.have_inline = false; return; }
    if (op == "PS") {
      add("P11", Severity::Error, std::nullopt, "content uses the PostScript operator PS", "PS");
      return;
    }
  }

  void set_colour(Colour& c, CsPtr cs, const Run& r) {
    c.cs = std::move(cs);
    c.pattern.clear();
    c.comps.clear();
    for (const Operand& o : r.operands)
      if (o.is_number()) c.comps.push_back(o.num);
  }

  void next_line(Run& r) {
    r.tlm = Matrix{1, 0, 0, 1, 0, -r.gs.TL}.then(r.tlm);
    r.tm = r.tlm;
  }

  std::shared_ptr<const FontInfo> font(const Run& r, const std::string& name) {
    auto f = resource(r, "/Font", name);
    if (!f.isDictionary()) {
      add("P01", Severity::Error, std::nullopt, fmt::format("Tf selects font {} that is not in the resources", name), "nofont" + name);
      return nullptr;
    }
    return font_of(f, name);
  }

  std::shared_ptr<const FontInfo> font_of(QPDFObjectHandle f, const std::string& name) {
    if (!f.isIndirect()) return load_font(f, name);
    auto& slot = fonts_[f.getObjGen()];
    if (!slot) slot = load_font(f, name);
    return slot;
  }

  void ext_gstate(Run& r, const std::string& name) {
    auto g = resource(r, "/ExtGState", name);
    if (!g.isDictionary()) {
      add("P01", Severity::Error, std::nullopt, fmt::format("gs selects {} that is not in the resources", name), "nogs" + name);
      return;
    }
    GState& gs = r.gs;
    if (auto v = g.getKey("/LW"); v.isNumber()) gs.line_width = v.getNumericValue();
    // PDF 1.7 Table 58: /OP sets stroking overprint and, when /op is absent, non-stroking too.
    if (auto v = g.getKey("/OP"); v.isBool()) {
      gs.OP = v.getBoolValue();
      if (!g.hasKey("/op")) gs.op = gs.OP;
    }
    if (auto v = g.getKey("/op"); v.isBool()) gs.op = v.getBoolValue();
    if (auto v = g.getKey("/OPM"); v.isNumber()) gs.OPM = clamp_int(v.getNumericValue(), 0, 2);
    if (auto v = g.getKey("/Font"); v.isArray() && v.getArrayNItems() == 2 && v.getArrayItem(0).isDictionary()) {
      gs.font = font_of(v.getArrayItem(0), name + " font");
      gs.font_size = num_or(v.getArrayItem(1), 0);
    }
  }

  // ---- colour checks shared by every painting operator ----------------------------------

  // The colour actually painted: an uncoloured tiling pattern paints its base colour; a coloured
  // pattern or shading has no single colour (its own content is checked where it is defined).
  struct Painted {
    const ColourSpace* space = nullptr;
    Inks inks;
    bool has_inks = false;
  };

  Painted painted(Run& r, const Colour& c, const Box& where) {
    Painted p;
    p.space = c.cs.get();
    if (c.cs->kind == CsKind::Pattern) {
      pattern(r, c, where);
      if (c.cs->base) {
        p.space = c.cs->base.get();
        p.inks = inks_of(*c.cs->base, c.comps);
        p.has_inks = p.inks.known;
      }
      return p;
    }
    p.inks = inks_of(*c.cs, c.comps);
    p.has_inks = p.inks.known;
    return p;
  }

  // C01, and C02 for the spot plates the space paints on. Returns false when the space is not
  // allowed (and was reported).
  bool check_space(const Run& r, const ColourSpace& cs, const Box& where, const char* what) {
    for (const ColourSpace* s = &cs; s; s = s->base.get()) {
      if (s->kind != CsKind::Separation && s->kind != CsKind::DeviceN) continue;
      for (const auto& name : s->colorants) {
        if (name == "Cyan" || name == "Magenta" || name == "Yellow" || name == "Black" || name == "All" || name == "None") continue;
        const auto& ok = opt_.allowed_spot_colours;
        if (std::find(ok.begin(), ok.end(), name) == ok.end())
          add("C02", Severity::Error, place(r, where),
              fmt::format("spot colour '{}' in {} is not among the allowed plates{}", name, what,
                          ok.empty() ? " (none configured)" : ""),
              "spot" + name);
      }
    }
    const std::string why = forbidden_reason(cs);
    if (why.empty()) return true;
    add("C01", Severity::Error, place(r, where), fmt::format("{} in {}", why, what), std::string(what) + why);
    return false;
  }

  // Checks on the painted area: C03 ink and C08 registration colour inside the trim; marks
  // (registration colour outside the trim, checklist G06) must stay outside the BleedBox, use
  // /Separation /All and 0.25–0.5 pt lines; anything else must stay inside the BleedBox (G05).
  void check_area(const Run& r, const Painted& p, const Box& visible, const char* what, double stroke_width_pt = -1) {
    if (r.in_pattern || !visible.valid) return;
    if (p.has_inks) {
      const double tac = p.inks.total() * 100;
      if (tac > opt_.ink_limit_percent + 0.05 && mm2_of(visible.intersect(page_.eff_bleed)) >= opt_.ink_min_area_mm2)
        add("C03", Severity::Error, visible,
            fmt::format("{} total ink {} % ({}) exceeds the {} % limit", what, fmt_num(tac, 1), p.inks.describe(),
                        opt_.ink_limit_percent),
            std::string(what) + p.inks.describe());
      if (p.inks.registration_like()) {
        if (visible.intersects(page_.eff_trim)) {
          add("C08", Severity::Error, visible,
              fmt::format("{} in registration colour ({}) inside the TrimBox", what, p.inks.describe()), what);
        } else {
          if (visible.intersects(page_.eff_bleed))
            add("G06", Severity::Error, visible, fmt::format("mark ({}) reaches into the BleedBox", what), "bleed");
          if (!p.inks.registration)
            add("G06", Severity::Error, visible,
                fmt::format("mark ({}) in {}; marks use /Separation /All", what, p.inks.describe()), "all");
          constexpr double kMarkMin = 0.25, kMarkMax = 0.5;  // checklist G06
          if (stroke_width_pt >= 0 && (stroke_width_pt < kMarkMin - 1e-6 || stroke_width_pt > kMarkMax + 1e-6))
            add("G06", Severity::Error, visible,
                fmt::format("mark line width {} pt outside 0.25–0.5 pt", fmt_num(stroke_width_pt, 3)), "width");
          return;  // marks belong outside the BleedBox: not G05
        }
      }
    }
    if (!page_.eff_bleed.contains(visible, kBleedTolPt))
      add("G05", Severity::Warning, visible, fmt::format("{} extends beyond the BleedBox", what), what);
  }

  // A printer's mark: registration colour outside the TrimBox (C08 inside, G06 outside).
  bool is_mark(const Painted& p, const Box& visible) const {
    return p.has_inks && p.inks.registration_like() && visible.valid && !visible.intersects(page_.eff_trim);
  }

  // C05: does this paint overprint the other process plates?
  static bool overprints(const GState& gs, const ColourSpace& cs, bool fill, std::string& why) {
    const bool flag = fill ? gs.op : gs.OP;
    if (!flag) {
      why = fmt::format("overprint is off ({} false)", fill ? "/op" : "/OP");
      return false;
    }
    if (cs.kind == CsKind::Cmyk) {
      if (gs.OPM != 1) {
        why = "/OPM is 0, so DeviceCMYK zeros knock out C, M and Y (PDF 1.7 §8.6.7)";
        return false;
      }
      return true;
    }
    if (cs.kind == CsKind::Separation || cs.kind == CsKind::DeviceN) return true;
    why = fmt::format("{} black knocks out C, M and Y even with overprint on (PDF 1.7 §8.6.7); use 0 0 0 1 k", cs.label);
    return false;
  }

  // ---- paths ----------------------------------------------------------------------------

  void paint_path(Run& r, bool fill, bool stroke) {
    GState& gs = r.gs;
    Box bbox = r.path;
    if (stroke) bbox = bbox.inflated(gs.line_width * std::max(gs.ctm.x_scale(), gs.ctm.y_scale()) / 2);
    const Box visible = bbox.intersect(gs.clip);
    if (fill && bbox.valid) {
      auto p = painted(r, gs.fill, visible);
      if (!check_space(r, *p.space, visible, "fill")) p.has_inks = false;
      check_area(r, p, visible, "fill");
    }
    if (stroke && bbox.valid) {
      const double width_pt = gs.line_width * gs.ctm.min_scale();
      auto p = painted(r, gs.stroke, visible);
      if (!check_space(r, *p.space, visible, "stroke")) p.has_inks = false;
      if (visible.valid) {
        if (width_pt < pt_from_sp(opt_.min_line_width) - 1e-6)
          add("C06", Severity::Error, place(r, visible),
              fmt::format("line width {} pt is below the {} pt minimum{}", fmt_num(width_pt, 3), fmt_num(pt_from_sp(opt_.min_line_width), 3),
                          gs.line_width == 0 ? " (0 = thinnest line the device can draw)" : ""),
              "hairline" + fmt_num(width_pt, 3));
        if (p.has_inks) {
          if (width_pt < pt_from_sp(opt_.thin_line_width) && p.inks.plates() > 1 && !p.inks.registration_like())
            add("C06", Severity::Error, place(r, visible),
                fmt::format("{} pt line uses {} inks ({}); lines below {} pt must be one ink", fmt_num(width_pt, 3), p.inks.plates(),
                            p.inks.describe(), fmt_num(pt_from_sp(opt_.thin_line_width), 2)),
                "thin" + p.inks.describe());
          std::string why;
          if ((p.inks.looks_black()) && width_pt <= pt_from_sp(opt_.overprint_line_width) && !overprints(gs, *p.space, false, why))
            add("C05", Severity::Error, place(r, visible),
                fmt::format("black {} pt line ({}) does not overprint: {}", fmt_num(width_pt, 2), p.inks.describe(), why), "line" + why);
        }
        check_area(r, p, visible, "stroke", width_pt);
      }
    }
    if (r.pending_clip) {
      gs.clip = gs.clip.intersect(r.path);
      r.pending_clip = false;
    }
    r.path = Box{};
  }

  // ---- text ------------------------------------------------------------------------------

  void show(Run& r, const Operand* first, const Operand* last) {
    GState& gs = r.gs;
    const FontInfo* f = gs.font.get();
    static const FontInfo fallback;
    if (!f) f = &fallback;
    const double tfs = gs.font_size;
    double adv = 0;  // along the writing direction, text space units
    int missing = 0;
    for (const Operand* it = first; it != last; ++it) {
      if (it->is_number()) {
        adv -= it->num / 1000 * tfs * (f->vertical ? 1 : gs.Th);
        continue;
      }
      if (!it->is_string()) continue;
      const std::string& s = it->text;
      if (f->composite) {
        for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
          const unsigned code = static_cast<unsigned char>(s[i]) << 8 | static_cast<unsigned char>(s[i + 1]);
          if (f->notdef(code)) ++missing;
          // PDF 1.7 §9.4.4: ty = w1 × Tfs + Tc (+ Tw); w1 is negative, so vertical text runs down.
          if (f->vertical) adv += f->dw2_y / 1000 * tfs + gs.Tc;
          else adv += (f->advance(code) * tfs + gs.Tc) * gs.Th;
        }
      } else {
        for (unsigned char ch : s) adv += (f->advance(ch) * tfs + gs.Tc + (ch == 32 ? gs.Tw : 0)) * gs.Th;
      }
    }
    const Matrix trm = r.tm.then(gs.ctm);
    Box text_space;
    if (f->vertical) text_space = Box::of(-tfs / 2, std::min(0.0, adv), tfs / 2, std::max(0.0, adv));
    else text_space = Box::of(std::min(0.0, adv), f->descent * tfs + gs.Ts, std::max(0.0, adv), f->ascent * tfs + gs.Ts);
    const Box bbox = text_space.transformed(trm);
    r.tm = (f->vertical ? Matrix{1, 0, 0, 1, 0, adv} : Matrix{1, 0, 0, 1, adv, 0}).then(r.tm);

    const double size = std::abs(tfs) * trm.y_scale();
    paint_text(r, f, bbox, size, missing);
  }

  void paint_text(Run& r, const FontInfo* f, const Box& bbox, double size, int missing) {
    GState& gs = r.gs;
    const Box visible = bbox.intersect(gs.clip);
    const std::string font_label = f->label.empty() ? std::string("(no font)") : f->label;
    if (missing > 0)
      add("F03", Severity::Error, place(r, bbox),
          fmt::format("{} shows .notdef (CID 0 / GID 0) for {} glyph{}: characters are missing from the font", font_label, missing,
                      missing == 1 ? "" : "s"),
          "notdef" + font_label);
    if (gs.Tr != 0 && gs.Tr != 3)
      add("F05", Severity::Warning, place(r, bbox), fmt::format("text rendering mode {} ({})", gs.Tr, gs.Tr >= 4 ? "clipping" : "stroked"),
          "Tr" + std::to_string(gs.Tr));
    if (gs.Tr == 3 || gs.Tr == 7) return;  // invisible (OCR layer) or pure clip: nothing printed
    if (size > 0 && size < pt_from_sp(opt_.min_text_size) - 1e-6)
      add("F04", Severity::Error, place(r, bbox),
          fmt::format("{} text at {} pt is below the {} pt minimum", font_label, fmt_num(size, 2), fmt_num(pt_from_sp(opt_.min_text_size), 2)),
          font_label + fmt_num(size, 2));
    const bool fill = gs.Tr == 0 || gs.Tr == 2 || gs.Tr == 4 || gs.Tr == 6;
    const bool stroke = gs.Tr == 1 || gs.Tr == 2 || gs.Tr == 5 || gs.Tr == 6;
    for (int pass = 0; pass < 2; ++pass) {
      const bool is_fill = pass == 0;
      if (is_fill ? !fill : !stroke) continue;
      const Colour& c = is_fill ? gs.fill : gs.stroke;
      auto p = painted(r, c, visible);
      const char* what = is_fill ? "text" : "stroked text";
      if (!check_space(r, *p.space, visible, what)) p.has_inks = false;
      check_area(r, p, visible, what);
      if (!p.has_inks) continue;
      const std::string desc = p.inks.describe();
      if (p.inks.looks_black() && !p.inks.pure_black())
        add("C04", Severity::Error, place(r, bbox),
            fmt::format("black text in {} ({}); black text must be 0 0 0 1 k", p.inks.plates() > 1 ? "several inks" : "a near-black tint", desc),
            std::string(what) + desc);
      if (p.inks.looks_black()) {
        std::string why;
        if (!overprints(gs, *p.space, is_fill, why))
          add("C05", Severity::Error, place(r, bbox), fmt::format("black {} ({}) does not overprint: {}", what, font_label, why),
              std::string(what) + font_label + why);
      } else if (p.inks.plates() > 1 && size < pt_from_sp(opt_.small_text_size) && !is_mark(p, visible)) {
        // Slug text in the registration colour is a mark (G06, checked in check_area): it is on
        // every plate on purpose, so that each plate can be identified.
        add("C06", Severity::Error, place(r, bbox),
            fmt::format("{} pt {} in {} inks ({}); text below {} pt must be one ink", fmt_num(size, 2), what, p.inks.plates(), desc,
                        fmt_num(pt_from_sp(opt_.small_text_size), 1)),
            std::string(what) + desc);
      } else if (p.inks.white() && size < pt_from_sp(opt_.min_reversed_text_size)) {
        add("C06", Severity::Warning, place(r, bbox),
            fmt::format("reversed (white) {} at {} pt is below {} pt and will fill in", what, fmt_num(size, 2),
                        fmt_num(pt_from_sp(opt_.min_reversed_text_size), 1)),
            "reversed");
      }
    }
  }

  // ---- XObjects, images, patterns, shadings -----------------------------------------------

  void xobject(Run& r, const std::string& name) {
    auto x = resource(r, "/XObject", name);
    if (!x.isStream()) {
      add("P01", Severity::Error, std::nullopt, fmt::format("Do paints {} that is not in the resources", name), "noxo" + name);
      return;
    }
    const std::string sub = name_of(x.getDict().getKey("/Subtype"));
    if (sub == "/Image") {
      image(r, x, fmt::format("image {} ({})", name, object_label(x)), false);
    } else if (sub == "/Form") {
      form(r, x, name);
    }
  }

  void form(Run& r, QPDFObjectHandle x, const std::string& name) {
    if (r.depth >= kMaxFormDepth || active_.count(x.getObjGen())) {
      add("P01", Severity::Error, std::nullopt, fmt::format("form {} is nested too deeply or contains itself", name), "recursion");
      return;
    }
    auto d = x.getDict();
    GState gs = r.gs;
    if (auto m = d.getKey("/Matrix"); m.isArray() && m.getArrayNItems() == 6) {
      Matrix mm{num_or(m.getArrayItem(0), 1), num_or(m.getArrayItem(1), 0), num_or(m.getArrayItem(2), 0),
                num_or(m.getArrayItem(3), 1), num_or(m.getArrayItem(4), 0), num_or(m.getArrayItem(5), 0)};
      gs.ctm = mm.then(gs.ctm);
    }
    if (auto bb = box_of(d.getKey("/BBox"))) gs.clip = gs.clip.intersect(bb->transformed(gs.ctm));
    auto res = d.getKey("/Resources");
    if (!res.isDictionary()) res = r.resources;  // PDF 1.7 §8.10.1: deprecated, but allowed
    active_.insert(x.getObjGen());
    run([&](QPDFObjectHandle::TokenFilter* tf) { x.filterAsContents(tf); }, res, gs, r.in_pattern,
        r.depth + 1, "form " + name);
    active_.erase(x.getObjGen());
  }

  void pattern(Run& r, const Colour& c, const Box& where) {
    if (c.pattern.empty()) return;
    auto p = resource(r, "/Pattern", c.pattern);
    auto d = p.isStream() ? p.getDict() : p;
    if (!d.isDictionary()) return;
    auto type = d.getKey("/PatternType");
    if (type.isInteger() && type.getIntValue() == 2) {  // shading pattern
      shading(r, d.getKey("/Shading"), where);
      return;
    }
    // Coloured tiling pattern: its cell paints its own colours; check them once per file. The
    // cell's places are in pattern space, so geometry checks are off inside.
    if (!p.isStream() || !p.isIndirect() || !patterns_done_.insert(p.getObjGen()).second) return;
    if (num_or(d.getKey("/PaintType"), 1) != 1) return;
    GState gs;
    gs.clip = Box::of(-1e9, -1e9, 1e9, 1e9);
    run([&](QPDFObjectHandle::TokenFilter* tf) { p.filterAsContents(tf); }, d.getKey("/Resources"), gs, true,
        r.depth + 1, "pattern " + c.pattern);
  }

  void shading(Run& r, QPDFObjectHandle sh, const Box& where) {
    auto d = sh.isStream() ? sh.getDict() : sh;
    if (!d.isDictionary()) return;
    auto cs = parse_colour_space(d.getKey("/ColorSpace"), r.resources);
    check_space(r, *cs, where, "shading");
    if (!r.in_pattern && where.valid)
      add("C03", Severity::Note, where, "ink of shadings is not measured here; render with gs -sDEVICE=tiff32nc", "shading");
  }

  void inline_image(Run& r) {
    // PDF 1.7 Table 93: abbreviated keys.
    static const std::map<std::string, std::string> keys{{"/W", "/Width"},          {"/H", "/Height"},
                                                         {"/BPC", "/BitsPerComponent"}, {"/CS", "/ColorSpace"},
                                                         {"/D", "/Decode"},          {"/DP", "/DecodeParms"},
                                                         {"/F", "/Filter"},          {"/IM", "/ImageMask"},
                                                         {"/I", "/Interpolate"}};
    auto dict = QPDFObjectHandle::newDictionary();
    for (std::size_t i = 0; i + 1 < r.inline_dict.size(); i += 2) {
      if (!r.inline_dict[i].is_name()) continue;
      std::string k = r.inline_dict[i].text;
      if (auto it = keys.find(k); it != keys.end()) k = it->second;
      dict.replaceKey(k, to_qpdf(r.inline_dict[i + 1]));
    }
    auto stream = ctx_.pdf.newStream(r.inline_data);
    stream.replaceDict(dict);
    image(r, stream, "inline image", true);
  }

  void image(Run& r, QPDFObjectHandle x, const std::string& label, bool is_inline) {
    GState& gs = r.gs;
    auto d = x.getDict();
    const Box bbox = Box::of(0, 0, 1, 1).transformed(gs.ctm);
    const Box visible = bbox.intersect(gs.clip);
    const long long w = d.getKey("/Width").isInteger() ? d.getKey("/Width").getIntValue() : 0;
    const long long h = d.getKey("/Height").isInteger() ? d.getKey("/Height").getIntValue() : 0;
    const bool mask = d.getKey("/ImageMask").isBool() && d.getKey("/ImageMask").getBoolValue();
    const int bpc = mask ? 1 : clamp_int(num_or(d.getKey("/BitsPerComponent"), 0), 0, 64);

    CsPtr cs;
    if (mask) {
      // A stencil mask paints the fill colour through its 1 bits.
      auto p = painted(r, gs.fill, visible);
      if (!check_space(r, *p.space, visible, "image mask")) p.has_inks = false;
      check_area(r, p, visible, "image mask");
    } else {
      const auto filters = filters_of(d);
      const bool jpx = std::find(filters.begin(), filters.end(), "/JPXDecode") != filters.end();
      cs = parse_colour_space(d.getKey("/ColorSpace"), r.resources, is_inline);
      if (d.getKey("/ColorSpace").isNull() && jpx) cs.reset();  // JPX carries its own colour space (P10 reports JPX)
      if (cs) check_space(r, *cs, visible, label.c_str());
      if (cs && forbidden_reason(*cs).empty() && cs->kind != CsKind::Gray && cs->kind != CsKind::Cmyk &&
          cs->kind != CsKind::Separation && cs->kind != CsKind::DeviceN)
        add("I03", Severity::Error, place(r, visible), fmt::format("{} is in {} (images must be CMYK or Gray)", label, cs->label),
            "space" + cs->label);
      if (bpc == 16 || (bpc != 8 && bpc != 1 && !jpx))
        add("I03", Severity::Error, place(r, visible),
            fmt::format("{} has {} bits per component (8, or 1 for line art)", label, bpc), "bpc" + std::to_string(bpc));
    }

    // Effective resolution: pixels over the length the CTM gives the unit square's sides.
    const double len_x = gs.ctm.x_scale() / 72, len_y = gs.ctm.y_scale() / 72;  // inches
    const double ppi_x = len_x > 0 ? w / len_x : 0, ppi_y = len_y > 0 ? h / len_y : 0;
    const double ppi = std::min(ppi_x, ppi_y);
    if (static_cast<double>(w) * static_cast<double>(h) >= kMinPixelsForPpi && visible.valid && !r.in_pattern) {
      const std::string res = fmt::format("{} is {}×{} px at {} ppi", label, w, h, fmt_num(ppi, 0));
      if (bpc == 1) {
        if (ppi < opt_.lineart_ppi_min)
          add("I02", Severity::Error, visible, fmt::format("{}; 1-bit line art needs ≥ {} ppi", res, fmt_num(opt_.lineart_ppi_min, 0)));
      } else if (ppi < opt_.image_ppi_error) {
        add("I01", Severity::Error, visible, fmt::format("{}; below {} ppi the screen shows pixels", res, fmt_num(opt_.image_ppi_error, 0)));
      } else if (ppi < opt_.image_ppi_min || ppi > opt_.image_ppi_max) {
        add("I01", Severity::Warning, visible,
            fmt::format("{}; outside [{}, {}] ppi{}", res, fmt_num(opt_.image_ppi_min, 0), fmt_num(opt_.image_ppi_max, 0),
                        ppi > opt_.image_ppi_max ? " (wastes RIP time)" : ""));
      } else if (ppi < opt_.image_ppi_target / 1.2) {
        add("I05", Severity::Warning, visible,
            fmt::format("{}; enlarged {} % beyond the {} ppi target", res, fmt_num((opt_.image_ppi_target / ppi - 1) * 100, 0),
                        fmt_num(opt_.image_ppi_target, 0)));
      }
    }
    if (!mask) check_area(r, Painted{}, visible, "image");

    // I04: the image's own ink, inside the BleedBox.
    if (mask || !cs || !forbidden_reason(*cs).empty() || r.in_pattern || !visible.intersects(page_.eff_bleed)) return;
    if (cs->kind == CsKind::Gray && opt_.ink_limit_percent >= 100) return;  // one plate cannot exceed 100 %
    const double px_per_mm_x = ppi_x / 25.4, px_per_mm_y = ppi_y / 25.4;
    const double side_mm = std::sqrt(opt_.ink_min_area_mm2);
    const int win_w = std::max(1, clamp_int(std::ceil(px_per_mm_x * side_mm), 1, 1 << 20));
    const int win_h = std::max(1, clamp_int(std::ceil(px_per_mm_y * side_mm), 1, 1 << 20));
    InkScan scan;
    const auto key = std::make_tuple(is_inline ? QPDFObjGen() : x.getObjGen(), win_w, win_h);
    if (auto it = scans_.find(key); !is_inline && it != scans_.end()) {
      scan = it->second;
    } else {
      std::string why;
      auto samples = decode_image_samples(x, why);
      if (!samples) {
        add("I04", Severity::Note, visible, fmt::format("{}: ink not checked ({})", label, why), "nodecode" + label);
        return;
      }
      if (samples->comps != 0 && samples->comps != cs->n) {
        add("I04", Severity::Note, visible,
            fmt::format("{}: ink not checked (JPEG has {} components, colour space {} has {})", label, samples->comps, cs->label, cs->n),
            "nodecode" + label);
        return;
      }
      scan = scan_image_ink(*samples, *cs, d.getKey("/Decode"), opt_.ink_limit_percent * 10, win_w, win_h);
      if (!is_inline) scans_[key] = scan;
    }
    if (scan.over) {
      // The first over-limit window, from image space (row 0 at the top) to the page.
      const Box win = Box::of(static_cast<double>(scan.x) / w, 1 - static_cast<double>(scan.y) / h,
                              static_cast<double>(scan.x + win_w) / w, 1 - static_cast<double>(scan.y + win_h) / h)
                          .transformed(gs.ctm);
      add("I04", Severity::Error, win,
          fmt::format("{}: total ink up to {} % exceeds the {} % limit over ≥ {} mm²", label, fmt_num(scan.max_tac_permille / 10.0, 1),
                      opt_.ink_limit_percent, fmt_num(opt_.ink_min_area_mm2, 1)));
    }
  }

  Context& ctx_;
  const PageInfo& page_;
  const PreflightOptions& opt_;
  std::map<QPDFObjGen, std::shared_ptr<FontInfo>>& fonts_;
  std::set<QPDFObjGen>& patterns_done_;
  std::set<QPDFObjGen> active_;  // forms being interpreted (cycle guard)
  const std::string* what_ = nullptr;  // the content stream being read, for P01 messages
  std::map<std::tuple<QPDFObjGen, int, int>, InkScan> scans_;
};

}  // namespace

void check_content(Context& ctx) {
  std::map<QPDFObjGen, std::shared_ptr<FontInfo>> fonts;
  std::set<QPDFObjGen> patterns_done;
  for (const auto& p : ctx.pages) PageChecker(ctx, p, fonts, patterns_done).check();
}

}  // namespace paiban::preflight_detail
