// pdf/: plates written with libharu and our own CID fonts, read back with independent tools
// (qpdf, poppler's pdffonts/pdftotext/pdftoppm/pdfinfo, Ghostscript). Pages are built directly
// from text shaped with the real font roles, as the composer would place it.
#include <gtest/gtest.h>
#include <hb.h>
#include <zlib.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <thread>

#include "engine/pdf/cff.h"
#include "engine/pdf/content.h"
#include "engine/pdf/document.h"
#include "engine/pdf/font_subset.h"
#include "engine/pdf/sha256.h"
#include "test_pdf_helpers.h"

using namespace paiban;
using namespace paiban::pdftest;
namespace fs = std::filesystem;

namespace {

Page text_page(const std::u32string& text, const Setting& s = Setting{}) {
  Diagnostics d;
  Page page = empty_page();
  set_text(page, text, s, d);
  EXPECT_FALSE(d.has_errors()) << diag_text(d);
  return page;
}

// Pages A1, A2, … of one text each, alternately in song (CID-keyed CFF) and kai (TrueType).
std::vector<Page> song_and_kai_pages(const std::vector<std::u32string>& texts) {
  std::vector<Page> pages;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Setting s;
    s.role = i % 2 ? "kai" : "song";
    pages.push_back(text_page(texts[i], s));
    pages.back().label = std::string("A") + std::to_string(i + 1);
  }
  return pages;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

std::string font_program_of(const std::string& pdf, const json& objs, const std::string& subtype_key) {
  for (const auto& fd : objects_where(objs, "/Type", "/FontDescriptor"))
    if (fd.contains(subtype_key)) return stream_data(pdf, objnum(fd[subtype_key]));
  return {};
}

std::vector<std::uint32_t> glyphs_of(const Page& page) {
  std::vector<std::uint32_t> out;
  for (const auto& item : page.items)
    if (const auto* r = std::get_if<GlyphRunItem>(&item))
      for (const auto& g : r->glyphs) out.push_back(g.gid);
  return out;
}

const std::u32string kMixed =
    U"2024年6月14日，paiban排版引擎（v0.1）支持GB/T 15834—2011标点：“引号”、《书名号》、‘单引号’……"
    U"ABC-123，价格￥45.60元；比例３：２！？％＋ＡＢＣ１２３。";

}  // namespace

// --- fonts and text --------------------------------------------------------------------------

// The song role (Noto Serif CJK SC, CID-keyed CFF) round-trips the sample article: the plate is
// clean, its one font is an embedded CID Type 0C subset, and pdftotext returns the source text.
TEST(Pdf, SongArticleRoundTripsThroughPdftotext) {
  const std::u32string text = read_text(test::corpus_path("article.txt"));
  const Page page = text_page(text);
  const std::string pdf = write_plate({&page}, "song.pdf");
  const auto rows = check_plate(pdf);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].type, "CID Type 0C");
  EXPECT_NE(rows[0].name.find("NotoSerifCJK"), std::string::npos);
  EXPECT_EQ(test::strip_whitespace(pdftotext(pdf)), test::strip_whitespace(encode_utf8(text)));
}

// The kai role's primary face is TrueType (AR PL UKai CN): a CIDFontType2 with FontFile2; the
// characters UKai lacks come from the CFF fallback, and the text still reads back exactly.
TEST(Pdf, KaiTrueTypeArticleRoundTripsThroughPdftotext) {
  const std::u32string text = read_text(test::corpus_path("article.txt"));
  Setting s;
  s.role = "kai";
  const Page page = text_page(text, s);
  const std::string pdf = write_plate({&page}, "kai.pdf");
  const auto rows = check_plate(pdf);
  bool ukai = false;
  for (const auto& r : rows)
    if (r.name.find("UKai") != std::string::npos) {
      ukai = true;
      EXPECT_EQ(r.type, "CID TrueType");
    }
  EXPECT_TRUE(ukai);
  EXPECT_EQ(test::strip_whitespace(pdftotext(pdf)), test::strip_whitespace(encode_utf8(text)));
  const json objs = qpdf_objects(pdf);
  const auto cid2 = objects_where(objs, "/Subtype", "/CIDFontType2");
  ASSERT_EQ(cid2.size(), 1u);
  EXPECT_TRUE(cid2[0].contains("/CIDToGIDMap"));
  EXPECT_FALSE(font_program_of(pdf, objs, "/FontFile2").empty());
}

// Han, Latin, digits and full-width punctuation in song, hei and kai read back in order.
TEST(Pdf, HanLatinDigitsPunctuationMixRoundTrips) {
  Diagnostics d;
  Page page = empty_page();
  std::string expect;
  Setting s;
  for (const char* role : {"song", "hei", "kai"}) {
    s.role = role;
    s.at.y = set_text(page, kMixed, s, d) + sp_from_pt(20);
    expect += encode_utf8(kMixed);
  }
  ASSERT_FALSE(d.has_errors()) << diag_text(d);
  const std::string pdf = write_plate({&page}, "mixed.pdf");
  check_plate(pdf);
  EXPECT_EQ(test::strip_whitespace(pdftotext(pdf)), test::strip_whitespace(expect));
}

// Black text is 100 % K set with `0 0 0 1 k` (checklist C04) and no RGB or grey operator or
// colour space appears anywhere (C01).
TEST(Pdf, TextIsPureBlackCmykAndNoRgbAnywhere) {
  const Page page = text_page(kMixed);
  const std::string pdf = write_plate({&page}, "k.pdf");
  const auto contents = page_contents(pdf);
  ASSERT_EQ(contents.size(), 1u);
  const std::string& c = contents[0];
  const std::size_t k = c.find("0 0 0 1 k\n");
  ASSERT_NE(k, std::string::npos) << c;
  EXPECT_LT(k, c.find("BT\n"));
  for (const char* op : {" rg\n", " RG\n", " g\n", " G\n", " sc\n", " SC\n"}) EXPECT_EQ(c.find(op), std::string::npos) << op;
  auto r = test::run("qpdf --json=2 " + sh(pdf));
  EXPECT_EQ(r.out.find("DeviceRGB"), std::string::npos);
  EXPECT_EQ(r.out.find("DeviceGray"), std::string::npos);
  EXPECT_EQ(r.out.find("ICCBased"), std::string::npos);
}

// A glyph whose text differs from its ToUnicode entry (the same glyph standing for two
// characters, or the second glyph of a cluster) carries /ActualText, so extraction is exact.
TEST(Pdf, ActualTextCoversGlyphsWithOtherText) {
  Diagnostics d;
  const auto& chain = fonts().chain("song", 400, d);
  ASSERT_FALSE(chain.empty());
  const Face& face = fonts().face(chain[0]);
  const std::uint32_t yi = face.glyph_for(U'一'), er = face.glyph_for(U'二');
  Page page = empty_page();
  GlyphRunItem run;
  run.face = chain[0];
  run.size = sp_from_pt(12);
  run.origin = {sp_from_mm(20), sp_from_mm(20)};
  const Sp em = run.size;
  run.glyphs = {{yi, 0, 0, em, U"一"}, {yi, em, 0, em, U"壹"}, {er, 2 * em, 0, em, U"二"}, {er, 3 * em, 0, em, U""},
                {yi, 4 * em, 0, em, U"一"}};
  page.items.push_back(run);
  const std::string pdf = write_plate({&page}, "actual.pdf");
  check_plate(pdf);
  EXPECT_EQ(test::strip_whitespace(pdftotext(pdf)), "一壹二一");
  const std::string c = page_contents(pdf)[0];
  EXPECT_EQ(count(c, "/ActualText"), 2u) << c;
}

