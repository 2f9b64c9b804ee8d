#include "engine/preflight/colour.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace paiban::preflight_detail {

namespace {

constexpr int kMaxDepth = 8;  // colour spaces nest at most Pattern → Indexed → Separation → alt

CsPtr make(CsKind kind, int n, std::string label) {
  auto cs = std::make_shared<ColourSpace>();
  cs->kind = kind;
  cs->n = n;
  cs->label = std::move(label);
  return cs;
}

CsPtr unknown(std::string label) { return make(CsKind::Unknown, 1, std::move(label)); }

std::string strip_slash(const std::string& s) { return !s.empty() && s[0] == '/' ? s.substr(1) : s; }

std::string bytes_of(QPDFObjectHandle h) {
  if (h.isString()) return h.getStringValue();
  if (h.isStream()) {
    auto buf = h.getStreamData(qpdf_dl_generalized);
    return std::string(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
  }
  return {};
}

}  // namespace

CsPtr device_gray() {
  static const CsPtr cs = make(CsKind::Gray, 1, "/DeviceGray");
  return cs;
}
CsPtr device_cmyk() {
  static const CsPtr cs = make(CsKind::Cmyk, 4, "/DeviceCMYK");
  return cs;
}

CsPtr parse_colour_space(QPDFObjectHandle cs, QPDFObjectHandle res, bool inline_image, int depth) {
  if (depth > kMaxDepth) return unknown("colour space nested too deeply");
  if (cs.isArray() && cs.getArrayNItems() == 1) cs = cs.getArrayItem(0);
  if (cs.isName()) {
    const std::string n = cs.getName();
    if (n == "/DeviceGray" || (inline_image && n == "/G")) return device_gray();
    if (n == "/DeviceCMYK" || (inline_image && n == "/CMYK")) return device_cmyk();
    if (n == "/DeviceRGB" || (inline_image && n == "/RGB")) return make(CsKind::Rgb, 3, "/DeviceRGB");
    if (n == "/Pattern") return make(CsKind::Pattern, 0, "/Pattern");
    auto table = res.isDictionary() ? res.getKey("/ColorSpace") : QPDFObjectHandle::newNull();
    if (table.isDictionary() && table.hasKey(n)) {
      auto resolved = parse_colour_space(table.getKey(n), res, false, depth + 1);
      auto named = std::make_shared<ColourSpace>(*resolved);
      named->label = n + " = " + resolved->label;
      return named;
    }
    return unknown(n + " (undefined colour space)");
  }
  if (!cs.isArray() || cs.getArrayNItems() < 1 || !cs.getArrayItem(0).isName()) return unknown(cs.unparse());
  const std::string fam = cs.getArrayItem(0).getName();
  auto item = [&](int i) { return i < cs.getArrayNItems() ? cs.getArrayItem(i) : QPDFObjectHandle::newNull(); };
  if (fam == "/ICCBased") {
    int n = 0;
    if (item(1).isStream() && item(1).getDict().getKey("/N").isInteger()) n = item(1).getDict().getKey("/N").getIntValue();
    return make(CsKind::IccBased, std::max(1, n), fmt::format("/ICCBased (N={})", n));
  }
  if (fam == "/CalRGB") return make(CsKind::CalRgb, 3, "/CalRGB");
  if (fam == "/CalGray") return make(CsKind::CalGray, 1, "/CalGray");
  if (fam == "/Lab") return make(CsKind::Lab, 3, "/Lab");
  if (fam == "/Separation") {
    auto cs2 = std::make_shared<ColourSpace>();
    cs2->kind = CsKind::Separation;
    cs2->n = 1;
    cs2->colorants = {strip_slash(item(1).isName() ? item(1).getName() : std::string("?"))};
    cs2->base = parse_colour_space(item(2), res, false, depth + 1);
    cs2->label = fmt::format("/Separation /{} (alternate {})", cs2->colorants[0], cs2->base->label);
    return cs2;
  }
  if (fam == "/DeviceN") {
    auto cs2 = std::make_shared<ColourSpace>();
    cs2->kind = CsKind::DeviceN;
    if (item(1).isArray())
      for (auto& nm : item(1).aitems()) cs2->colorants.push_back(strip_slash(nm.isName() ? nm.getName() : "?"));
    cs2->n = std::max<int>(1, static_cast<int>(cs2->colorants.size()));
    cs2->base = parse_colour_space(item(2), res, false, depth + 1);
    cs2->label = fmt::format("/DeviceN (alternate {})", cs2->base->label);
    return cs2;
  }
  if (fam == "/Indexed" || (inline_image && fam == "/I")) {
    auto cs2 = std::make_shared<ColourSpace>();
    cs2->kind = CsKind::Indexed;
    cs2->n = 1;
    cs2->base = parse_colour_space(item(1), res, inline_image, depth + 1);
    cs2->hival = item(2).isInteger() ? static_cast<int>(std::clamp<long long>(item(2).getIntValue(), 0, 255)) : 0;
    cs2->lookup = bytes_of(item(3));
    cs2->label = fmt::format("/Indexed (base {})", cs2->base->label);
    return cs2;
  }
  if (fam == "/Pattern") {
    auto cs2 = std::make_shared<ColourSpace>();
    cs2->kind = CsKind::Pattern;
    if (!item(1).isNull()) cs2->base = parse_colour_space(item(1), res, false, depth + 1);
    cs2->n = cs2->base ? cs2->base->n : 0;
    cs2->label = cs2->base ? fmt::format("/Pattern (base {})", cs2->base->label) : "/Pattern";
    return cs2;
  }
  return unknown(fam);
}

std::string forbidden_reason(const ColourSpace& cs) {
  switch (cs.kind) {
    case CsKind::Gray:
    case CsKind::Cmyk:
      return {};
    case CsKind::Rgb:
    case CsKind::CalRgb:
      return "RGB colour " + cs.label;
    case CsKind::CalGray:
    case CsKind::Lab:
      return "CIE-based colour " + cs.label;
    case CsKind::IccBased:
      return "ICC-based colour " + cs.label;
    case CsKind::Separation:
    case CsKind::DeviceN:
      if (cs.base && (cs.base->kind == CsKind::Cmyk || cs.base->kind == CsKind::Gray)) return {};
      return "spot colour without a CMYK alternate: " + cs.label;
    case CsKind::Indexed:
    case CsKind::Pattern:
      if (!cs.base) return {};
      if (auto why = forbidden_reason(*cs.base); !why.empty()) return why + " in " + cs.label;
      return {};
    case CsKind::Unknown:
      break;
  }
  return "unknown colour space " + cs.label;
}

std::vector<double> initial_colour(const ColourSpace& cs) {
  switch (cs.kind) {
    case CsKind::Cmyk: return {0, 0, 0, 1};
    case CsKind::Separation:
    case CsKind::DeviceN: return std::vector<double>(static_cast<std::size_t>(cs.n), 1.0);
    case CsKind::Pattern: return {};
    default: return std::vector<double>(static_cast<std::size_t>(cs.n), 0.0);
  }
}

double Inks::total() const {
  double t = c + m + y + k;
  for (const auto& s : spots) t += s.second;
  return t;
}

int Inks::plates() const {
  constexpr double kVisible = 0.005;  // below 0.5 % a plate carries no dot after plate-making
  int n = (c > kVisible) + (m > kVisible) + (y > kVisible) + (k > kVisible);
  for (const auto& s : spots) n += s.second > kVisible;
  return n;
}

bool Inks::pure_black() const { return known && spots.empty() && c < 1e-3 && m < 1e-3 && y < 1e-3 && k > 1 - 1e-3; }

bool Inks::looks_black() const {
  if (!known || registration_like()) return false;  // registration is C08's business, not black
  return k >= 0.85 || std::min({c, m, y}) >= 0.7;
}

bool Inks::white() const { return known && total() < 1e-3; }

bool Inks::registration_like() const {
  return registration || (known && c > 0.99 && m > 0.99 && y > 0.99 && k > 0.99);
}

std::string Inks::describe() const {
  if (!known) return "colour without a plate model";
  std::string s;
  auto part = [&](char name, double v) {
    if (v <= 1e-3) return;
    if (!s.empty()) s += ' ';
    s += fmt::format("{}{}", name, static_cast<int>(std::lround(v * 100)));
  };
  part('C', c);
  part('M', m);
  part('Y', y);
  part('K', k);
  for (const auto& [name, t] : spots) {
    if (!s.empty()) s += ' ';
    s += fmt::format("spot '{}' {}", name, static_cast<int>(std::lround(t * 100)));
  }
  if (registration) s = "registration (/All) " + s;
  return s.empty() ? "no ink (white)" : s;
}

Inks inks_of(const ColourSpace& cs, const std::vector<double>& v) {
  Inks ink;
  auto at = [&](std::size_t i) { return i < v.size() ? std::clamp(v[i], 0.0, 1.0) : 0.0; };
  auto plate = [&](const std::string& name, double t) {
    if (name == "Cyan") ink.c += t;
    else if (name == "Magenta") ink.m += t;
    else if (name == "Yellow") ink.y += t;
    else if (name == "Black") ink.k += t;
    else if (name == "All") {
      ink.registration = true;
      ink.c += t; ink.m += t; ink.y += t; ink.k += t;
    } else if (name != "None") {
      ink.spots.emplace_back(name, t);
    }
  };
  switch (cs.kind) {
    case CsKind::Gray: ink.k = 1 - at(0); break;
    case CsKind::Cmyk: ink.c = at(0); ink.m = at(1); ink.y = at(2); ink.k = at(3); break;
    case CsKind::Separation:
    case CsKind::DeviceN:
      for (std::size_t i = 0; i < cs.colorants.size(); ++i) plate(cs.colorants[i], at(i));
      break;
    case CsKind::Indexed: {
      if (!cs.base) { ink.known = false; break; }
      const int n = cs.base->n;
      const long idx = std::clamp<long>(std::lround(v.empty() ? 0 : v[0]), 0, cs.hival);
      std::vector<double> base(static_cast<std::size_t>(n), 0.0);
      for (int i = 0; i < n; ++i) {
        const std::size_t at_byte = static_cast<std::size_t>(idx * n + i);
        if (at_byte < cs.lookup.size()) base[static_cast<std::size_t>(i)] = static_cast<unsigned char>(cs.lookup[at_byte]) / 255.0;
      }
      ink = inks_of(*cs.base, base);
      break;
    }
    default: ink.known = false; break;
  }
  return ink;
}

}  // namespace paiban::preflight_detail
