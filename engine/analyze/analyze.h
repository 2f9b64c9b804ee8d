// Text analysis for CJK line breaking (docs/cjk-layout-rules.md §1, §2): every code point gets
// a character class and a side (CJK / Latin / neutral), and every position between two code
// points gets a break opportunity computed by ICU's line BreakIterator for `zh` (lb=strict /
// normal / loose) plus paiban's tailorings. Width-independent, done once per paragraph; depends
// on base/ and ICU only. shape/ and linebreak/ combine the result with glyph metrics:
//
//   std::vector<CharInfo> info = classify(text, "zh-Hans");     // §1
//   ... shape, demote ambiguous marks whose glyph is not 1 em (§1 rule 1) ...
//   std::vector<BreakOpportunity> b = find_breaks(text, info, KinsokuLevel::Gb);  // §2
//
// or `analyze(text, options)` for both steps when no glyph widths are at hand.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/units.h"

namespace paiban {

// Prohibition levels (rule book §2, CLREQ names). Declared here because the analysis applies
// them; linebreak.h re-exports it as part of ParagraphStyle.
enum class KinsokuLevel { None, Basic, Gb, Strict, Loose };

// Character classes of rule book §1 (paiban names; JLREQ class in the comment).
enum class CharClass : std::uint8_t {
  Open,        // 开始夹注 “‘（〔［｛〈《「『【〖〘 (cl-01)
  Close,       // 结束夹注 ”’）〕］｝〉》」』】〗〙 (cl-02)
  Comma,       // ，、 (cl-07)
  Stop,        // 。． (cl-06)
  Colon,       // ：； (cl-05)
  Excl,        // ！？‼⁇⁈⁉ (cl-04)
  MiddleDot,   // ·・‧･ (cl-05)
  Dash,        // the halves of ——, ⸺ ⸻ (cl-08): never split, never adjusted
  Ellipsis,    // …⋯ (cl-08)
  Connect,     // – ～ 〜, a lone —, - between CJK (cl-03): not at line start
  Solidus,     // / ／: no break on either side (GB/T 15834 §5.1.9)
  IdeoSpace,   // U+3000 (cl-14)
  Han,         // ideographs, 〇, other wide letters/symbols (cl-19)
  Iteration,   // 々〻ゝゞヽヾ (cl-09)
  Kana,        // hiragana, katakana (cl-15/16)
  SmallKana,   // ぁぃ…ッャ… and ー (cl-11, cl-10): non-starters in `strict` only
  Fullwidth,   // ０–９ Ａ–Ｚ ａ–ｚ: behave like Han, no autospace (cl-19)
  Prefix,      // ￥＄¥$£€№#± (cl-12): glued to the following number
  Postfix,     // ％%‰°℃′″￠ (cl-13): glued to the preceding number
  Latin,       // Latin/Greek/Cyrillic letters and Latin-context punctuation (cl-27)
  Digit,       // European digits (cl-24)
  Space,       // U+0020, NBSP, tab, U+2000–200B: glue, not a box
  Control,     // control characters, U+2028/2029: mandatory breaks, no width
  Combining,   // marks, joiners, variation selectors: stay with their base
};
const char* class_name(CharClass c);  // "OPEN", "HAN", … (rule book spelling)

// Which script world a code point belongs to after context resolution (§1 rule 1): decides
// punctuation trimming, CJK–Latin autospace (§5) and the Latin-unit rule (no break inside a
// Latin word or number).
enum class Side : std::uint8_t { Cjk, Latin, Neutral };

struct CharInfo {
  CharClass cls = CharClass::Han;
  Side side = Side::Cjk;
  bool ambiguous = false;  // East Asian Width A (“”‘’—…·±°…): side chosen from context (§1 rule 1)
};

bool is_cjk_language(std::string_view bcp47);  // zh*, ja*, ko*, yue*

// Step 1 (§1): classes and sides from code points and their context. Ambiguous-width marks are
// CJK iff the language is CJK and their context is Chinese (for a quotation-mark pair: the text
// before the opening mark, after the closing mark, or inside the pair holds CJK); the caller
// demotes them to Latin when the shaped glyph is not 1 em (see demote_to_latin).
std::vector<CharInfo> classify(std::u32string_view text, std::string_view language);

// §1 rule 1, second half: an ambiguous mark whose glyph is not full-width is Latin punctuation.
// The middle dot stays a CJK MIDDOT (GB sets it in a ½ em cell whatever the glyph, §3.1).
void demote_to_latin(CharInfo& info);

// Prohibition sets of rule book §2 per level.
bool not_start(CharClass c, KinsokuLevel level);  // may not begin a line
bool not_end(CharClass c, KinsokuLevel level);    // may not end a line
bool is_close_type(CharClass c);  // CLOSE, COMMA, STOP, COLON, EXCL (§3.3 CLOSE-type)
bool is_han_like(CharClass c);    // HAN, KANA, SMALLKANA, ITERATION: take CJK–Latin autospace (§5)

enum class BreakKind : std::uint8_t { Prohibited, Allowed, Mandatory };

// Why a position is (not) a break: for traces and tests ("which kinsoku rule fired").
enum class BreakRule : std::uint8_t {
  Start,           // position 0
  End,             // end of text (mandatory)
  Icu,             // ICU allows, no tailoring objected
  IcuProhibited,   // ICU (UAX #14 + zh tailoring) forbids
  IcuMandatory,    // hard break character (LF, U+2028…)
  QuoteTailoring,  // break before a CJK opening / after a CJK closing quotation mark (§2 ICU tailoring)
  EllipsisBasic,   // `basic`: break before …… (CLREQ literal, §2 T2-5)
  NoneLevel,       // `none`: any break between two CJK characters
  NotStart,        // next character ∈ NOT_START(level)
  NotEnd,          // previous character ∈ NOT_END(level)
  Inseparable,     // ——, ……, Latin word / number, number+postfix, prefix+number
  SolidusRule,     // no break on either side of a solidus (GB §5.1.9)
};
const char* rule_name(BreakRule r);

struct BreakOpportunity {
  BreakKind kind = BreakKind::Prohibited;
  BreakRule rule = BreakRule::IcuProhibited;
  std::int16_t penalty = 0;  // extra cost of an optional break (loose level, §9 penalties)
};

// Penalties of optional breaks that only the `loose` level allows (rule book §9, LuaTeX-ja
// values): small kana 150, …… 250, everything else (＋－＝％！？：…) 200. They keep loose
// breaks rare when a normal break fits nearly as well.
inline constexpr std::int16_t kLooseSmallKanaPenalty = 150;
inline constexpr std::int16_t kLooseEllipsisPenalty = 250;
inline constexpr std::int16_t kLooseOtherPenalty = 200;

// A reusable line-break analyser: owns the ICU BreakIterator of one level (RAII). Creating an
// ICU iterator costs microseconds; keep one per thread when analysing many paragraphs.
class LineAnalyzer {
 public:
  explicit LineAnalyzer(KinsokuLevel level);
  ~LineAnalyzer();
  LineAnalyzer(const LineAnalyzer&) = delete;
  LineAnalyzer& operator=(const LineAnalyzer&) = delete;
  KinsokuLevel level() const { return level_; }
  // Step 2 (§2): break opportunities, size text.size() + 1; entry i is the break between code
  // points i−1 and i; entry 0 is Prohibited, entry text.size() Mandatory.
  std::vector<BreakOpportunity> find_breaks(std::u32string_view text, std::span<const CharInfo> info);