// Glyphs land where the display list puts them: widths (/W) and TJ adjustments agree with the
// reader's arithmetic, justification gaps and vertical offsets (Ts) included. Poppler's word
// boxes give each word's start, end and top.
TEST(Pdf, GlyphPositionsFollowTheDisplayList) {
  Diagnostics d;
  TextStyle st;
  st.role = "hei";
  st.size = sp_from_pt(10);
  const std::u32string text = U"Newspaper typesetting 2024 排版引擎 raised";
  const ShapedText shp = shape(fonts(), text, st, d);
  ASSERT_FALSE(d.has_errors());
  Page page = empty_page();
  const Point origin{sp_from_mm(30), sp_from_mm(40)};
  const Sp gap = sp_from_pt(7.3);     // justification added at each space
  const Sp rise = sp_from_pt(3);      // the last word is raised
  std::vector<GlyphRunItem> runs;
  Sp pen = 0;
  int word = 0;
  struct Box { double x0, x1; };
  std::vector<Box> expect;
  for (std::size_t i = 0; i < shp.glyphs.size(); ++i) {
    const ShapedGlyph& g = shp.glyphs[i];
    const FaceId face = shp.run_of_glyph(static_cast<std::uint32_t>(i)).face;
    if (runs.empty() || runs.back().face != face) {
      GlyphRunItem r;
      r.face = face;
      r.size = st.size;
      r.origin = {origin.x + pen, origin.y};
      runs.push_back(r);
    }
    GlyphRunItem& r = runs.back();
    const bool space = text[g.cluster] == U' ';
    PlacedGlyph pg{g.gid, origin.x + pen - r.origin.x, word == 4 ? -rise : 0, g.advance, std::u32string(1, text[g.cluster])};
    r.glyphs.push_back(pg);
    const double x0 = pt_from_sp(page.bleed + origin.x + pen), x1 = pt_from_sp(page.bleed + origin.x + pen + g.advance);
    if (space) {
      ++word;
      pen += gap;
    } else if (static_cast<int>(expect.size()) <= word) {
      expect.push_back({x0, x1});
    } else {
      expect.back().x1 = x1;
    }
    pen += g.advance;
  }
  for (auto& r : runs) page.items.push_back(r);
  const std::string pdf = write_plate({&page}, "positions.pdf");
  check_plate(pdf);
  const auto got = test::pdf_words(pdf);
  ASSERT_EQ(got.size(), expect.size()) << test::run("pdftotext -bbox " + sh(pdf) + " -").out;
  for (std::size_t k = 0; k < expect.size(); ++k) {
    EXPECT_NEAR(got[k].x_min, expect[k].x0, 0.01) << "start of word " << k;
    EXPECT_NEAR(got[k].x_max, expect[k].x1, 0.01) << "end of word " << k;
  }
  EXPECT_NEAR(got[3].y_min - got[4].y_min, 3.0, 0.01) << "the raised word sits 3 pt higher";
}

// A justified CJK line spreads its glue evenly: the recurring gap is written once as character
// spacing (Tc) and only the one different gap (after the comma) as a TJ number. The reader's
// arithmetic with Tc lands the line's last glyph where the display list puts it.
TEST(Pdf, JustifiedLineWritesItsGapAsCharacterSpacing) {
  Diagnostics d;
  TextStyle st;
  st.role = "song";
  st.size = sp_from_pt(10);
  const std::u32string text = U"新闻排版引擎，中文报纸排版";
  const ShapedText shp = shape(fonts(), text, st, d);
  ASSERT_FALSE(d.has_errors());
  Page page = empty_page();
  GlyphRunItem run;
  run.face = shp.runs.at(0).face;
  run.size = st.size;
  run.origin = {sp_from_mm(30), sp_from_mm(40)};
  const Sp gap = sp_from_pt(1.25), after_comma = sp_from_pt(-3);  // the comma's blank compressed
  Sp pen = 0;
  for (const ShapedGlyph& g : shp.glyphs) {
    run.glyphs.push_back({g.gid, pen, 0, g.advance, std::u32string(1, text[g.cluster])});
    pen += g.advance + (text[g.cluster] == U'，' ? after_comma : gap);
  }
  ASSERT_EQ(shp.runs.size(), 1u);
  const Sp last_end = run.glyphs.back().x + run.glyphs.back().advance;
  page.items.push_back(run);
  const std::string pdf = write_plate({&page}, "tc.pdf");
  check_plate(pdf);
  const std::string c = page_contents(pdf)[0];
  EXPECT_NE(c.find("\n1.25 Tc\n"), std::string::npos) << c;
  const auto open = c.find('['), close = c.find("] TJ");
  ASSERT_NE(open, std::string::npos);
  const std::string arr = c.substr(open + 1, close - open - 1);
  EXPECT_EQ(std::count(arr.begin(), arr.end(), '<'), 2) << "one number splits the array: " << arr;

  double x0 = 1e9, x1 = -1e9;
  for (const test::PdfWord& w : test::pdf_words(pdf)) {
    x0 = std::min(x0, w.x_min);
    x1 = std::max(x1, w.x_max);
  }
  EXPECT_NEAR(x0, pt_from_sp(page.bleed + run.origin.x), 0.01);
  EXPECT_NEAR(x1, pt_from_sp(page.bleed + run.origin.x + last_end), 0.01);
  EXPECT_EQ(test::strip_whitespace(pdftotext(pdf)), "新闻排版引擎，中文报纸排版");
}

// --- subsets ---------------------------------------------------------------------------------

// Noto CJK is CID-keyed (Adobe-Identity-0, CID == GID) and hb-subset keeps each glyph's CID in
// the subset charset: the content stream writes the original glyph ids. Checked on the subset
// directly and on the FontFile3 read back from the PDF.
TEST(Pdf, CffSubsetKeepsOriginalCids) {
  const Page page = text_page(U"新闻排版引擎，中文报纸。ABC 123");
  const std::vector<std::uint32_t> used = glyphs_of(page);
  std::set<std::uint32_t> gset(used.begin(), used.end());
  const FaceId face = std::get<GlyphRunItem>(page.items[0]).face;
  ASSERT_EQ(fonts().face(face).info().format, FontFormat::Cff);

  std::string err;
  auto sub = pdf::make_subset(fonts().face(face), face, gset, &err);
  ASSERT_TRUE(sub) << err;
  EXPECT_TRUE(sub->cid_keyed);
  EXPECT_TRUE(sub->ids_stable);
  for (std::uint32_t g : gset) EXPECT_EQ(sub->code.at(g), g);
  // Layout tables are dropped, so no GSUB alternates join; neither do the comma's and stop's
  // variation-sequence alternates (CffSubsetHoldsOnlyTheGlyphsAsked).
  EXPECT_EQ(sub->glyph_count, gset.size() + 1);

  const std::string pdf = write_plate({&page}, "cids.pdf");
  const json objs = qpdf_objects(pdf);
  const std::string cff = font_program_of(pdf, objs, "/FontFile3");
  auto info = pdf::parse_cff(cff, &err);
  ASSERT_TRUE(info) << err;
  EXPECT_TRUE(info->cid_keyed);
  std::set<std::uint32_t> charset(info->charset.begin(), info->charset.end());
  for (std::uint32_t g : gset) EXPECT_TRUE(charset.count(g)) << "CID " << g << " not in the embedded charset";
  EXPECT_EQ(info->glyph_count, sub->glyph_count);
}

