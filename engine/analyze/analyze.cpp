#include "engine/analyze/analyze.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/rbbi.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <ostream>
#include <string>

namespace paiban {
namespace {

using C = CharClass;

bool in(char32_t c, std::initializer_list<char32_t> set) {
  for (char32_t s : set)
    if (c == s) return true;
  return false;
}

bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3134F) || c == 0x3007 || (c >= 0x2E80 && c <= 0x2FDF) ||
         (c >= 0x31C0 && c <= 0x31EF);
}

bool is_small_kana(char32_t c) {
  return in(c, {0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308E, 0x3095, 0x3096,
                0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6,
                0x30FC}) ||
         (c >= 0x31F0 && c <= 0x31FF);
}

int east_asian_width(char32_t c) {
  return u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_EAST_ASIAN_WIDTH);
}

bool is_wide(char32_t c) {
  const int w = east_asian_width(c);
  return w == U_EA_WIDE || w == U_EA_FULLWIDTH;
}

// The class of a code point before context (rule book §1 table). U+2014 and U+002D are refined
// by their neighbours afterwards.
CharClass raw_class(char32_t c) {
  if (in(c, {0x201C, 0x2018, 0xFF08, 0x3014, 0xFF3B, 0xFF5B, 0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3016,
             0x3018, 0xFF5F, 0x301D}))
    return C::Open;
  if (in(c, {0x201D, 0x2019, 0xFF09, 0x3015, 0xFF3D, 0xFF5D, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3017,
             0x3019, 0xFF60, 0x301E, 0x301F}))
    return C::Close;
  if (in(c, {0xFF0C, 0x3001, 0xFE50, 0xFE51})) return C::Comma;
  if (in(c, {0x3002, 0xFF0E, 0xFE52})) return C::Stop;
  if (in(c, {0xFF1A, 0xFF1B, 0xFE54, 0xFE55})) return C::Colon;
  if (in(c, {0xFF01, 0xFF1F, 0x203C, 0x2047, 0x2048, 0x2049, 0xFE56, 0xFE57})) return C::Excl;
  if (in(c, {0x00B7, 0x30FB, 0x2027, 0xFF65})) return C::MiddleDot;
  if (in(c, {0x2014, 0x2E3A, 0x2E3B})) return C::Dash;
  if (in(c, {0x2026, 0x22EF, 0x2025})) return C::Ellipsis;
  if (in(c, {0x2013, 0xFF5E, 0x301C, 0x30A0, 0x002D})) return C::Connect;
  if (in(c, {0x002F, 0xFF0F})) return C::Solidus;
  if (c == 0x3000) return C::IdeoSpace;
  if (in(c, {0x3005, 0x303B, 0x309D, 0x309E, 0x30FD, 0x30FE})) return C::Iteration;
  if (is_small_kana(c)) return C::SmallKana;
  if ((c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA)) return C::Kana;
  if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) return C::Fullwidth;
  if (in(c, {0xFFE5, 0xFF04, 0x00A5, 0x0024, 0x00A3, 0x20AC, 0x2116, 0x0023, 0x00B1, 0xFFE1, 0xFFE6, 0xFF03}))
    return C::Prefix;
  if (in(c, {0xFF05, 0x0025, 0x2030, 0x2031, 0x00B0, 0x2103, 0x2109, 0x2032, 0x2033, 0xFFE0})) return C::Postfix;
  if (c == 0x0020 || c == 0x00A0 || c == 0x0009 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F ||
      c == 0x1680)
    return C::Space;
  if (c == 0x2028 || c == 0x2029 || c == 0x0085) return C::Control;
  if (is_han(c)) return C::Han;
  const auto gc = static_cast<UCharCategory>(u_charType(static_cast<UChar32>(c)));
  if (gc == U_CONTROL_CHAR) return C::Control;
  if (gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK || gc == U_COMBINING_SPACING_MARK || c == 0x200C ||
      c == 0x200D || c == 0x2060 || c == 0xFEFF || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF))
    return C::Combining;
  if (gc == U_DECIMAL_DIGIT_NUMBER && !is_wide(c)) return C::Digit;
  // §1 rule 3: other wide characters (Hangul, CJK symbols, ＋…) behave like Han; the rest is Latin.
  if (is_wide(c)) return C::Han;
  return C::Latin;
}

