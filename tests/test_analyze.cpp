// analyze/: character classes (rule book §1) and break opportunities (§2: ICU zh line rules
// plus paiban's tailorings). No fonts involved: glyph-width checks are linebreak's tests.
#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <sstream>
#include <string>

#include "engine/analyze/analyze.h"
#include "engine/base/text.h"

using namespace paiban;

namespace {

std::u32string u32(const char* s) { return *decode_utf8(s); }

// The text with `|` at every allowed break (mandatory ones, including the end, left out).
std::string breaks(const char* utf8, KinsokuLevel level = KinsokuLevel::Gb, const char* lang = "zh-Hans") {
  const std::u32string t = u32(utf8);
  const auto info = classify(t, lang);
  const auto b = find_breaks(t, info, level);
  std::u32string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i > 0 && b[i].kind != BreakKind::Prohibited) out += U'|';
    out += t[i];
  }
  return encode_utf8(out);
}

std::string classes(const char* utf8, const char* lang = "zh-Hans") {
  const std::u32string t = u32(utf8);
  std::string out;
  for (const CharInfo& c : classify(t, lang)) {
    if (!out.empty()) out += ' ';
    out += class_name(c.cls);
    if (c.ambiguous) out += c.side == Side::Cjk ? "/cjk" : "/latin";
  }
  return out;
}

}  // namespace

// §1 table: every class of the rule book from a representative code point.
TEST(AnalyzeClasses, RuleBookTable) {
  EXPECT_EQ(classes("（〔［｛〈《「『【〖〘"), "OPEN OPEN OPEN OPEN OPEN OPEN OPEN OPEN OPEN OPEN OPEN");
  EXPECT_EQ(classes("）〕］｝〉》」』】〗〙"), "CLOSE CLOSE CLOSE CLOSE CLOSE CLOSE CLOSE CLOSE CLOSE CLOSE CLOSE");
  EXPECT_EQ(classes("甲，、。．：；！？乙"), "HAN COMMA COMMA STOP STOP COLON COLON EXCL EXCL HAN");
  EXPECT_EQ(classes("甲‼⁇⁈⁉"), "HAN EXCL EXCL EXCL EXCL");
  EXPECT_EQ(classes("比尔·盖茨"), "HAN HAN MIDDOT/cjk HAN HAN");
  EXPECT_EQ(classes("甲——乙"), "HAN DASH2/cjk DASH2/cjk HAN");
  EXPECT_EQ(classes("甲—乙"), "HAN CONNECT/cjk HAN");  // a lone em dash is a connector (§2 re-class)
  EXPECT_EQ(classes("甲……乙"), "HAN ELLIP/cjk ELLIP/cjk HAN");
  EXPECT_EQ(classes("甲～乙–丙"), "HAN CONNECT HAN CONNECT/cjk HAN");
  EXPECT_EQ(classes("甲／乙/丙"), "HAN SOLIDUS HAN SOLIDUS HAN");
  EXPECT_EQ(classes("　〇々ぁあー"), "IDSP HAN ITER SMALLKANA KANA SMALLKANA");
  EXPECT_EQ(classes("１Ａｚ"), "FULLWIDTH FULLWIDTH FULLWIDTH");
  EXPECT_EQ(classes("￥100％"), "PREFIX DIGIT DIGIT DIGIT POSTFIX");
  EXPECT_EQ(classes("Web 3"), "LATIN LATIN LATIN SPACE DIGIT");
}

// §1 rule 1 / T1-2: curly quotes are CJK brackets in Chinese context, Latin otherwise; a pair
// shares one decision.
// classify() and shape() set CJK Unified Ideographs (U+4E00..U+9FFF) without asking ICU: class
// HAN, CJK side, script Han. That shortcut rests on these properties of every code point of the
// block in the Unicode data ICU carries; should a new ICU disagree, this fails first.
TEST(AnalyzeClasses, UnifiedIdeographsShortcutAgreesWithIcu) {
  for (UChar32 c = 0x4E00; c <= 0x9FFF; ++c) {
    UErrorCode st = U_ZERO_ERROR;
    ASSERT_EQ(u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH), U_EA_WIDE) << std::hex << c;
    ASSERT_EQ(u_charType(c), U_OTHER_LETTER) << std::hex << c;
    ASSERT_FALSE(u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) << std::hex << c;
    ASSERT_EQ(uscript_getScript(c, &st), USCRIPT_HAN) << std::hex << c;
  }
  // And the classes: ideographs at the block's ends and amid Latin, quotes and ambiguous marks.
  const std::u32string t = U"\u4E00x\u9FFF“\u6587”·\u5B57";
  const auto info = classify(t, "zh-Hans");
  for (std::size_t i : {0u, 2u, 4u, 7u}) {
    EXPECT_EQ(info[i].cls, CharClass::Han) << i;
    EXPECT_EQ(info[i].side, Side::Cjk) << i;
    EXPECT_FALSE(info[i].ambiguous) << i;
  }
  EXPECT_EQ(info[3].side, Side::Cjk) << "a quote around an ideograph is on the CJK side";
}

