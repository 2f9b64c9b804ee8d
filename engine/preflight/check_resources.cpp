// Checks on the resource dictionaries every page can reach (page, form XObjects, patterns,
// Type 3 fonts): PostScript/OPI (P11), ExtGState transfer/halftone (P12), transparency (P13),
// fonts (F01–F03). Each object is reported once, on the first page that reaches it.
#include <fmt/format.h>

#include <regex>

#include "engine/preflight/internal.h"

namespace paiban::preflight_detail {

namespace {

constexpr int kMaxNesting = 32;  // form-in-form depth; beyond this a file is pathological

bool is_subset_name(const std::string& base) {  // "/ABCDEF+NotoSerifCJKsc-Regular"
  static const std::regex tag("^/?[A-Z]{6}\\+.+");
  return std::regex_match(base, tag);
}

bool is_standard14(std::string base) {
  if (!base.empty() && base[0] == '/') base.erase(0, 1);
  static const std::set<std::string> names{
      "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
      "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic",
      "Symbol", "ZapfDingbats", "Arial", "TimesNewRoman", "CourierNew"};
  return names.count(base) > 0;
}

class ResourceWalker {
 public:
  explicit ResourceWalker(Context& ctx) : ctx_(ctx) {}

  void page(const PageInfo& p) {
    page_ = p.number;
    check_group(p.page.getKey("/Group"), "page");
    resources(p.page.getKey("/Resources").isNull() ? inherited_resources(p.page) : p.page.getKey("/Resources"), 0);
  }

 private:
  static QPDFObjectHandle inherited_resources(QPDFObjectHandle page) {
    auto node = page;
    for (int i = 0; i < 64 && node.isDictionary(); ++i, node = node.getKey("/Parent"))
      if (node.hasKey("/Resources")) return node.getKey("/Resources");
    return QPDFObjectHandle::newNull();
  }

  // True the first time an indirect object is seen (direct objects are always new).
  bool first_visit(QPDFObjectHandle h) {
    if (!h.isIndirect()) return true;
    return seen_.insert(h.getObjGen()).second;
  }

  void add(const std::string& id, Severity level, std::string msg) {
    ctx_.sink.add(id, level, page_, std::nullopt, std::move(msg));
  }

  void resources(QPDFObjectHandle res, int depth) {
    if (!res.isDictionary() || depth > kMaxNesting || !first_visit(res)) return;
    if (auto gs = res.getKey("/ExtGState"); gs.isDictionary())
      for (auto& [name, g] : gs.ditems()) ext_gstate(name, g);
    if (auto xo = res.getKey("/XObject"); xo.isDictionary())
      for (auto& [name, x] : xo.ditems()) xobject(name, x, depth);
    if (auto pat = res.getKey("/Pattern"); pat.isDictionary())
      for (auto& [name, pt] : pat.ditems()) {
        if (!first_visit(pt)) continue;
        auto d = pt.isStream() ? pt.getDict() : pt;
        if (!d.isDictionary()) continue;
        if (d.hasKey("/ExtGState")) ext_gstate(name + " pattern", d.getKey("/ExtGState"));
        resources(d.getKey("/Resources"), depth + 1);
      }
    if (auto fonts = res.getKey("/Font"); fonts.isDictionary())
      for (auto& [name, f] : fonts.ditems()) font(name, f, depth);
  }

  // P12, P13.
  void ext_gstate(const std::string& name, QPDFObjectHandle g) {
    if (!g.isDictionary() || !first_visit(g)) return;
    const std::string who = fmt::format("ExtGState {} ({})", name, object_label(g));
    if (g.hasKey("/TR")) add("P12", Severity::Error, who + " sets a transfer function /TR");
    if (auto tr2 = g.getKey("/TR2"); !tr2.isNull() && name_of(tr2) != "/Default")
      add("P12", Severity::Error, who + " sets a transfer function /TR2");
    if (g.hasKey("/HTP")) add("P12", Severity::Error, who + " sets /HTP");
    if (auto ht = g.getKey("/HT"); ht.isDictionary() || ht.isStream()) {
      auto d = ht.isStream() ? ht.getDict() : ht;
      auto type = d.getKey("/HalftoneType");
      if (!type.isInteger() || (type.getIntValue() != 1 && type.getIntValue() != 5))
        add("P12", Severity::Error, fmt::format("{} halftone type {} (only 1 and 5 allowed)", who, type.unparse()));
      if (d.hasKey("/HalftoneName")) add("P12", Severity::Error, who + " halftone has a /HalftoneName");
      if (d.hasKey("/TransferFunction")) add("P12", Severity::Error, who + " halftone has a /TransferFunction");
    }
    if (!ctx_.x1a) return;
    if (auto sm = g.getKey("/SMask"); !sm.isNull() && name_of(sm) != "/None")
      add("P13", Severity::Error, who + " sets a soft mask (transparency)");
    for (const char* k : {"/CA", "/ca"})
      if (auto a = g.getKey(k); a.isNumber() && a.getNumericValue() != 1.0)
        add("P13", Severity::Error, fmt::format("{} sets {} {} (transparency)", who, k, fmt_num(a.getNumericValue(), 3)));
    if (auto bm = g.getKey("/BM"); !bm.isNull()) {
      std::vector<std::string> modes;
      if (bm.isArray()) {
        for (auto& m : bm.aitems()) modes.push_back(name_of(m));
      } else {
        modes.push_back(name_of(bm));
      }
      for (const auto& m : modes)
        if (m != "/Normal" && m != "/Compatible") {
          add("P13", Severity::Error, fmt::format("{} sets blend mode {} (transparency)", who, m));
          break;
        }
    }
  }