// Strong context of a position for §1 rule 1: the nearest letter/digit/wide character.
enum class Strong : std::uint8_t { None, Cjk, Latin };

Strong strong_kind(char32_t c, CharClass cls) {
  if (cls == C::Space || cls == C::Control || cls == C::Combining) return Strong::None;
  if (east_asian_width(c) == U_EA_AMBIGUOUS && !u_isalpha(static_cast<UChar32>(c))) return Strong::None;
  if (is_wide(c) || is_han_like(cls) || cls == C::Fullwidth) return Strong::Cjk;
  if (u_isalnum(static_cast<UChar32>(c))) return Strong::Latin;
  return Strong::None;
}

bool is_quote(char32_t c) { return c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019; }

}  // namespace

const char* class_name(CharClass c) {
  switch (c) {
    case C::Open: return "OPEN";
    case C::Close: return "CLOSE";
    case C::Comma: return "COMMA";
    case C::Stop: return "STOP";
    case C::Colon: return "COLON";
    case C::Excl: return "EXCL";
    case C::MiddleDot: return "MIDDOT";
    case C::Dash: return "DASH2";
    case C::Ellipsis: return "ELLIP";
    case C::Connect: return "CONNECT";
    case C::Solidus: return "SOLIDUS";
    case C::IdeoSpace: return "IDSP";
    case C::Han: return "HAN";
    case C::Iteration: return "ITER";
    case C::Kana: return "KANA";
    case C::SmallKana: return "SMALLKANA";
    case C::Fullwidth: return "FULLWIDTH";
    case C::Prefix: return "PREFIX";
    case C::Postfix: return "POSTFIX";
    case C::Latin: return "LATIN";
    case C::Digit: return "DIGIT";
    case C::Space: return "SPACE";
    case C::Control: return "CONTROL";
    case C::Combining: return "COMBINING";
  }
  return "?";
}

const char* rule_name(BreakRule r) {
  switch (r) {
    case BreakRule::Start: return "start";
    case BreakRule::End: return "end";
    case BreakRule::Icu: return "icu";
    case BreakRule::IcuProhibited: return "icu-prohibited";
    case BreakRule::IcuMandatory: return "icu-mandatory";
    case BreakRule::QuoteTailoring: return "quote-tailoring";
    case BreakRule::EllipsisBasic: return "ellipsis-basic";
    case BreakRule::NoneLevel: return "none-level";
    case BreakRule::NotStart: return "not-start";
    case BreakRule::NotEnd: return "not-end";
    case BreakRule::Inseparable: return "inseparable";
    case BreakRule::SolidusRule: return "solidus";
  }
  return "?";
}

bool is_cjk_language(std::string_view l) {
  auto starts = [&](std::string_view p) {
    return l.size() >= p.size() && l.substr(0, p.size()) == p && (l.size() == p.size() || l[p.size()] == '-' || l[p.size()] == '_');
  };
  return starts("zh") || starts("ja") || starts("ko") || starts("yue") || starts("cmn");
}

bool is_close_type(CharClass c) {
  return c == C::Close || c == C::Comma || c == C::Stop || c == C::Colon || c == C::Excl;
}

bool is_han_like(CharClass c) {
  return c == C::Han || c == C::Kana || c == C::SmallKana || c == C::Iteration;
}