TEST(AnalyzeClasses, T1_2_AmbiguousQuotesByContext) {
  EXPECT_EQ(classes("他说“Hi”"), "HAN HAN OPEN/cjk LATIN LATIN CLOSE/cjk");
  EXPECT_EQ(classes("He said “Hi”"), "LATIN LATIN SPACE LATIN LATIN LATIN LATIN SPACE OPEN/latin LATIN LATIN CLOSE/latin");
  EXPECT_EQ(classes("“iPhone”很"), "OPEN/cjk LATIN LATIN LATIN LATIN LATIN LATIN CLOSE/cjk HAN");
  // An English paragraph never gets CJK quotes.
  EXPECT_EQ(classes("他说“Hi”", "en"), "HAN HAN OPEN/latin LATIN LATIN CLOSE/latin");
  // An apostrophe inside a word stays Latin.
  EXPECT_EQ(classes("他说don’t好"), "HAN HAN LATIN LATIN LATIN CLOSE/latin LATIN HAN");
}

// Hyphen-minus: a connector between CJK characters, part of the word or number otherwise.
TEST(AnalyzeClasses, HyphenByContext) {
  EXPECT_EQ(classes("甲-乙"), "HAN CONNECT HAN");
  EXPECT_EQ(classes("CN14-0009"), "LATIN LATIN DIGIT DIGIT LATIN DIGIT DIGIT DIGIT DIGIT");
}

// demote_to_latin (§1 rule 1, second half): only ambiguous CJK marks move; · stays MIDDOT.
TEST(AnalyzeClasses, DemoteAmbiguousToLatin) {
  auto info = classify(u32("他说“Hi”……比尔·盖茨"), "zh-Hans");
  demote_to_latin(info[2]);
  EXPECT_EQ(info[2].side, Side::Latin);
  EXPECT_EQ(info[2].cls, CharClass::Open);
  demote_to_latin(info[6]);
  EXPECT_EQ(info[6].cls, CharClass::Latin);
  demote_to_latin(info[10]);
  EXPECT_EQ(info[10].cls, CharClass::MiddleDot);
  EXPECT_EQ(info[10].side, Side::Cjk);
  demote_to_latin(info[0]);  // not ambiguous: unchanged
  EXPECT_EQ(info[0].cls, CharClass::Han);
}

// T9-1: legal breaks of 甲乙，丙“丁” are after characters 1, 3, 4 (and the end, 7).
TEST(AnalyzeBreaks, T9_1_LegalBreaks) {
  const std::u32string t = u32("甲乙，丙“丁”");
  const auto b = find_breaks(t, classify(t, "zh-Hans"), KinsokuLevel::Gb);
  ASSERT_EQ(b.size(), 8u);
  std::vector<std::size_t> legal;
  for (std::size_t i = 1; i < b.size(); ++i)
    if (b[i].kind != BreakKind::Prohibited) legal.push_back(i);
  EXPECT_EQ(legal, (std::vector<std::size_t>{1, 3, 4, 7}));
  EXPECT_EQ(b[7].kind, BreakKind::Mandatory);
  EXPECT_EQ(b[2].rule, BreakRule::NotStart);        // not before ，
  EXPECT_EQ(b[4].kind, BreakKind::Allowed);         // before “ (ICU or the quote tailoring)
  EXPECT_EQ(b[5].kind, BreakKind::Prohibited);      // not after “
  EXPECT_EQ(b[6].kind, BreakKind::Prohibited);      // not before ”
}