 private:
  struct Icu;  // the ICU line BreakIterator (RAII, defined in analyze.cpp)
  KinsokuLevel level_;
  std::unique_ptr<Icu> icu_;
};

std::vector<BreakOpportunity> find_breaks(std::u32string_view text, std::span<const CharInfo> info,
                                          KinsokuLevel level);

struct AnalyzeOptions {
  std::string language = "zh-Hans";  // BCP 47
  KinsokuLevel kinsoku = KinsokuLevel::Gb;
};

struct Analysis {
  std::vector<CharInfo> info;                 // per code point
  std::vector<BreakOpportunity> breaks;       // per position, size n + 1
  // Canonical dump: the text with `|` at allowed and `‖` at mandatory breaks, then one line of
  // class names. E.g. `甲|乙，|丙|“丁”‖` / `HAN HAN COMMA HAN OPEN HAN CLOSE`.
  void dump(std::ostream& os, std::u32string_view text) const;
};

// Both steps, classes from code points only (no glyph widths).
Analysis analyze(std::u32string_view text, const AnalyzeOptions& options);

// §1 rule 2: how a full-width punctuation glyph sits in its em box, from its ink bounding box
// (Chromium's test). Close-type marks with ink right ≤ ½ em have a blank right half; opening
// marks with ink left ≥ ½ em a blank left half; ink ≤ ½ em wide inside [¼, ¾] em is centred
// (¼ blank each side, never trimmed, §3.4); anything else is not adjustable.
enum class PunctFit : std::uint8_t { Fixed, BlankRight, BlankLeft, Centred };
struct PunctGlyph {
  PunctFit fit = PunctFit::Fixed;
  Sp blank_left = 0, blank_right = 0;  // the empty parts of the em box
};
// `advance`, `ink_left`, `ink_right` relative to the glyph origin, `em` the font size.
PunctGlyph classify_punct_glyph(CharClass cls, Sp advance, Sp ink_left, Sp ink_right, Sp em);

}  // namespace paiban