std::vector<CharInfo> classify(std::u32string_view text, std::string_view language) {
  const std::size_t n = text.size();
  std::vector<CharInfo> out(n);
  const bool cjk_lang = is_cjk_language(language);
  std::vector<Strong> strong(n);
  for (std::size_t i = 0; i < n; ++i) {
    const char32_t c = text[i];
    CharInfo& ci = out[i];
    if (c >= 0x4E00 && c <= 0x9FFF) {
      // CJK Unified Ideographs, ~85 % of a Chinese text: HAN, East Asian Width W for the whole
      // block (EastAsianWidth.txt: 4E00..9FFF;W), so CJK-strong and on the CJK side — what the
      // general path below gives, without its four ICU property lookups and the table scans.
      ci.cls = C::Han;
      ci.side = Side::Cjk;
      strong[i] = Strong::Cjk;
      continue;
    }
    ci.cls = raw_class(c);
    strong[i] = strong_kind(c, ci.cls);
    if (ci.cls == C::Space || ci.cls == C::Control || ci.cls == C::Combining) {
      ci.side = Side::Neutral;
    } else if (east_asian_width(c) == U_EA_AMBIGUOUS && !u_isalpha(static_cast<UChar32>(c))) {
      ci.ambiguous = true;  // side from context below
      ci.side = Side::Latin;
    } else {
      ci.side = is_wide(c) || is_han_like(ci.cls) || ci.cls == C::Fullwidth ? Side::Cjk : Side::Latin;
    }
  }
  if (cjk_lang) {
    // Nearest strong character before / after every position, and a prefix count of CJK-strong
    // characters (for "is there Chinese inside this quotation").
    std::vector<Strong> before(n), after(n);
    std::vector<std::uint32_t> cjk_prefix(n + 1, 0);
    Strong last = Strong::None;
    for (std::size_t i = 0; i < n; ++i) {
      before[i] = last;
      if (strong[i] != Strong::None) last = strong[i];
      cjk_prefix[i + 1] = cjk_prefix[i] + (strong[i] == Strong::Cjk ? 1 : 0);
    }
    last = Strong::None;
    for (std::size_t i = n; i-- > 0;) {
      after[i] = last;
      if (strong[i] != Strong::None) last = strong[i];
    }
    // Quotation marks decide per pair (an opening mark and its closing partner share one side).
    std::vector<char> decided(n, 0);
    std::vector<std::size_t> open_double, open_single;
    auto decide_pair = [&](std::size_t o, std::size_t c) {
      const bool cjk = before[o] == Strong::Cjk || after[c] == Strong::Cjk || cjk_prefix[c] - cjk_prefix[o + 1] > 0;
      out[o].side = out[c].side = cjk ? Side::Cjk : Side::Latin;
      decided[o] = decided[c] = 1;
    };
    for (std::size_t i = 0; i < n; ++i) {
      const char32_t c = text[i];
      if (c == 0x201C) open_double.push_back(i);
      else if (c == 0x2018) open_single.push_back(i);
      else if (c == 0x201D && !open_double.empty()) { decide_pair(open_double.back(), i); open_double.pop_back(); }
      else if (c == 0x2019 && !open_single.empty()) { decide_pair(open_single.back(), i); open_single.pop_back(); }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!out[i].ambiguous || decided[i]) continue;
      // An apostrophe between letters is Latin whatever the paragraph.
      if (text[i] == 0x2019 && before[i] == Strong::Latin && after[i] == Strong::Latin) continue;
      out[i].side = (before[i] == Strong::Cjk || after[i] == Strong::Cjk) ? Side::Cjk : Side::Latin;
    }
  }
  // Context refinements of classes.
  for (std::size_t i = 0; i < n; ++i) {
    CharInfo& ci = out[i];
    const char32_t c = text[i];
    if (c == 0x2014) {
      // —— (two or more) is DASH2; a lone — is a connector, NS in the zh tailoring (§2).
      const bool paired = (i > 0 && text[i - 1] == 0x2014) || (i + 1 < n && text[i + 1] == 0x2014);
      if (ci.side == Side::Latin) ci.cls = C::Latin;
      else if (!paired) ci.cls = C::Connect;
    } else if (c == 0x002D) {
      // Hyphen-minus is a CJK connector only between CJK characters; in words and numbers Latin.
      auto latin_alnum = [&](std::size_t j) { return out[j].side == Side::Latin && (out[j].cls == C::Latin || out[j].cls == C::Digit); };
      const bool cjk_neighbour = (i > 0 && out[i - 1].side == Side::Cjk) || (i + 1 < n && out[i + 1].side == Side::Cjk);
      const bool latin_neighbour = (i > 0 && latin_alnum(i - 1)) || (i + 1 < n && latin_alnum(i + 1));
      if (!(cjk_neighbour && !latin_neighbour)) ci.cls = C::Latin;
    } else if (ci.side == Side::Latin && ci.ambiguous && !is_quote(c) &&
               (ci.cls == C::MiddleDot || ci.cls == C::Ellipsis || ci.cls == C::Dash)) {
      ci.cls = C::Latin;  // Latin punctuation: no CJK behaviour
    } else if (ci.side == Side::Cjk && ci.ambiguous && ci.cls == C::Latin) {
      ci.cls = C::Han;  // §1 rule 3: an ambiguous symbol inside Chinese behaves like Han
    }
  }
  return out;
}