// §2 tailorings: ·, ～, lone —, solidus, curly quotes; T2-6 fails if · is left as lb=AI.
TEST(AnalyzeBreaks, ZhTailorings) {
  EXPECT_EQ(breaks("比尔·盖茨"), "比|尔·|盖|茨");
  EXPECT_EQ(breaks("甲～乙"), "甲～|乙");
  EXPECT_EQ(breaks("应急—畅通"), "应|急—|畅|通");
  EXPECT_EQ(breaks("甲／乙"), "甲／乙");
  EXPECT_EQ(breaks("甲/乙"), "甲/乙");
  EXPECT_EQ(breaks("他说“好”了"), "他|说|“好”|了");
  EXPECT_EQ(breaks("说‘好’了"), "说|‘好’|了");
}

// §2 / §5: never inside ——, ……, a Latin word, a number with its sign or unit; 2024|年 is legal.
TEST(AnalyzeBreaks, UnitsStayWhole) {
  EXPECT_EQ(breaks("壬——子"), "壬|——|子");
  EXPECT_EQ(breaks("壬……子"), "壬……|子");
  EXPECT_EQ(breaks("增长18.6%的"), "增|长|18.6%|的");
  EXPECT_EQ(breaks("±2厘米"), "±2|厘|米");
  EXPECT_EQ(breaks("号CN14-0009，邮"), "号|CN14-0009，|邮");
  EXPECT_EQ(breaks("使用C++语言"), "使|用|C++语|言");
  EXPECT_EQ(breaks("邮箱sxkj@163.com或"), "邮|箱|sxkj@163.com|或");
  EXPECT_EQ(breaks("2024年"), "2024|年");
  EXPECT_EQ(breaks("￥100元"), "￥100|元");
  EXPECT_EQ(breaks("30％的"), "30％|的");
  EXPECT_EQ(breaks("精神 and 习近"), "精|神 |and |习|近");
  EXPECT_EQ(breaks("well-known"), "well-known");
}

// §2 level table, checked through the rule book's own examples (T2-4, T2-5, T2-7).
TEST(AnalyzeBreaks, KinsokuLevels) {
  EXPECT_EQ(breaks("壬——子", KinsokuLevel::Gb), "壬|——|子");
  EXPECT_EQ(breaks("壬——子", KinsokuLevel::Strict), "壬——|子");
  EXPECT_EQ(breaks("壬……子", KinsokuLevel::Basic), "壬|……|子");
  EXPECT_EQ(breaks("壬……子", KinsokuLevel::Loose), "壬……|子");  // ELLIP stays NOT_START
  EXPECT_EQ(breaks("戊？子", KinsokuLevel::Gb), "戊？|子");
  EXPECT_EQ(breaks("戊？子", KinsokuLevel::Loose), "戊|？|子");
  EXPECT_EQ(breaks("甲，乙", KinsokuLevel::None), "甲|，|乙");
  EXPECT_EQ(breaks("甲——乙", KinsokuLevel::None), "甲|—|—|乙");
  EXPECT_EQ(breaks("ぁっー", KinsokuLevel::Strict), "ぁっー");
  // `none` still keeps Latin words and numbers whole.
  EXPECT_EQ(breaks("甲Web乙", KinsokuLevel::None), "甲|Web|乙");
}

// Loose-only breaks carry the §9 penalties.
TEST(AnalyzeBreaks, LoosePenalties) {
  const std::u32string t = u32("戊？子");
  const auto b = find_breaks(t, classify(t, "zh-Hans"), KinsokuLevel::Loose);
  EXPECT_EQ(b[1].kind, BreakKind::Allowed);
  EXPECT_EQ(b[1].penalty, kLooseOtherPenalty);
  EXPECT_EQ(b[2].penalty, 0);
}