// The subset holds the glyphs asked for and .notdef, nothing more. Given glyph ids, hb-subset
// (HarfBuzz 6.0) maps the whole cmap and keeps every glyph a variation sequence of a kept
// character selects (cmap format 14: in Noto CJK，。、 + VS2 select other glyphs of the marks)
// unless it is shown only the tables a CFF program needs; the pages never show those glyphs.
TEST(Pdf, CffSubsetHoldsOnlyTheGlyphsAsked) {
  Diagnostics d;
  const auto& chain = fonts().chain("song", 400, d);
  ASSERT_FALSE(chain.empty());
  const Face& face = fonts().face(chain[0]);
  ASSERT_EQ(face.info().format, FontFormat::Cff);
  // The premise: these characters do have variation-sequence alternates in the font.
  hb_font_t* probe = hb_font_create(face.hb_face());
  int alternates = 0;
  for (char32_t c : {U'，', U'。', U'、'}) {
    hb_codepoint_t g = 0;
    if (hb_font_get_variation_glyph(probe, c, 0xFE01, &g) && g != face.glyph_for(c)) ++alternates;
  }
  hb_font_destroy(probe);
  ASSERT_GT(alternates, 0) << "the font no longer has the variation sequences this test relies on";

  std::set<std::uint32_t> gset;
  for (char32_t c : std::u32string(U"，。、中")) gset.insert(face.glyph_for(c));
  std::string err;
  auto sub = pdf::make_subset(face, chain[0], gset, &err);
  ASSERT_TRUE(sub) << err;
  EXPECT_EQ(sub->glyph_count, gset.size() + 1) << "the subset holds glyphs nobody asked for";
  auto info = pdf::parse_cff(sub->program, &err);
  ASSERT_TRUE(info) << err;
  std::set<std::uint32_t> charset(info->charset.begin(), info->charset.end());
  std::set<std::uint32_t> want(gset);
  want.insert(0);
  EXPECT_EQ(charset, want);
}

// The TrueType face keeps CID == original GID through /CIDToGIDMap.
TEST(Pdf, TrueTypeSubsetMapsOriginalIdsThroughCidToGidMap) {
  Diagnostics d;
  const auto& chain = fonts().chain("kai", 400, d);
  ASSERT_FALSE(chain.empty());
  const Face& face = fonts().face(chain[0]);
  ASSERT_EQ(face.info().format, FontFormat::TrueType);
  std::set<std::uint32_t> gset;
  for (char32_t c : std::u32string(U"楷体字样本")) gset.insert(face.glyph_for(c));
  std::string err;
  auto sub = pdf::make_subset(face, chain[0], gset, &err);
  ASSERT_TRUE(sub) << err;
  EXPECT_TRUE(sub->ids_stable);
  EXPECT_EQ(sub->cid_to_gid.size(), *gset.rbegin() + 1);
  std::set<std::uint16_t> news;
  for (std::uint32_t g : gset) {
    EXPECT_EQ(sub->code.at(g), g);
    EXPECT_GT(sub->cid_to_gid[g], 0u);
    EXPECT_LT(sub->cid_to_gid[g], sub->glyph_count);
    news.insert(sub->cid_to_gid[g]);
  }
  EXPECT_EQ(news.size(), gset.size());
}

// Whatever else a subset holds, a glyph renders the same: the glyph ↔ code mapping survives
// subsetting (a wrong mapping would still extract the right text through ToUnicode).
TEST(Pdf, GlyphRendersIdenticallyWhateverTheSubset) {
  for (const char* role : {"song", "kai"}) {
    Setting s;
    s.role = role;
    s.size = sp_from_pt(40);
    s.at = {sp_from_mm(10), sp_from_mm(10)};
    Page alone = text_page(U"排", s);
    Page crowded = alone;
    Setting far = s;
    far.at.y = sp_from_mm(300);
    Diagnostics d;
    set_text(crowded, read_text(test::corpus_path("article.txt")), far, d);
    const std::string a = write_plate({&alone}, "alone.pdf");
    const std::string b = write_plate({&crowded}, "crowded.pdf");
    const GreyRaster ra = render_grey(a, 72), rb = render_grey(b, 72);
    ASSERT_EQ(ra.width, rb.width);
    int ink = 0, differ = 0;
    for (int y = 0; y < px(sp_from_mm(40), 72); ++y)
      for (int x = 0; x < px(sp_from_mm(40), 72); ++x) {
        ink += ra.at(x, y) < 128;
        differ += ra.at(x, y) != rb.at(x, y);
      }
    EXPECT_GT(ink, 50) << role;
    EXPECT_EQ(differ, 0) << role;
  }
}

// A dense page of 6,000 characters embeds well under 1 MB of font data. Running text repeats
// itself (the front page has about 640 distinct characters in 6,000), so the page is made
// harder: the first 2,000 distinct characters of the corpus (the wide edition brings the rare
// ones; 2,000 is the upper range of a dense news page), then running text up to 6,000.
TEST(Pdf, SixThousandCharacterPageEmbedsUnderOneMegabyteOfFonts) {
  std::u32string all;
  for (const char* f : {"model-front-page.txt", "article.txt", "colophon.txt", "masthead.txt", "edition-16p-wide.txt"})
    all += read_text(test::corpus_path(f));
  auto counts = [](char32_t c) { return !(c == U'\n' || c == U' ' || c == U'\t' || c == 0x3000); };
  std::u32string text;
  std::set<char32_t> seen;
  for (char32_t c : all)
    if (counts(c) && seen.size() < 2000 && seen.insert(c).second) text += c;
  std::size_t han = text.size();
  for (std::size_t i = 0; i < all.size() && han < 6000; ++i) {
    if (!counts(all[i])) {
      if (all[i] == U'\n') text += U'\n';
      continue;
    }
    text += all[i];
    ++han;
  }
  Setting s;
  s.size = sp_from_pt(8);
  s.measure = sp_from_mm(370);
  s.at = {sp_from_mm(10), sp_from_mm(10)};
  const Page page = text_page(text, s);
  const std::string pdf = write_plate({&page}, "dense.pdf");
  check_plate(pdf);
  EXPECT_EQ(test::strip_whitespace(pdftotext(pdf)), test::strip_whitespace(encode_utf8(text)));
  const json objs = qpdf_objects(pdf);
  std::size_t stored = 0, raw = 0;
  for (const auto& fd : objects_where(objs, "/Type", "/FontDescriptor"))
    for (const char* key : {"/FontFile2", "/FontFile3"})
      if (fd.contains(key)) {
        const int n = objnum(fd[key]);
        stored += test::run("qpdf --show-object=" + std::to_string(n) + " --raw-stream-data " + sh(pdf)).out.size();
        raw += stream_data(pdf, n).size();
      }
  std::set<std::uint32_t> unique;
  for (auto g : glyphs_of(page)) unique.insert(g);
  RecordProperty("font_bytes_stored", static_cast<int>(stored));
  RecordProperty("font_bytes_uncompressed", static_cast<int>(raw));
  std::cout << "[ info ] " << han << " characters, " << unique.size() << " distinct glyphs: font programs "
            << stored << " bytes stored (" << raw << " uncompressed), file " << fs::file_size(pdf) << " bytes\n";
  EXPECT_GT(stored, 0u);
  EXPECT_LT(stored, 1000000u);
}