void demote_to_latin(CharInfo& info) {
  if (!info.ambiguous || info.side != Side::Cjk) return;
  if (info.cls == C::MiddleDot) return;
  info.side = Side::Latin;
  if (info.cls == C::Dash || info.cls == C::Ellipsis || info.cls == C::Connect || info.cls == C::Han)
    info.cls = C::Latin;
}

bool not_start(CharClass c, KinsokuLevel level) {
  switch (level) {
    case KinsokuLevel::None: return false;
    case KinsokuLevel::Basic:
      return c == C::Comma || c == C::Stop || c == C::Colon || c == C::Excl || c == C::Close || c == C::Connect ||
             c == C::MiddleDot || c == C::Solidus;
    case KinsokuLevel::Gb:
      return not_start(c, KinsokuLevel::Basic) || c == C::Ellipsis || c == C::Iteration || c == C::Postfix;
    case KinsokuLevel::Strict: return not_start(c, KinsokuLevel::Gb) || c == C::Dash || c == C::SmallKana;
    case KinsokuLevel::Loose:
      return not_start(c, KinsokuLevel::Gb) && c != C::Excl && c != C::Colon && c != C::Iteration && c != C::Postfix;
  }
  return false;
}

bool not_end(CharClass c, KinsokuLevel level) {
  switch (level) {
    case KinsokuLevel::None: return false;
    case KinsokuLevel::Basic: return c == C::Open;
    case KinsokuLevel::Gb:
    case KinsokuLevel::Strict: return c == C::Open || c == C::Solidus || c == C::Prefix;
    case KinsokuLevel::Loose: return c == C::Open || c == C::Solidus;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Break opportunities (§2)

namespace {

const char* icu_locale_for(KinsokuLevel level) {
  // ICU's zh line rules implement CSS line-break: strict / normal / loose (§2 "ICU tailoring").
  // Plain "zh" behaves like strict for CJ, so the keyword is always given.
  switch (level) {
    case KinsokuLevel::Strict: return "zh@lb=strict";
    case KinsokuLevel::None:
    case KinsokuLevel::Loose: return "zh@lb=loose";
    case KinsokuLevel::Basic:
    case KinsokuLevel::Gb: return "zh@lb=normal";
  }
  return "zh@lb=normal";
}

bool is_digit_like(const CharInfo& c, char32_t ch) {
  return c.cls == C::Digit || (c.cls == C::Fullwidth && ch >= 0xFF10 && ch <= 0xFF19);
}

}  // namespace

struct LineAnalyzer::Icu {
  std::unique_ptr<icu::BreakIterator> it;
};

LineAnalyzer::LineAnalyzer(KinsokuLevel level) : level_(level), icu_(std::make_unique<Icu>()) {
  // createLineInstance finds, loads and checks the locale's rules every time (~56,000
  // instructions; a 16-page edition makes 645 analyzers); a clone shares the loaded rules. The
  // prototypes are per thread, so no iterator is ever used by two threads (ICU break iterators
  // are not thread-safe), and they are never iterated, only cloned.
  thread_local std::unique_ptr<icu::BreakIterator> prototypes[static_cast<std::size_t>(KinsokuLevel::Loose) + 1];
  auto& proto = prototypes[static_cast<std::size_t>(level)];
  if (!proto) {
    UErrorCode st = U_ZERO_ERROR;
    proto.reset(icu::BreakIterator::createLineInstance(icu::Locale(icu_locale_for(level)), st));
    if (U_FAILURE(st)) proto.reset();
  }
  if (proto) icu_->it.reset(proto->clone());
}

LineAnalyzer::~LineAnalyzer() = default;

std::vector<BreakOpportunity> LineAnalyzer::find_breaks(std::u32string_view text, std::span<const CharInfo> info) {
  const std::size_t n = text.size();
  std::vector<BreakOpportunity> out(n + 1);
  out[0] = {BreakKind::Prohibited, BreakRule::Start, 0};
  if (n == 0) {
    out[0] = {BreakKind::Mandatory, BreakRule::End, 0};
    return out;
  }
  // 1. ICU (UAX #14 with the zh tailoring of the level). Boundaries come in UTF-16 offsets; walk
  // the code points alongside to convert.
  std::vector<std::uint8_t> icu_allowed(n + 1, 0), icu_hard(n + 1, 0);
  if (icu::BreakIterator* it = icu_->it.get()) {
    icu::UnicodeString us =
        icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(text.data()), static_cast<int32_t>(n));
    it->setText(us);
    std::size_t cp = 0;
    int32_t u16 = 0;
    for (int32_t p = it->next(); p != icu::BreakIterator::DONE; p = it->next()) {
      while (u16 < p && cp < n) {
        const char32_t c = text[cp];
        u16 += (c >= 0x10000 && c <= 0x10FFFF) ? 2 : 1;
        ++cp;
      }
      if (u16 != p) continue;  // inside a code point (cannot happen for valid text)
      icu_allowed[cp] = 1;
      const int32_t status = it->getRuleStatus();
      icu_hard[cp] = status >= UBRK_LINE_HARD && status < UBRK_LINE_HARD_LIMIT;
    }
  }
  const KinsokuLevel level = level_;
  int prev_solid = -1;  // last code point before i that is not a space (for NOT_END across spaces)
  for (std::size_t i = 1; i <= n; ++i) {
    const CharInfo& a = info[i - 1];
    if (a.cls != C::Space) prev_solid = static_cast<int>(i - 1);
    if (i == n) break;
    const CharInfo& b = info[i];
    BreakOpportunity& o = out[i];
    if (icu_hard[i]) {
      o = {BreakKind::Mandatory, BreakRule::IcuMandatory, 0};
      continue;
    }
    bool allowed = icu_allowed[i] != 0;
    BreakRule rule = allowed ? BreakRule::Icu : BreakRule::IcuProhibited;
    if (b.cls == C::Combining || b.cls == C::Space) {
      o = {BreakKind::Prohibited, BreakRule::IcuProhibited, 0};
      continue;
    }
    if (level == KinsokuLevel::None) {
      if (!allowed && a.side == Side::Cjk && b.side == Side::Cjk) { allowed = true; rule = BreakRule::NoneLevel; }
    } else {
      // Curly quotes in Chinese are brackets: break before an opening one, after a closing one
      // (ICU ≥ 74 CJ rules; Typst re-classes them OP/CP). UAX #14 QU forbids both.
      if (!allowed && b.side == Side::Cjk && (text[i] == 0x201C || text[i] == 0x2018) && a.cls != C::Space) {
        allowed = true;
        rule = BreakRule::QuoteTailoring;
      }
      if (!allowed && a.side == Side::Cjk && (text[i - 1] == 0x201D || text[i - 1] == 0x2019)) {
        allowed = true;
        rule = BreakRule::QuoteTailoring;
      }
      // CLREQ's basic level lets …… start a line; ICU (LB22) never does.
      if (!allowed && level == KinsokuLevel::Basic && b.cls == C::Ellipsis && a.cls != C::Ellipsis) {
        allowed = true;
        rule = BreakRule::EllipsisBasic;
      }
    }
    {
      // The named rules of §2; a break they forbid is reported under their name even when ICU
      // forbids it too, so traces say which kinsoku rule fired.
      const CharInfo* solid = prev_solid >= 0 ? &info[static_cast<std::size_t>(prev_solid)] : nullptr;
      const bool latin_pair = a.side == Side::Latin && b.side == Side::Latin;
      const bool prefix_number = a.cls == C::Prefix && is_digit_like(b, text[i]);
      const bool number_postfix = is_digit_like(a, text[i - 1]) && b.cls == C::Postfix;
      BreakRule named = rule;
      if (solid && not_end(solid->cls, level)) named = BreakRule::NotEnd;
      else if (not_start(b.cls, level)) named = BreakRule::NotStart;
      else if (level != KinsokuLevel::None && (a.cls == C::Solidus || b.cls == C::Solidus)) named = BreakRule::SolidusRule;
      else if (latin_pair || prefix_number || number_postfix ||
               (level != KinsokuLevel::None && a.cls == C::Dash && b.cls == C::Dash) ||
               (level != KinsokuLevel::None && level != KinsokuLevel::Loose && a.cls == C::Ellipsis &&
                b.cls == C::Ellipsis))
        named = BreakRule::Inseparable;
      if (named != rule) {
        allowed = false;
        rule = named;
      }
    }
    o.kind = allowed ? BreakKind::Allowed : BreakKind::Prohibited;
    o.rule = rule;
    if (allowed && level == KinsokuLevel::Loose) {
      // Breaks the gb level would forbid cost extra at the loose level (§9 penalties).
      const CharInfo* solid = prev_solid >= 0 ? &info[static_cast<std::size_t>(prev_solid)] : nullptr;
      const bool gb_forbids = not_start(b.cls, KinsokuLevel::Gb) || (solid && not_end(solid->cls, KinsokuLevel::Gb));
      if (gb_forbids) o.penalty = b.cls == C::Ellipsis ? kLooseEllipsisPenalty : kLooseOtherPenalty;
      else if (b.cls == C::SmallKana) o.penalty = kLooseSmallKanaPenalty;
    }
  }
  out[n] = {BreakKind::Mandatory, BreakRule::End, 0};
  return out;
}

std::vector<BreakOpportunity> find_breaks(std::u32string_view text, std::span<const CharInfo> info,
                                          KinsokuLevel level) {
  LineAnalyzer a(level);
  return a.find_breaks(text, info);
}

Analysis analyze(std::u32string_view text, const AnalyzeOptions& options) {
  Analysis a;
  a.info = classify(text, options.language);
  a.breaks = find_breaks(text, a.info, options.kinsoku);
  return a;
}

void Analysis::dump(std::ostream& os, std::u32string_view text) const {
  std::u32string marked;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && i < breaks.size()) {
      if (breaks[i].kind == BreakKind::Allowed) marked += U'|';
      else if (breaks[i].kind == BreakKind::Mandatory) marked += U'‖';
    }
    marked += text[i];
  }
  if (!breaks.empty() && breaks.back().kind == BreakKind::Mandatory) marked += U'‖';
  std::string utf8;
  icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(marked.data()), static_cast<int32_t>(marked.size()))
      .toUTF8String(utf8);
  os << utf8 << '\n';
  for (std::size_t i = 0; i < info.size(); ++i) {
    os << (i ? " " : "") << class_name(info[i].cls);
    if (info[i].ambiguous) os << (info[i].side == Side::Cjk ? "/cjk" : "/latin");
  }
  os << '\n';
}

PunctGlyph classify_punct_glyph(CharClass cls, Sp advance, Sp ink_left, Sp ink_right, Sp em) {
  PunctGlyph g;
  // 1 % of an em: outlines and advances are rounded to font units (§1 rule 1 uses the same margin).
  const Sp tol = em / 100;
  const Sp half = em / 2;
  const bool full_width = advance >= em - tol && advance <= em + tol;
  const bool open = cls == C::Open;
  const bool close = is_close_type(cls);
  if (!full_width || (!open && !close)) return g;
  if (close && ink_right <= half + tol) {
    g.fit = PunctFit::BlankRight;
    g.blank_right = advance - half;
    return g;
  }
  if (open && ink_left >= half - tol) {
    g.fit = PunctFit::BlankLeft;
    g.blank_left = advance - half;
    return g;
  }
  if (ink_right - ink_left <= half + tol && ink_left >= em / 4 - tol && ink_right <= em - em / 4 + tol) {
    g.fit = PunctFit::Centred;
    g.blank_left = advance / 4;
    g.blank_right = advance / 4;
  }
  return g;
}

}  // namespace paiban