// NOT_START / NOT_END sets of §2.
TEST(AnalyzeBreaks, ProhibitionSets) {
  using K = KinsokuLevel;
  using C = CharClass;
  EXPECT_TRUE(not_start(C::Comma, K::Basic));
  EXPECT_FALSE(not_start(C::Ellipsis, K::Basic));
  EXPECT_TRUE(not_start(C::Ellipsis, K::Gb));
  EXPECT_TRUE(not_start(C::Postfix, K::Gb));
  EXPECT_FALSE(not_start(C::Dash, K::Gb));
  EXPECT_TRUE(not_start(C::Dash, K::Strict));
  EXPECT_TRUE(not_start(C::SmallKana, K::Strict));
  EXPECT_FALSE(not_start(C::Excl, K::Loose));
  EXPECT_TRUE(not_start(C::Close, K::Loose));
  EXPECT_FALSE(not_start(C::Close, K::None));
  EXPECT_TRUE(not_end(C::Open, K::Basic));
  EXPECT_FALSE(not_end(C::Prefix, K::Basic));
  EXPECT_TRUE(not_end(C::Prefix, K::Gb));
  EXPECT_TRUE(not_end(C::Solidus, K::Gb));
  EXPECT_FALSE(not_end(C::Prefix, K::Loose));
}

// Mandatory breaks from line separators; the end of text is always mandatory.
TEST(AnalyzeBreaks, MandatoryBreaks) {
  const std::u32string t = u32("甲\u2028乙");
  const auto b = find_breaks(t, classify(t, "zh-Hans"), KinsokuLevel::Gb);
  EXPECT_EQ(b[2].kind, BreakKind::Mandatory);
  EXPECT_EQ(b[3].kind, BreakKind::Mandatory);
  EXPECT_EQ(b[0].kind, BreakKind::Prohibited);
}

// One analyser reused for many paragraphs gives the same result as fresh ones.
TEST(AnalyzeBreaks, AnalyzerReuse) {
  LineAnalyzer a(KinsokuLevel::Gb);
  for (const char* s : {"甲乙，丙“丁”", "比尔·盖茨", "使用C++语言"}) {
    const std::u32string t = u32(s);
    const auto info = classify(t, "zh-Hans");
    const auto x = a.find_breaks(t, info);
    const auto y = find_breaks(t, info, KinsokuLevel::Gb);
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(x[i].kind, y[i].kind) << s << " at " << i;
  }
}

// Supplementary-plane Han (UTF-16 surrogate pairs inside ICU) keep code point indices right.
TEST(AnalyzeBreaks, SupplementaryPlane) {
  EXPECT_EQ(breaks("𠀀𠀁，𠀂"), "𠀀|𠀁，|𠀂");
}

// T1-1 with the ink boxes the rule book gives: GB comma blank right ½; TW comma centred ¼ + ¼.
TEST(AnalyzePunctGlyph, T1_1_InkBoxClassification) {
  const Sp em = sp_from_pt(10);
  auto at = [&](double e) { return static_cast<Sp>(e * static_cast<double>(em)); };
  PunctGlyph gb = classify_punct_glyph(CharClass::Comma, em, at(0.06), at(0.30), em);
  EXPECT_EQ(gb.fit, PunctFit::BlankRight);
  EXPECT_EQ(gb.blank_right, em / 2);
  EXPECT_EQ(gb.blank_left, 0);
  PunctGlyph tw = classify_punct_glyph(CharClass::Comma, em, at(0.38), at(0.62), em);
  EXPECT_EQ(tw.fit, PunctFit::Centred);
  EXPECT_EQ(tw.blank_left, em / 4);
  EXPECT_EQ(tw.blank_right, em / 4);
  PunctGlyph open = classify_punct_glyph(CharClass::Open, em, at(0.65), at(0.94), em);
  EXPECT_EQ(open.fit, PunctFit::BlankLeft);
  EXPECT_EQ(open.blank_left, em / 2);
  // Not full-width (a proportional quote, 0.44 em): not adjustable.
  EXPECT_EQ(classify_punct_glyph(CharClass::Close, at(0.44), at(0.04), at(0.40), em).fit, PunctFit::Fixed);
  // Ink across the middle: not adjustable either.
  EXPECT_EQ(classify_punct_glyph(CharClass::Excl, em, at(0.1), at(0.9), em).fit, PunctFit::Fixed);
}

TEST(AnalyzeDump, StableFormat) {
  const std::u32string t = u32("甲乙，丙“丁”");
  const Analysis a = analyze(t, AnalyzeOptions{});
  std::ostringstream os;
  a.dump(os, t);
  EXPECT_EQ(os.str(), "甲|乙，|丙|“丁”‖\nHAN HAN COMMA HAN OPEN/cjk HAN CLOSE/cjk\n");
}