// An edition shares one subset per face: with the edition's glyphs in the cache, two page files
// embed byte-identical font programs under the same subset name, and hb-subset runs once per face.
TEST(Pdf, EditionCacheSharesOneSubsetPerFace) {
  const Page a1 = text_page(U"第一版要闻：新闻排版。");
  Page a2 = text_page(U"第二版评论：中文报纸。");
  a2.label = "A2";
  GlyphUsage edition;
  edition.add_page(a1);
  edition.add_page(a2);
  FontSubsetCache cache;
  cache.set_edition_glyphs(edition);
  Diagnostics d;
  const std::string dir = test::temp_dir("pdf-edition");
  ASSERT_TRUE(write_pdf({&a1}, fonts(), plate_options(), dir + "/A1.pdf", d, cache)) << diag_text(d);
  ASSERT_TRUE(write_pdf({&a2}, fonts(), plate_options(), dir + "/A2.pdf", d, cache)) << diag_text(d);
  EXPECT_EQ(cache.subsets_made(), edition.faces().size());
  const auto f1 = pdffonts(dir + "/A1.pdf"), f2 = pdffonts(dir + "/A2.pdf");
  ASSERT_EQ(f1.size(), 1u);
  ASSERT_EQ(f2.size(), 1u);
  EXPECT_EQ(f1[0].name, f2[0].name);
  const std::string p1 = font_program_of(dir + "/A1.pdf", qpdf_objects(dir + "/A1.pdf"), "/FontFile3");
  const std::string p2 = font_program_of(dir + "/A2.pdf", qpdf_objects(dir + "/A2.pdf"), "/FontFile3");
  EXPECT_FALSE(p1.empty());
  EXPECT_EQ(p1, p2);
  // The program is compressed once per edition: both files store the same Flate bytes.
  auto stored_program = [&](const std::string& pdf) {
    const json objs = qpdf_objects(pdf);
    for (const auto& fd : objects_where(objs, "/Type", "/FontDescriptor"))
      if (fd.contains("/FontFile3"))
        return test::run("qpdf --show-object=" + std::to_string(objnum(fd["/FontFile3"])) + " --raw-stream-data " +
                         sh(pdf)).out;
    return std::string();
  };
  const std::string s1 = stored_program(dir + "/A1.pdf");
  EXPECT_FALSE(s1.empty());
  EXPECT_LT(s1.size(), p1.size());
  EXPECT_EQ(s1, stored_program(dir + "/A2.pdf"));
  EXPECT_EQ(test::strip_whitespace(pdftotext(dir + "/A2.pdf")), "第二版评论：中文报纸。");
  // Without the edition set each file gets its own subset (and name).
  FontSubsetCache own;
  ASSERT_TRUE(write_pdf({&a2}, fonts(), plate_options(), dir + "/A2-own.pdf", d, own));
  EXPECT_NE(pdffonts(dir + "/A2-own.pdf")[0].name, f2[0].name);
  // Rewriting the same page reuses the cached subset.
  ASSERT_TRUE(write_pdf({&a2}, fonts(), plate_options(), dir + "/A2-again.pdf", d, own));
  EXPECT_EQ(own.subsets_made(), 1u);
  EXPECT_EQ(test::read_file(dir + "/A2-own.pdf"), test::read_file(dir + "/A2-again.pdf"));
}

// Page files written in parallel (as `paiban build` does) wait for one another's subset instead
// of repeating it: one hb-subset run per face for the whole edition, and every file correct.
TEST(Pdf, ParallelWritesShareOneSubsetPerFace) {
  const std::vector<std::u32string> texts = {U"要闻版：新闻排版引擎。", U"评论版：中文报纸的版式。", U"经济版：数字２０２４年。",
                                             U"文化版：楷体与宋体。"};
  const std::vector<Page> pages = song_and_kai_pages(texts);
  GlyphUsage edition;
  for (const Page& p : pages) edition.add_page(p);
  FontSubsetCache cache;
  cache.set_edition_glyphs(edition);
  const std::string dir = test::temp_dir("pdf-parallel");
  std::vector<Diagnostics> diags(pages.size());
  std::vector<int> ok(pages.size(), 0);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < pages.size(); ++i)
    threads.emplace_back([&, i] {
      ok[i] = write_pdf({&pages[i]}, fonts(), plate_options(), dir + "/" + pages[i].label + ".pdf", diags[i], cache);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache.subsets_made(), edition.faces().size());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    ASSERT_TRUE(ok[i]) << diag_text(diags[i]);
    const std::string pdf = dir + "/" + pages[i].label + ".pdf";
    check_plate(pdf);
    EXPECT_EQ(test::strip_whitespace(pdftotext(pdf)), encode_utf8(texts[i]));
  }
}

// `paiban build` drafts each page (content with the codes the cache predicts) while the edition's
// subsets are still being made on another thread, and finishes the files once they exist: the
// predicted code of every glyph is the one its subset gives it (CID-keyed CFF: the original CID;
// TrueType: the glyph id), and the files are byte-identical to files written after the subsets.
TEST(Pdf, PagesDraftedBeforeTheSubsetsMatchPagesWrittenAfterThem) {
  const std::vector<std::u32string> texts = {U"要闻版：新闻排版引擎（2024年）。", U"文化版：楷体与宋体，“引号”。"};
  const std::vector<Page> pages = song_and_kai_pages(texts);
  GlyphUsage edition;
  for (const Page& p : pages) edition.add_page(p);

  FontSubsetCache after;  // subsets first, then the files
  after.set_edition_glyphs(edition);
  after.prepare_edition(fonts(), true);
  std::vector<std::string> expected;
  for (const Page& p : pages) {
    Diagnostics d;
    auto bytes = make_pdf({&p}, fonts(), plate_options(), d, after);
    ASSERT_TRUE(bytes) << diag_text(d);
    expected.push_back(*bytes);
  }

  FontSubsetCache early;  // the files drafted while the subsets are made
  early.set_edition_glyphs(edition);
  std::vector<Diagnostics> diags(pages.size());
  std::vector<std::optional<PdfDraft>> drafts;
  {
    std::jthread subsetting = early.prepare_edition_in_background(fonts(), true);
    for (std::size_t i = 0; i < pages.size(); ++i)
      drafts.emplace_back(draft_pdf({&pages[i]}, fonts(), plate_options(), diags[i], early));
    for (std::size_t i = 0; i < pages.size(); ++i) {
      auto bytes = finish_pdf(*drafts[i]);
      ASSERT_TRUE(bytes) << diag_text(diags[i]);
      EXPECT_EQ(*bytes, expected[i]) << pages[i].label;
    }
  }
  EXPECT_EQ(early.subsets_made(), edition.faces().size());

  // The prediction itself, glyph by glyph, for both font formats.
  bool saw_cff = false, saw_truetype = false;
  for (const auto& [face, glyphs] : edition.faces()) {
    Diagnostics d;
    const Face& f = fonts().face(face);
    const auto predicted = after.predicted_codes(f, face);
    ASSERT_TRUE(predicted) << f.info().postscript_name;
    const auto subset = after.subset(fonts(), face, glyphs, d);
    ASSERT_TRUE(subset) << diag_text(d);
    (f.info().format == FontFormat::Cff ? saw_cff : saw_truetype) = true;
    for (std::uint32_t g : glyphs) EXPECT_EQ((*predicted)[g], subset->code_of[g]) << f.info().postscript_name << " gid " << g;
  }
  EXPECT_TRUE(saw_cff);
  EXPECT_TRUE(saw_truetype);
}

