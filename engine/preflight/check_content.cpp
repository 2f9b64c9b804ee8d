// Content-stream checks: an interpreter over the content tokens (content_lexer.h, on the bytes
// qpdf decodes; operands are views of those bytes, operators a switch on a small code) that
// tracks the graphics state — q/Q, cm, gs (LW, OP/op/OPM, Font), colour
// spaces and colours, line width, text state — and checks every painting operator:
//   C01 colour spaces, C02 spot plates, C03 vector ink, C04 black text pure K, C05 black overprint, C06 small/thin
//   elements in one ink + minimum line width, C08 registration colour, F03 missing glyphs
//   (.notdef), F04 minimum text size, F05 text rendering modes, G05 extent beyond the BleedBox,
//   G06 marks,
//   I01–I05 images, P11 PostScript operator.
// Form XObjects are entered (with their /Matrix and /BBox), coloured tiling patterns are run once.
#include <fmt/format.h>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <deque>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "engine/preflight/colour.h"
#include "engine/preflight/content_lexer.h"
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
  std::shared_ptr<const std::string> cid_to_gid;  // CIDFontType2 /CIDToGIDMap stream bytes (null: identity/none)
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
    if (!cid_to_gid || cid_to_gid->empty()) return false;
    const std::string& map = *cid_to_gid;
    const std::size_t at = 2 * static_cast<std::size_t>(cid);
    if (at + 1 >= map.size()) return true;
    return static_cast<unsigned char>(map[at]) == 0 && static_cast<unsigned char>(map[at + 1]) == 0;
  }
};

double num_or(QPDFObjectHandle h, double fallback) { return h.isNumber() ? h.getNumericValue() : fallback; }