  void check_group(QPDFObjectHandle group, const std::string& who) {
    if (ctx_.x1a && group.isDictionary() && name_of(group.getKey("/S")) == "/Transparency")
      add("P13", Severity::Error, who + " has a transparency group (/Group /S /Transparency)");
  }

  void xobject(const std::string& name, QPDFObjectHandle x, int depth) {
    if (!x.isStream() || !first_visit(x)) return;
    auto d = x.getDict();
    const std::string sub = name_of(d.getKey("/Subtype"));
    const std::string who = fmt::format("XObject {} ({})", name, object_label(x));
    if (sub == "/PS" || name_of(d.getKey("/Subtype2")) == "/PS") {
      add("P11", Severity::Error, who + " is a PostScript XObject");
      return;
    }
    if (d.hasKey("/OPI")) add("P11", Severity::Error, who + " has an /OPI dictionary");
    if (sub == "/Image") {
      if (d.hasKey("/Alternates")) add("P11", Severity::Error, who + " has /Alternates");
      if (ctx_.x1a) {
        if (auto sm = d.getKey("/SMask"); sm.isStream()) add("P13", Severity::Error, who + " has a soft mask /SMask");
        if (auto v = d.getKey("/SMaskInData"); v.isInteger() && v.getIntValue() != 0)
          add("P13", Severity::Error, who + " has /SMaskInData");
      }
    } else if (sub == "/Form") {
      check_group(d.getKey("/Group"), who);
      resources(d.getKey("/Resources"), depth + 1);
    }
  }

  // F01–F03.
  void font(const std::string& name, QPDFObjectHandle f, int depth) {
    if (!f.isDictionary() || !first_visit(f)) return;
    const std::string sub = name_of(f.getKey("/Subtype"));
    std::string base = name_of(f.getKey("/BaseFont"));
    const std::string who = fmt::format("font {} {}({})", name, base.empty() ? "" : base + " ", object_label(f));
    if (sub == "/Type3") {
      add("F02", Severity::Warning, who + " is a Type 3 font (procedure or bitmap glyphs; not for body text)");
      resources(f.getKey("/Resources"), depth + 1);
    } else {
      QPDFObjectHandle fd;
      if (sub == "/Type0") {
        auto desc = f.getKey("/DescendantFonts");
        if (desc.isArray() && desc.getArrayNItems() > 0) {
          auto d0 = desc.getArrayItem(0);
          fd = d0.getKey("/FontDescriptor");
          if (auto b = name_of(d0.getKey("/BaseFont")); !b.empty()) base = b;
        }
      } else {
        fd = f.getKey("/FontDescriptor");
      }
      const bool embedded = fd.isDictionary() && (fd.getKey("/FontFile").isStream() || fd.getKey("/FontFile2").isStream() ||
                                                  fd.getKey("/FontFile3").isStream());
      if (!embedded)
        add("F01", Severity::Error,
            who + " is not embedded" + (is_standard14(base) ? " (the RIP would substitute its own " + base.substr(1) + ")" : ""));
      else if (!is_subset_name(base))
        add("F01", Severity::Error, who + " is embedded but not subset (no ABCDEF+ tag)");
    }
    if (!f.getKey("/ToUnicode").isStream())
      add("F03", Severity::Warning, who + " has no /ToUnicode map (text cannot be extracted or searched)");
  }

  Context& ctx_;
  int page_ = 0;
  std::set<QPDFObjGen> seen_;
};

}  // namespace

void check_resources(Context& ctx) {
  ResourceWalker walker(ctx);
  for (const auto& p : ctx.pages) walker.page(p);
}

}  // namespace paiban::preflight_detail