// A draft that fails (a glyph id the face does not have) reports once and finishes as nothing.
TEST(Pdf, FailedDraftFinishesWithoutAFile) {
  Page page = text_page(U"排版");
  for (auto& item : page.items)
    if (auto* r = std::get_if<GlyphRunItem>(&item)) r->glyphs.front().gid = 9999999;
  FontSubsetCache cache;
  Diagnostics d;
  PdfDraft draft = draft_pdf({&page}, fonts(), plate_options(), d, cache);
  EXPECT_EQ(d.count_code("pdf.bad-item"), 1u) << diag_text(d);
  EXPECT_FALSE(finish_pdf(draft));
  EXPECT_FALSE(finish_pdf(draft)) << "a finished draft stays finished";
  EXPECT_EQ(d.count_code("pdf.bad-item"), 1u);
}

// --- geometry and colour ---------------------------------------------------------------------

// Checklist G02–G04, from the raw objects (pdfinfo invents boxes): MediaBox = BleedBox = trim +
// bleed on every side, TrimBox = the trim at the bleed offset; no ArtBox, CropBox or Rotate.
TEST(Pdf, PageBoxesComeFromTrimAndBleed) {
  const Page page = text_page(U"版");
  const std::string pdf = write_plate({&page}, "boxes.pdf");
  const json objs = qpdf_objects(pdf);
  const auto pages = objects_where(objs, "/Type", "/Page");
  ASSERT_EQ(pages.size(), 1u);
  const json& p = pages[0];
  const double w = 390 * 72 / 25.4, h = 540 * 72 / 25.4, b = 3 * 72 / 25.4;
  auto expect_box = [&](const char* key, std::array<double, 4> want) {
    ASSERT_TRUE(p.contains(key)) << key;
    ASSERT_EQ(p[key].size(), 4u);
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(p[key][i].get<double>(), want[i], 0.01 * 72 / 25.4) << key << i;
  };
  expect_box("/MediaBox", {0, 0, w + 2 * b, h + 2 * b});
  expect_box("/BleedBox", {0, 0, w + 2 * b, h + 2 * b});
  expect_box("/TrimBox", {b, b, b + w, b + h});
  EXPECT_FALSE(p.contains("/ArtBox"));
  EXPECT_FALSE(p.contains("/CropBox"));
  EXPECT_FALSE(p.contains("/Rotate"));
  EXPECT_FALSE(p.contains("/Annots"));
  EXPECT_FALSE(p.contains("/Group"));
}

// Marks (checklist G06): a slug grows the MediaBox on every side; BleedBox and TrimBox keep their
// size and their place relative to the content, which moves by the slug. A registration-coloured
// ring is a stroked Bézier circle in [/Separation /All /DeviceCMYK] whose tint gives 1 1 1 1.
TEST(Pdf, SlugGrowsTheMediaBoxAndMovesTheContent) {
  Page page = empty_page();
  page.slug = sp_from_mm(10);
  RuleItem crop;  // a crop mark left of the top-left trim corner
  crop.from = {-sp_from_mm(11), 0};
  crop.to = {-sp_from_mm(5), 0};
  crop.thickness = sp_from_pt(0.3);
  crop.colour = Cmyk::registration();
  page.items.push_back(crop);
  page.items.push_back(CircleItem{{sp_from_mm(195), -sp_from_mm(8)}, sp_from_mm(2), sp_from_pt(0.3), Cmyk::registration()});
  const std::string pdf = write_plate({&page}, "slug.pdf");
  const json objs = qpdf_objects(pdf);
  const auto pages = objects_where(objs, "/Type", "/Page");
  ASSERT_EQ(pages.size(), 1u);
  const json& p = pages[0];
  const double w = 390 * 72 / 25.4, h = 540 * 72 / 25.4, b = 3 * 72 / 25.4, sl = 10 * 72 / 25.4;
  auto expect_box = [&](const char* key, std::array<double, 4> want) {
    ASSERT_TRUE(p.contains(key)) << key;
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(p[key][i].get<double>(), want[i], 0.01 * 72 / 25.4) << key << i;
  };
  expect_box("/MediaBox", {0, 0, w + 2 * (b + sl), h + 2 * (b + sl)});
  expect_box("/BleedBox", {sl, sl, sl + w + 2 * b, sl + h + 2 * b});
  expect_box("/TrimBox", {sl + b, sl + b, sl + b + w, sl + b + h});

  const std::string c = page_contents(pdf)[0];
  // The trim's top-left corner is at (slug + bleed, slug + bleed + trim height) in user space.
  auto pt3 = [](Sp v) { return pdf::fixed3(scale_sp(v, 1000, kSpPerPt)); };
  const Sp origin = page.slug + page.bleed;
  const std::string y0 = pt3(origin + page.trim_height);
  EXPECT_NE(c.find(pt3(origin + crop.from.x) + " " + y0 + " m " + pt3(origin + crop.to.x) + " " + y0 + " l S"), std::string::npos)
      << c;
  std::size_t curves = 0;
  for (std::size_t at = 0; (at = c.find(" c\n", at)) != std::string::npos; ++at) ++curves;
  EXPECT_EQ(curves, 4u) << c;
  EXPECT_NE(c.find("h S\n"), std::string::npos) << c;
  EXPECT_NE(c.find("0.3 w\n"), std::string::npos) << c;
  // The colour space: /Separation /All with a tint transform to 1 1 1 1.
  const auto q = test::run("qpdf --qdf --object-streams=disable " + sh(pdf) + " -");
  const std::string flat = std::regex_replace(q.out, std::regex(R"(\s+)"), " ");
  EXPECT_NE(flat.find("/Separation /All /DeviceCMYK"), std::string::npos);
  EXPECT_NE(flat.find("/C1 [ 1 1 1 1 ]"), std::string::npos);
}

// Rules are stroked lines of the given thickness, boxes filled and stroked rectangles, all in
// page coordinates flipped at the PDF edge (origin top-left of the trim box, y down).
TEST(Pdf, RulesAndBoxesAreDrawnWhereTheDisplayListSays) {
  Page page = empty_page();
  RuleItem rule;
  rule.from = {sp_from_mm(20), sp_from_mm(100)};
  rule.to = {sp_from_mm(200), sp_from_mm(100)};
  rule.thickness = sp_from_pt(2);
  page.items.push_back(rule);
  BoxItem box;
  box.rect = {sp_from_mm(20), sp_from_mm(150), sp_from_mm(100), sp_from_mm(50)};
  box.fill = Cmyk{0, 0, 0, 500, {}, 1000};
  box.stroke = Cmyk::black();
  box.stroke_width = sp_from_pt(1);
  page.items.push_back(box);
  const std::string pdf = write_plate({&page}, "rules.pdf");
  check_plate(pdf, false);
  const std::string c = page_contents(pdf)[0];
  EXPECT_NE(c.find("2 w\n"), std::string::npos) << c;
  EXPECT_NE(c.find(" l S\n"), std::string::npos) << c;
  EXPECT_NE(c.find("0 0 0 0.5 k\n"), std::string::npos) << c;
  EXPECT_NE(c.find(" re f\n"), std::string::npos) << c;
  EXPECT_NE(c.find("1 w\n"), std::string::npos) << c;
  EXPECT_NE(c.find(" re S\n"), std::string::npos) << c;

  const GreyRaster g = render_grey(pdf, 72);
  const Sp b = page.bleed;
  const int rule_y = px(b + sp_from_mm(100), 72);
  EXPECT_LT(g.at(px(b + sp_from_mm(100), 72), rule_y), 64) << "on the rule";
  EXPECT_GT(g.at(px(b + sp_from_mm(100), 72), rule_y - 5), 250) << "above the rule";
  EXPECT_GT(g.at(px(b + sp_from_mm(210), 72), rule_y), 250) << "past the rule's end";
  const int bx = px(b + sp_from_mm(70), 72), by = px(b + sp_from_mm(175), 72);
  EXPECT_NEAR(g.at(bx, by), 128, 40) << "inside the 50 % box";
  EXPECT_LT(g.at(px(b + sp_from_mm(20), 72), by), 100) << "on the box's left edge";
  EXPECT_GT(g.at(px(b + sp_from_mm(15), 72), by), 250) << "left of the box";
}