std::shared_ptr<FontInfo> load_font(Context& ctx, QPDFObjectHandle f, const std::string& res_name) {
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
      // The same map in every page file of an edition (the edition's subset): decoded once.
      if (auto map = d.getKey("/CIDToGIDMap"); map.isStream()) fi->cid_to_gid = decoded_stream(ctx, map);
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

// A content-stream operand (PDF 32000-1 §7.8.2): numbers as values, names and strings as views
// of their source bytes (decoded when used), arrays as a range of the run's item pool; anything
// else (booleans, null, dictionaries — BDC properties, inline-image entries) is kept as source
// text and parsed by qpdf only when a check needs it.
struct Operand {
  enum class Kind : std::uint8_t { Number, Integer, Name, String, Array, Other };
  Kind kind = Kind::Other;
  bool hex = false;      // String: <…> (§7.3.4.3)
  bool escaped = false;  // Name, String: the value differs from the source (escapes)
  std::uint32_t first = 0, count = 0;  // Array: items [first, first + count) of Run::pool
  double num = 0;
  std::string_view text;  // Name, String: the token's bytes; Other: its source text

  bool is_number() const { return kind == Kind::Number || kind == Kind::Integer; }
  bool is_name() const { return kind == Kind::Name; }
  bool is_string() const { return kind == Kind::String; }
  bool is_array() const { return kind == Kind::Array; }
};

// A name operand's value, with its '/' (§7.3.5).
std::string name_text(const Operand& o) {
  if (!o.escaped) return std::string(o.text);
  std::string v;
  decode_name(o.text, v);
  return v;
}

// A string operand's bytes: a view of the source, or of `scratch` when decoded.
std::string_view string_bytes(const Operand& o, std::string& scratch) {
  return string_value(o.hex ? ContentTokenKind::HexString : ContentTokenKind::String, o.text, o.escaped, scratch);
}

QPDFObjectHandle to_qpdf(const Operand& o, const std::vector<Operand>& pool) {
  switch (o.kind) {
    case Operand::Kind::Integer: return QPDFObjectHandle::newInteger(static_cast<long long>(o.num));
    case Operand::Kind::Number: return QPDFObjectHandle::newReal(o.num, 6);
    case Operand::Kind::Name: return QPDFObjectHandle::newName(name_text(o));
    case Operand::Kind::String: {
      std::string scratch;
      return QPDFObjectHandle::newString(std::string(string_bytes(o, scratch)));
    }
    case Operand::Kind::Array: {
      std::vector<QPDFObjectHandle> items;
      items.reserve(o.count);
      for (std::uint32_t i = 0; i < o.count; ++i) items.push_back(to_qpdf(pool[o.first + i], pool));
      return QPDFObjectHandle::newArray(items);
    }
    case Operand::Kind::Other: break;
  }
  try {
    return QPDFObjectHandle::parse(std::string(o.text), "content operand");
  } catch (const std::exception&) {
    return QPDFObjectHandle::newNull();
  }
}

// Operators the interpreter acts on (PDF 32000-1 Annex A), as a small code for a switch.
enum class Op : std::uint8_t {
  None, m, l, c, v, y, re, h, W, Wstar, S, s, f, F, fstar, B, Bstar, b, bstar, n,
  BT, ET, Tf, Tc, Tw, Tz, TL, Ts, Tr, Td, TD, Tm, Tstar, Tj, Quote, DQuote, TJ,
  q, Q, cm, w, gs, CS, cs, SC, SCN, sc, scn, G, g, K, k, RG, rg, Do, sh, BI, ID, EI, PS,
};

// Up to 3 bytes packed (content bytes are never 0: NUL is white space, §7.2.2).
constexpr std::uint32_t op_key(std::string_view w) {
  std::uint32_t k = 0;
  for (std::size_t i = 0; i < w.size(); ++i) k |= static_cast<std::uint32_t>(static_cast<unsigned char>(w[i])) << (8 * i);
  return k;
}

Op op_code(std::string_view w) {
  if (w.empty() || w.size() > 3) return Op::None;
  switch (op_key(w)) {
    case op_key("m"): return Op::m;
    case op_key("l"): return Op::l;
    case op_key("c"): return Op::c;
    case op_key("v"): return Op::v;
    case op_key("y"): return Op::y;
    case op_key("re"): return Op::re;
    case op_key("h"): return Op::h;
    case op_key("W"): return Op::W;
    case op_key("W*"): return Op::Wstar;
    case op_key("S"): return Op::S;
    case op_key("s"): return Op::s;
    case op_key("f"): return Op::f;
    case op_key("F"): return Op::F;
    case op_key("f*"): return Op::fstar;
    case op_key("B"): return Op::B;
    case op_key("B*"): return Op::Bstar;
    case op_key("b"): return Op::b;
    case op_key("b*"): return Op::bstar;
    case op_key("n"): return Op::n;
    case op_key("BT"): return Op::BT;
    case op_key("ET"): return Op::ET;
    case op_key("Tf"): return Op::Tf;
    case op_key("Tc"): return Op::Tc;
    case op_key("Tw"): return Op::Tw;
    case op_key("Tz"): return Op::Tz;
    case op_key("TL"): return Op::TL;
    case op_key("Ts"): return Op::Ts;
    case op_key("Tr"): return Op::Tr;
    case op_key("Td"): return Op::Td;
    case op_key("TD"): return Op::TD;
    case op_key("Tm"): return Op::Tm;
    case op_key("T*"): return Op::Tstar;
    case op_key("Tj"): return Op::Tj;
    case op_key("'"): return Op::Quote;
    case op_key("\""): return Op::DQuote;
    case op_key("TJ"): return Op::TJ;
    case op_key("q"): return Op::q;
    case op_key("Q"): return Op::Q;
    case op_key("cm"): return Op::cm;
    case op_key("w"): return Op::w;
    case op_key("gs"): return Op::gs;
    case op_key("CS"): return Op::CS;
    case op_key("cs"): return Op::cs;
    case op_key("SC"): return Op::SC;
    case op_key("SCN"): return Op::SCN;
    case op_key("sc"): return Op::sc;
    case op_key("scn"): return Op::scn;
    case op_key("G"): return Op::G;
    case op_key("g"): return Op::g;
    case op_key("K"): return Op::K;
    case op_key("k"): return Op::k;
    case op_key("RG"): return Op::RG;
    case op_key("rg"): return Op::rg;
    case op_key("Do"): return Op::Do;
    case op_key("sh"): return Op::sh;
    case op_key("BI"): return Op::BI;
    case op_key("ID"): return Op::ID;
    case op_key("EI"): return Op::EI;
    case op_key("PS"): return Op::PS;
    default: return Op::None;
  }
}

// Receives the decoded content as qpdf pipes it and interprets it in finish(), where qpdf's
// Pl_QPDFTokenizer tokenised it before: qpdf's handling of decoding errors around the pipeline
// (warnings, exceptions, partial data) is unchanged.
class ContentPipeline : public Pipeline {
 public:
  explicit ContentPipeline(std::function<void(std::string_view)> on_finish)
      : Pipeline("preflight content", nullptr), on_finish_(std::move(on_finish)) {}
  void write(unsigned char const* data, size_t len) override { data_.append(reinterpret_cast<const char*>(data), len); }
  void finish() override {
    const std::string data = std::move(data_);  // like Pl_Buffer, a second finish() sees nothing
    data_.clear();
    on_finish_(data);
  }

 private:
  std::function<void(std::string_view)> on_finish_;
  std::string data_;
};

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

// One content stream being interpreted (page, form, pattern). Operand storage is reused from
// operator to operator: nothing is allocated per token once the vectors have grown.
struct Run {
  QPDFObjectHandle resources;
  GState gs;
  std::vector<GState> stack;
  std::vector<Operand> operands;  // of the next operator
  std::vector<Operand> pool;      // items of the arrays among them
  std::deque<std::string> texts;  // source texts of the dictionaries among them (stable views)
  std::size_t texts_used = 0;
  // Arrays and dictionaries being read, innermost last: an array collects items (items[level]);
  // a dictionary collects its tokens' source text up to the matching >> (dict_text; a
  // dictionary is always innermost: what is inside it is text).
  struct Open {
    bool dict = false;
    int dict_depth = 0;  // << >> nesting inside an open dictionary
    std::size_t offset = 0;
  };
  std::vector<Open> open;
  std::vector<std::vector<Operand>> items;
  std::string dict_text;
  Box path;
  bool pending_clip = false;
  Matrix tm, tlm;
  bool in_pattern = false;  // pattern space: places are not page places
  int depth = 0;
  // Operands between BI and ID, kept (with their arrays and texts) until EI.
  std::vector<Operand> inline_dict, inline_pool;
  std::deque<std::string> inline_texts;
  std::string_view inline_data;
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
    // Decoded once, by check_qpdf, when /Contents is one stream it could decode.
    auto contents = page.getKey("/Contents");
    auto decoded = contents.isStream() ? ctx_.decoded_contents.find(contents.getObjGen()) : ctx_.decoded_contents.end();
    if (decoded != ctx_.decoded_contents.end()) {
      const std::string data = std::move(decoded->second);
      ctx_.decoded_contents.erase(decoded);
      run([&](Pipeline* p) {
            p->write(reinterpret_cast<const unsigned char*>(data.data()), data.size());
            p->finish();
          },
          res, gs, false, 0, "page content");
      return;
    }
    QPDFPageObjectHelper ph(page_.page);
    run([&](Pipeline* p) { ph.pipeContents(p); }, res, gs, false, 0, "page content");
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
    ContentPipeline content([&](std::string_view data) {
      ContentLexer lex(data);
      for (ContentToken t = lex.next(); t.kind != ContentTokenKind::Eof; t = lex.next()) token(r, t);
    });
    try {
      parse(&content);
      if (!r.open.empty())
        bad_syntax(r, what, fmt::format("unterminated array or dictionary (opened at byte {})", r.open.front().offset));
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
  }
  void bad_syntax(Run& r, const std::string& why, const ContentToken& t) {
    bad_syntax(r, *what_, fmt::format("{} at byte {}", why, t.offset));
  }

  // One token of the content stream: operands are collected (arrays nested, dictionaries kept as
  // text) until an operator word applies them.
  void token(Run& r, const ContentToken& t) {
    using K = ContentTokenKind;
    // Inside a dictionary: collect its source text up to the matching >>.
    if (!r.open.empty() && r.open.back().dict) {
      r.dict_text += t.raw;
      r.dict_text += ' ';
      if (t.kind == K::DictOpen) ++r.open.back().dict_depth;
      if (t.kind == K::DictClose && --r.open.back().dict_depth == 0) {
        r.open.pop_back();
        if (r.texts_used == r.texts.size()) r.texts.emplace_back();
        std::string& text = r.texts[r.texts_used++];
        text = r.dict_text;
        Operand o;
        o.text = text;
        push_operand(r, o);
      }
      return;
    }
    Operand o;
    switch (t.kind) {
      case K::Integer:
      case K::Real:
        o.kind = t.kind == K::Integer ? Operand::Kind::Integer : Operand::Kind::Number;
        o.num = number_value(t.raw);
        push_operand(r, o);
        return;
      case K::Name:
        o.kind = Operand::Kind::Name;
        o.text = t.raw;
        o.escaped = t.escaped;
        push_operand(r, o);
        return;
      case K::String:
      case K::HexString:
        o.kind = Operand::Kind::String;
        o.hex = t.kind == K::HexString;
        o.text = t.raw;
        o.escaped = t.escaped;
        push_operand(r, o);
        return;
      case K::Bool:
      case K::Null:
        o.text = t.raw;
        push_operand(r, o);
        return;
      case K::ArrayOpen:
        open(r, false, t.offset);
        return;
      case K::ArrayClose: {
        if (r.open.empty() || r.open.back().dict) return bad_syntax(r, "unexpected ]", t);
        std::vector<Operand>& items = r.items[r.open.size() - 1];
        o.kind = Operand::Kind::Array;
        o.first = static_cast<std::uint32_t>(r.pool.size());
        o.count = static_cast<std::uint32_t>(items.size());
        r.pool.insert(r.pool.end(), items.begin(), items.end());
        r.open.pop_back();
        push_operand(r, o);
        return;
      }
      case K::DictOpen:
        open(r, true, t.offset);
        r.dict_text.assign("<< ");
        return;
      case K::InlineImage:
        r.inline_data = t.raw;
        r.have_inline = true;
        return;
      case K::Word:
        if (!r.open.empty()) return bad_syntax(r, fmt::format("operator {} inside an array", t.raw), t);
        operate(r, op_code(t.raw));
        r.operands.clear();
        r.pool.clear();
        r.texts_used = 0;
        return;
      case K::Eof:
        return;
      default:  // Bad, a stray >> or brace
        return bad_syntax(r, t.error != ContentLexError::None ? t.error_message() : fmt::format("unexpected '{}'", t.raw), t);
    }
  }

  static void open(Run& r, bool dict, std::size_t offset) {
    r.open.push_back({dict, dict ? 1 : 0, offset});
    if (r.items.size() < r.open.size()) r.items.resize(r.open.size());
    r.items[r.open.size() - 1].clear();
  }

  static void push_operand(Run& r, const Operand& o) {
    if (r.open.empty()) r.operands.push_back(o);
    else r.items[r.open.size() - 1].push_back(o);
  }

  void add_point(Run& r, double x, double y) {
    double px, py;
    r.gs.ctm.apply(x, y, px, py);
    r.path.add(px, py);
  }

  void operate(Run& r, Op op) {
    GState& gs = r.gs;
    const std::size_t n = r.operands.size();
    switch (op) {
      // Path construction.
      case Op::m:
      case Op::l: add_point(r, number(r, 0), number(r, 1)); return;
      case Op::c: for (int i = 0; i < 3; ++i) add_point(r, number(r, 2 * i), number(r, 2 * i + 1)); return;
      case Op::v:
      case Op::y: for (int i = 0; i < 2; ++i) add_point(r, number(r, 2 * i), number(r, 2 * i + 1)); return;
      case Op::re: {
        const double x = number(r, 0), y = number(r, 1), w = number(r, 2), h = number(r, 3);
        add_point(r, x, y); add_point(r, x + w, y); add_point(r, x, y + h); add_point(r, x + w, y + h);
        return;
      }
      case Op::h: return;
      case Op::W:
      case Op::Wstar: r.pending_clip = true; return;
      // Path painting.
      case Op::S:
      case Op::s: paint_path(r, false, true); return;
      case Op::f:
      case Op::F:
      case Op::fstar: paint_path(r, true, false); return;
      case Op::B:
      case Op::Bstar:
      case Op::b:
      case Op::bstar: paint_path(r, true, true); return;
      case Op::n: paint_path(r, false, false); return;
      // Text.
      case Op::BT: r.tm = r.tlm = Matrix{}; return;
      case Op::ET: return;
      case Op::Tf:
        if (n >= 2 && r.operands[0].is_name()) {
          gs.font = font(r, name_text(r.operands[0]));
          gs.font_size = number(r, 1);
        }
        return;
      case Op::Tc: gs.Tc = number(r, 0); return;
      case Op::Tw: gs.Tw = number(r, 0); return;
      case Op::Tz: gs.Th = number(r, 0) / 100; return;
      case Op::TL: gs.TL = number(r, 0); return;
      case Op::Ts: gs.Ts = number(r, 0); return;
      case Op::Tr: gs.Tr = clamp_int(number(r, 0), -1, 8); return;
      case Op::Td:
      case Op::TD:
        if (op == Op::TD) gs.TL = -number(r, 1);
        r.tlm = Matrix{1, 0, 0, 1, number(r, 0), number(r, 1)}.then(r.tlm);
        r.tm = r.tlm;
        return;
      case Op::Tm: r.tm = r.tlm = matrix_operands(r); return;
      case Op::Tstar: next_line(r); return;
      case Op::Tj: if (n >= 1) show(r, &r.operands[0], &r.operands[0] + 1); return;
      case Op::Quote: next_line(r); if (n >= 1) show(r, &r.operands[0], &r.operands[0] + 1); return;
      case Op::DQuote:
        gs.Tw = number(r, 0);
        gs.Tc = number(r, 1);
        next_line(r);
        if (n >= 3) show(r, &r.operands[2], &r.operands[2] + 1);
        return;
      case Op::TJ:
        if (n >= 1 && r.operands[0].is_array()) {
          const Operand& a = r.operands[0];
          const Operand* items = r.pool.data() + a.first;
          show(r, items, items + a.count);
        }
        return;
      // Graphics state.
      case Op::q: r.stack.push_back(gs); return;
      case Op::Q:
        if (!r.stack.empty()) { gs = r.stack.back(); r.stack.pop_back(); }
        return;
      case Op::cm: gs.ctm = matrix_operands(r).then(gs.ctm); return;
      case Op::w: gs.line_width = number(r, 0); return;
      case Op::gs: if (n >= 1 && r.operands[0].is_name()) ext_gstate(r, name_text(r.operands[0])); return;
      // Colour.
      case Op::CS:
      case Op::cs: {
        Colour& c = op == Op::CS ? gs.stroke : gs.fill;
        c.cs = n >= 1 ? parse_colour_space(to_qpdf(r.operands[0], r.pool), r.resources) : device_gray();
        c.comps = initial_colour(*c.cs);
        c.pattern.clear();
        return;
      }
      case Op::SC:
      case Op::SCN:
      case Op::sc:
      case Op::scn: {
        Colour& c = (op == Op::SC || op == Op::SCN) ? gs.stroke : gs.fill;
        c.comps.clear();
        c.pattern.clear();
        for (const Operand& o : r.operands) {
          if (o.is_number()) c.comps.push_back(o.num);
          else if (o.is_name()) c.pattern = name_text(o);
        }
        return;
      }
      case Op::G:
      case Op::g: set_colour(op == Op::G ? gs.stroke : gs.fill, device_gray(), r); return;
      case Op::K:
      case Op::k: set_colour(op == Op::K ? gs.stroke : gs.fill, device_cmyk(), r); return;
      case Op::RG:
      case Op::rg: {
        static const CsPtr rgb = parse_colour_space(QPDFObjectHandle::newName("/DeviceRGB"), QPDFObjectHandle::newNull());
        set_colour(op == Op::RG ? gs.stroke : gs.fill, rgb, r);
        return;
      }
      // XObjects, shadings, inline images.
      case Op::Do: if (n >= 1 && r.operands[0].is_name()) xobject(r, name_text(r.operands[0])); return;
      case Op::sh:
        if (n >= 1 && r.operands[0].is_name()) shading(r, resource(r, "/Shading", name_text(r.operands[0])), r.gs.clip);
        return;
      case Op::BI: r.inline_dict.clear(); r.have_inline = false; return;
      case Op::ID: {
        // Kept until EI: the operands, their arrays and their dictionaries' texts.
        r.inline_dict = r.operands;
        r.inline_pool = r.pool;
        r.inline_texts.clear();
        for (auto* v : {&r.inline_dict, &r.inline_pool})
          for (Operand& o : *v)
            if (o.kind == Operand::Kind::Other && !o.text.empty() && o.text.front() == '<') o.text = r.inline_texts.emplace_back(o.text);
        return;
      }
      case Op::EI: if (r.have_inline) inline_image(r); r.have_inline = false; return;
      case Op::PS: add("P11", Severity::Error, std::nullopt, "content uses the PostScript operator PS", "PS"); return;
      case Op::None: return;
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
    if (!f.isIndirect()) return load_font(ctx_, f, name);
    auto& slot = fonts_[f.getObjGen()];
    if (!slot) slot = load_font(ctx_, f, name);
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
      const std::string_view s = string_bytes(*it, scratch_);
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
    static const std::string no_font = "(no font)";
    const std::string& font_label = f->label.empty() ? no_font : f->label;
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
      if (p.inks.looks_black() && !p.inks.pure_black()) {
        const std::string desc = p.inks.describe();
        add("C04", Severity::Error, place(r, bbox),
            fmt::format("black text in {} ({}); black text must be 0 0 0 1 k", p.inks.plates() > 1 ? "several inks" : "a near-black tint", desc),
            std::string(what) + desc);
      }
      if (p.inks.looks_black()) {
        std::string why;
        if (!overprints(gs, *p.space, is_fill, why))
          add("C05", Severity::Error, place(r, bbox), fmt::format("black {} ({}) does not overprint: {}", what, font_label, why),
              std::string(what) + font_label + why);
      } else if (p.inks.plates() > 1 && size < pt_from_sp(opt_.small_text_size) && !is_mark(p, visible)) {
        // Slug text in the registration colour is a mark (G06, checked in check_area): it is on
        // every plate on purpose, so that each plate can be identified.
        const std::string desc = p.inks.describe();
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
    run([&](Pipeline* p) { x.pipeStreamData(p, 0, qpdf_dl_specialized); }, res, gs, r.in_pattern,
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
    run([&](Pipeline* pl) { p.pipeStreamData(pl, 0, qpdf_dl_specialized); }, d.getKey("/Resources"), gs, true,
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
      std::string k = name_text(r.inline_dict[i]);
      if (auto it = keys.find(k); it != keys.end()) k = it->second;
      dict.replaceKey(k, to_qpdf(r.inline_dict[i + 1], r.inline_pool));
    }
    auto stream = ctx_.pdf.newStream(std::string(r.inline_data));
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
  std::string scratch_;  // decoded string bytes (show)
};

}  // namespace

void check_content(Context& ctx) {
  std::map<QPDFObjGen, std::shared_ptr<FontInfo>> fonts;
  std::set<QPDFObjGen> patterns_done;
  for (const auto& p : ctx.pages) PageChecker(ctx, p, fonts, patterns_done).check();
}

}  // namespace paiban::preflight_detail