// Checklist C05: black text and black rules overprint (/OP /op true, /OPM 1), reversed (white)
// text knocks out. Verified in the objects and on Ghostscript's separations: cyan under black
// text is untouched, cyan under white text is removed.
TEST(Pdf, BlackOverprintsWhiteKnocksOut) {
  Page page = empty_page();
  BoxItem cyan;
  cyan.rect = {sp_from_mm(10), sp_from_mm(10), sp_from_mm(150), sp_from_mm(60)};
  cyan.fill = Cmyk{1000, 0, 0, 0, {}, 1000};
  page.items.push_back(cyan);
  Diagnostics d;
  Setting black;
  black.size = sp_from_pt(36);
  black.at = {sp_from_mm(15), sp_from_mm(15)};
  set_text(page, U"黑字压印", black, d);
  Setting white = black;
  white.at.y = sp_from_mm(45);
  white.colour = Cmyk::white();
  set_text(page, U"白字镂空", white, d);
  RuleItem rule;
  rule.from = {sp_from_mm(10), sp_from_mm(40)};
  rule.to = {sp_from_mm(160), sp_from_mm(40)};
  rule.thickness = sp_from_pt(3);
  page.items.push_back(rule);
  const std::string pdf = write_plate({&page}, "op.pdf");
  check_plate(pdf);

  const std::string c = page_contents(pdf)[0];
  const std::size_t op = c.find("/GSop gs\n"), black_bt = c.find("0 0 0 1 k\nBT");
  const std::size_t ko = c.find("/GSko gs\n"), white_k = c.find("0 0 0 0 k\nBT");
  ASSERT_NE(op, std::string::npos) << c;
  ASSERT_NE(ko, std::string::npos) << c;
  EXPECT_LT(op, black_bt);
  EXPECT_LT(black_bt, ko);
  EXPECT_LT(ko, white_k);
  EXPECT_LT(c.find("/GSop gs\n", ko), c.find(" l S\n")) << "the black rule overprints again";
  const json objs = qpdf_objects(pdf);
  bool found_op = false, found_ko = false;
  for (const auto& gs : objects_where(objs, "/Type", "/ExtGState")) {
    EXPECT_EQ(gs["/OPM"], 1);
    if (gs["/OP"] == true && gs["/op"] == true) found_op = true;
    if (gs["/OP"] == false && gs["/op"] == false) found_ko = true;
    EXPECT_FALSE(gs.contains("/SMask"));
    EXPECT_FALSE(gs.contains("/CA"));
  }
  EXPECT_TRUE(found_op);
  EXPECT_TRUE(found_ko);

  const CmykRaster r = render_cmyk(pdf, 72);
  const Sp b = page.bleed;
  // Rows through the glyphs of each line (baseline = at.y + size; glyphs sit above it).
  auto band = [&](const Setting& s, int* text_px, int* cyan_removed) {
    *text_px = *cyan_removed = 0;
    const int y0 = px(b + s.at.y + s.size / 5, 72), y1 = px(b + s.at.y + s.size * 9 / 10, 72);
    const int x0 = px(b + sp_from_mm(15), 72), x1 = px(b + sp_from_mm(150), 72);
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const unsigned char* p = r.at(x, y);
        if (s.colour.is_pure_black() ? p[3] > 200 : p[0] < 50) ++*text_px;
        if (p[0] < 200) ++*cyan_removed;
      }
  };
  int text_px = 0, removed = 0;
  band(black, &text_px, &removed);
  EXPECT_GT(text_px, 100) << "black text rendered";
  EXPECT_EQ(removed, 0) << "cyan knocked out under overprinting black text";
  band(white, &text_px, &removed);
  EXPECT_GT(text_px, 100) << "white text knocks a hole in the cyan";
  // Control: without overprint simulation the same black text does knock the cyan out, so the
  // measurement above can tell the two apart.
  const CmykRaster plain = render_cmyk(pdf, 72, /*overprint=*/false);
  int knocked = 0;
  const int y0 = px(b + black.at.y + black.size / 5, 72), y1 = px(b + black.at.y + black.size * 9 / 10, 72);
  for (int y = y0; y < y1; ++y)
    for (int x = px(b + sp_from_mm(15), 72); x < px(b + sp_from_mm(150), 72); ++x) knocked += plain.at(x, y)[0] < 200;
  EXPECT_GT(knocked, 100);
}

// Spot colours are /Separation spaces with a DeviceCMYK alternate through a type 2 function;
// Ghostscript separates them onto their own plate (checklist C02).
TEST(Pdf, SpotColourIsASeparationWithCmykAlternate) {
  Page page = empty_page();
  const Cmyk red{0, 910, 760, 0, "PANTONE 185 C", 1000};
  BoxItem box;
  box.rect = {sp_from_mm(20), sp_from_mm(20), sp_from_mm(100), sp_from_mm(30)};
  box.fill = red;
  page.items.push_back(box);
  RuleItem rule;
  rule.from = {sp_from_mm(20), sp_from_mm(60)};
  rule.to = {sp_from_mm(120), sp_from_mm(60)};
  rule.colour = red;
  rule.colour.tint = 500;
  page.items.push_back(rule);
  const std::string pdf = write_plate({&page}, "spot.pdf");
  check_plate(pdf, false);
  const std::string c = page_contents(pdf)[0];
  EXPECT_NE(c.find("/CS1 cs 1 scn\n"), std::string::npos) << c;
  EXPECT_NE(c.find("/CS1 CS 0.5 SCN\n"), std::string::npos) << c;
  const json objs = qpdf_objects(pdf);
  const json page_dict = objects_where(objs, "/Type", "/Page").at(0);
  const json cs = deref(objs, page_dict["/Resources"]["/ColorSpace"]["/CS1"]);
  ASSERT_EQ(cs.size(), 4u) << cs.dump();
  EXPECT_EQ(cs[0], "/Separation");
  EXPECT_EQ(cs[2], "/DeviceCMYK");
  const json fn = cs[3];
  EXPECT_EQ(fn["/FunctionType"], 2);
  EXPECT_EQ(fn["/N"], 1);
  ASSERT_EQ(fn["/C1"].size(), 4u);
  EXPECT_NEAR(fn["/C1"][1].get<double>(), 0.91, 1e-4);
  EXPECT_NEAR(fn["/C1"][2].get<double>(), 0.76, 1e-4);
  EXPECT_EQ(fn["/C0"], json::parse("[0,0,0,0]"));

  const std::string dir = pdf + ".sep";
  fs::create_directories(dir);
  auto r = test::run("gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=tiffsep -r20 -sOutputFile=" + sh(dir + "/p.tif") +
                     " " + sh(pdf));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir + "/p(PANTONE 185 C).tif"));
}

// --- PDF/X and metadata ----------------------------------------------------------------------

// PDF/X-1a:2003 (checklist P02–P07): PDF 1.4, Info with the version key, /Trapped /False,
// title and dates from SOURCE_DATE_EPOCH, trailer /ID, one GTS_PDFX output intent with the
// embedded profile.
TEST(Pdf, PdfX1aStructure) {
  const Page page = text_page(U"印前检查");
  const std::string pdf = write_plate({&page}, "x1a.pdf");
  check_plate(pdf);
  auto info = test::run("pdfinfo " + sh(pdf));
  EXPECT_TRUE(std::regex_search(info.out, std::regex("PDF version: +1\\.4\n"))) << info.out;
  EXPECT_TRUE(std::regex_search(info.out, std::regex("PDF subtype: +PDF/X-1a:2003"))) << info.out;
  EXPECT_EQ(test::read_file(pdf).substr(0, 9), "%PDF-1.4\n");

  const json objs = qpdf_objects(pdf);
  const json trailer = objs["trailer"]["value"];
  ASSERT_TRUE(trailer.contains("/ID"));
  ASSERT_EQ(trailer["/ID"].size(), 2u);
  EXPECT_EQ(trailer["/ID"][0].get<std::string>().size(), 2 + 32u);
  const json in = deref(objs, trailer["/Info"]);
  EXPECT_EQ(in["/GTS_PDFXVersion"], "u:PDF/X-1a:2003");
  EXPECT_EQ(in["/Trapped"], "/False");
  EXPECT_EQ(in["/Title"], "u:测试版 A1");
  EXPECT_EQ(in["/CreationDate"], "u:D:20240614000000+00'00'");
  EXPECT_EQ(in["/ModDate"], "u:D:20240614000000+00'00'");

  const json root = deref(objs, trailer["/Root"]);
  ASSERT_TRUE(root.contains("/OutputIntents"));
  const json intents = deref(objs, root["/OutputIntents"]);
  ASSERT_EQ(intents.size(), 1u);
  const json oi = deref(objs, intents[0]);
  EXPECT_EQ(oi["/S"], "/GTS_PDFX");
  EXPECT_EQ(oi["/Type"], "/OutputIntent");
  EXPECT_GT(oi["/OutputConditionIdentifier"].get<std::string>().size(), 2u);
  EXPECT_GT(oi["/Info"].get<std::string>().size(), 2u);
  EXPECT_EQ(oi["/RegistryName"], "u:http://www.color.org");
  const std::string icc = stream_data(pdf, objnum(oi["/DestOutputProfile"]));
  EXPECT_EQ(icc, test::read_file(cmyk_profile()));
  EXPECT_EQ(icc.substr(12, 4), "prtr");
  EXPECT_EQ(icc.substr(16, 4), "CMYK");
  EXPECT_FALSE(root.contains("/AcroForm"));
  EXPECT_FALSE(root.contains("/OpenAction"));
}

// PDF/X-4: PDF 1.6 and an XMP packet naming the version (checklist P14), consistent with Info.
TEST(Pdf, PdfX4HasXmpMetadata) {
  const Page page = text_page(U"印前检查");
  PdfOptions o = plate_options();
  o.standard = PdfStandard::X4;
  const std::string pdf = write_plate({&page}, "x4.pdf", o);
  check_plate(pdf);
  auto info = test::run("pdfinfo " + sh(pdf));
  EXPECT_TRUE(std::regex_search(info.out, std::regex("PDF version: +1\\.6\n"))) << info.out;
  EXPECT_TRUE(std::regex_search(info.out, std::regex("PDF subtype: +PDF/X-4"))) << info.out;
  const json objs = qpdf_objects(pdf);
  const json root = deref(objs, objs["trailer"]["value"]["/Root"]);
  ASSERT_TRUE(root.contains("/Metadata"));
  const std::string xmp = stream_data(pdf, objnum(root["/Metadata"]));
  EXPECT_NE(xmp.find("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"), std::string::npos) << xmp;
  EXPECT_NE(xmp.find("<xmp:CreateDate>2024-06-14T00:00:00+00:00</xmp:CreateDate>"), std::string::npos);
  EXPECT_EQ(deref(objs, objs["trailer"]["value"]["/Info"])["/GTS_PDFXVersion"], "u:PDF/X-4");
}

// Standard "none" needs no profile and writes no output intent.
TEST(Pdf, StandardNoneWritesPlainPdf) {
  EXPECT_EQ(parse_pdf_standard("none"), PdfStandard::None);
  EXPECT_EQ(parse_pdf_standard("PDF/X-1a:2003"), PdfStandard::X1a2003);
  EXPECT_EQ(parse_pdf_standard("PDF/X-4"), PdfStandard::X4);
  EXPECT_FALSE(parse_pdf_standard("PDF/X-3"));
  const Page page = text_page(U"校样");
  PdfOptions o = plate_options();
  o.standard = PdfStandard::None;
  o.output_profile.clear();
  const std::string pdf = write_plate({&page}, "plain.pdf", o);
  check_plate(pdf);
  const json objs = qpdf_objects(pdf);
  EXPECT_FALSE(deref(objs, objs["trailer"]["value"]["/Root"]).contains("/OutputIntents"));
  EXPECT_FALSE(deref(objs, objs["trailer"]["value"]["/Info"]).contains("/GTS_PDFXVersion"));
}

// A plate without an output profile cannot be PDF/X: an error, and no file.
TEST(Pdf, PdfXWithoutOutputProfileFails) {
  const Page page = text_page(U"校样");
  PdfOptions o = plate_options();
  o.output_profile.clear();
  Diagnostics d;
  const std::string out = test::temp_dir("pdf") + "/none.pdf";
  EXPECT_FALSE(write_pdf({&page}, fonts(), o, out, d));
  EXPECT_EQ(d.count_code("pdf.output-profile"), 1u);
  EXPECT_EQ(d.count_code("pdf.write-failed"), 1u);
  EXPECT_FALSE(fs::exists(out));
  // An RGB profile is no output intent either.
  o.output_profile = fs::path(cmyk_profile()).parent_path() / "srgb.icc";
  Diagnostics d2;
  EXPECT_FALSE(write_pdf({&page}, fonts(), o, out, d2));
  EXPECT_EQ(d2.count_code("pdf.output-profile"), 1u);
}

// --- determinism and robustness --------------------------------------------------------------

// Checklist P15: the same pages and epoch give byte-identical files (fresh subset caches too).
TEST(Pdf, TwoRunsAreByteIdentical) {
  Diagnostics d;
  Page page = text_page(read_text(test::corpus_path("article.txt")));
  Setting s;
  s.role = "kai";
  s.at.y = sp_from_mm(300);
  set_text(page, kMixed, s, d);
  BoxItem box;
  box.rect = {sp_from_mm(5), sp_from_mm(5), sp_from_mm(50), sp_from_mm(5)};
  box.fill = Cmyk{0, 1000, 1000, 0, "Red", 800};
  page.items.push_back(box);
  const std::string a = write_plate({&page}, "a.pdf"), b = write_plate({&page}, "b.pdf");
  const std::string ba = test::read_file(a), bb = test::read_file(b);
  EXPECT_GT(ba.size(), 1000u);
  EXPECT_TRUE(ba == bb) << "outputs differ";
  // A different epoch changes the dates and so the content-derived /ID.
  PdfOptions o = plate_options();
  o.source_date_epoch = 1718323200 + 86400;
  const std::string c = write_plate({&page}, "c.pdf", o);
  EXPECT_NE(qpdf_objects(a)["trailer"]["value"]["/ID"], qpdf_objects(c)["trailer"]["value"]["/ID"]);
}

// With compression off every stream is stored as is (for debugging a plate by eye) and the
// file is still valid.
TEST(Pdf, UncompressedOutputIsValid) {
  const Page page = text_page(U"不压缩");
  PdfOptions o = plate_options();
  o.compress = false;
  const std::string pdf = write_plate({&page}, "raw.pdf", o);
  check_plate(pdf);
  const std::string bytes = test::read_file(pdf);
  EXPECT_EQ(bytes.find("/FlateDecode"), std::string::npos);
  EXPECT_NE(bytes.find("0 0 0 1 k\nBT\n"), std::string::npos);
  EXPECT_NE(bytes.find("beginbfchar"), std::string::npos);
  EXPECT_EQ(test::strip_whitespace(pdftotext(pdf)), "不压缩");
}

// Several pages go into one file in order, sharing the font objects.
TEST(Pdf, SeveralPagesShareFonts) {
  const Page a = text_page(U"第一页"), b = text_page(U"第二页");
  const std::string pdf = write_plate({&a, &b}, "two.pdf");
  check_plate(pdf);
  EXPECT_EQ(pdffonts(pdf).size(), 1u);
  EXPECT_EQ(test::strip_whitespace(pdftotext(pdf)), "第一页第二页");
  auto info = test::run("pdfinfo " + sh(pdf));
  EXPECT_NE(info.out.find("Pages:           2"), std::string::npos);
}

// A failed write leaves the previous plate untouched and reports the OS error: the file size
// limit makes write(2) fail the way a full disk does.
TEST(Pdf, FailedWriteKeepsPreviousFileAndReportsOsError) {
  const Page page = text_page(read_text(test::corpus_path("article.txt")));
  const std::string dir = test::temp_dir("pdf-fail");
  const std::string out = dir + "/A1.pdf";
  Diagnostics d;
  ASSERT_TRUE(write_pdf({&page}, fonts(), plate_options(), out, d));
  const std::string before = test::read_file(out);

  Page other = text_page(U"不同的内容");
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  Diagnostics fail;
  const bool ok = write_pdf({&other}, fonts(), plate_options(), out, fail);
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);

  EXPECT_FALSE(ok);
  ASSERT_EQ(fail.count_code("pdf.write-failed"), 1u) << diag_text(fail);
  EXPECT_NE(fail.all().back().message.find("File too large"), std::string::npos) << diag_text(fail);
  EXPECT_EQ(test::read_file(out), before);
  std::size_t files = 0;
  for (auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u) << "temporary file left behind";
}

// An unwritable target directory is reported with the OS error and creates nothing.
TEST(Pdf, MissingDirectoryIsReported) {
  const Page page = text_page(U"版面");
  Diagnostics d;
  const std::string out = test::temp_dir("pdf") + "/no/such/dir/A1.pdf";
  EXPECT_FALSE(write_pdf({&page}, fonts(), plate_options(), out, d));
  ASSERT_EQ(d.count_code("pdf.write-failed"), 1u);
  EXPECT_NE(d.all().back().message.find("No such file or directory"), std::string::npos) << diag_text(d);
}

// Display-list errors (a face the font set lacks, a page without size) are reported, not drawn.
TEST(Pdf, BadDisplayListIsReported) {
  Page page = text_page(U"版面");
  GlyphRunItem bad;
  bad.face = 9999;
  bad.size = sp_from_pt(9);
  bad.glyphs = {{1, 0, 0, 0, U"x"}};
  page.items.push_back(bad);
  Diagnostics d;
  const std::string out = test::temp_dir("pdf") + "/bad.pdf";
  EXPECT_FALSE(write_pdf({&page}, fonts(), plate_options(), out, d));
  EXPECT_GE(d.count_code("pdf.bad-item"), 1u);
  EXPECT_FALSE(fs::exists(out));
  Page zero = empty_page();
  zero.trim_width = 0;
  Diagnostics d2;
  EXPECT_FALSE(write_pdf({&zero}, fonts(), plate_options(), out, d2));
  EXPECT_EQ(d2.count_code("pdf.bad-page"), 1u);
}

// SHA-256 (nettle) against FIPS 180-2's examples, in one piece and fed in odd pieces, and a copy
// of a running hash going on by itself (the writer hashes a shared prefix once).
TEST(Pdf, Sha256MatchesTheStandardsExamples) {
  auto hex = [](const std::array<std::uint8_t, 32>& d) {
    std::string s;
    char b[3];
    for (auto x : d) {
      std::snprintf(b, sizeof b, "%02x", x);
      s += b;
    }
    return s;
  };
  EXPECT_EQ(hex(pdf::sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(pdf::sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string million(1000000, 'a');
  EXPECT_EQ(hex(pdf::sha256(million)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  pdf::Sha256 pieces;
  for (std::size_t at = 0, step = 1; at < million.size(); at += step, step = step * 3 % 997 + 1)
    pieces.update(std::string_view(million).substr(at, step));
  EXPECT_EQ(hex(pieces.finish()), hex(pdf::sha256(million)));
  pdf::Sha256 prefix;
  prefix.update("ab");
  pdf::Sha256 copy = prefix;
  copy.update("c");
  EXPECT_EQ(hex(copy.finish()), hex(pdf::sha256("abc")));
  prefix.update("cd");
  EXPECT_EQ(hex(prefix.finish()), hex(pdf::sha256("abcd")));
}

// flate_compress / flate_compress_fast (libdeflate): one valid zlib stream that zlib inflates back
// to the input (Adler-32 checked), for empty, tiny and ~1 MB inputs, identical from run to run,
// and within 1 % of zlib's own deflate at the same level (smaller on real CFF programs).
TEST(Pdf, FlateIsOneValidDeterministicZlibStream) {
  std::string text;
  std::uint32_t x = 12345;
  while (text.size() < 1200 * 1024) {  // half compressible text, half noise (like a CFF program)
    x = x * 1103515245u + 12345u;
    text += (x >> 16) % 2 ? std::string("排版引擎 typesetting ") : std::string(1, static_cast<char>(x >> 24));
  }
  for (const bool fast : {false, true}) {
    auto compress = [&](std::string_view in) { return fast ? pdf::flate_compress_fast(in) : pdf::flate_compress(in); };
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{65537}, text.size()}) {
      const std::string_view in(text.data(), n);
      const std::string z = compress(in);
      ASSERT_GE(z.size(), 6u) << n;
      std::string back(n + 1, '\0');
      uLongf len = static_cast<uLongf>(back.size());
      ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(back.data()), &len, reinterpret_cast<const Bytef*>(z.data()),
                           static_cast<uLong>(z.size())),
                Z_OK)
          << n << (fast ? " fast" : "");
      back.resize(len);
      EXPECT_EQ(back, in) << n;
      EXPECT_EQ(compress(in), z) << n;
      if (n == text.size()) {
        uLongf one = compressBound(static_cast<uLong>(n));
        std::string zlib_made(one, '\0');
        ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(zlib_made.data()), &one, reinterpret_cast<const Bytef*>(in.data()),
                            static_cast<uLong>(n), fast ? 1 : 6),
                  Z_OK);
        EXPECT_LE(static_cast<double>(z.size()), one * 1.01) << (fast ? "fast: " : "") << z.size() << " vs zlib " << one;
      }
    }
  }
}
