// fonts/: roles → fontconfig → faces; fallback chains; format detection; bad files.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "engine/fonts/fonts.h"
#include "support/test_support.h"

using namespace paiban;

namespace {
FontRoles default_roles() {
  Diagnostics d;
  auto r = FontRoles::load(test::source_dir() + "/fonts/roles.toml", d);
  EXPECT_FALSE(d.has_errors());
  return r;
}
}  // namespace

// The song role resolves to the SC face of the Noto Serif CJK collection, chosen by family
// (not by a hard-coded collection index), with CFF outlines.
TEST(Fonts, SongRoleIsNotoSerifCjkScCff) {
  FontSet fonts(default_roles());
  Diagnostics d;
  const auto& chain = fonts.chain("song", 400, d);
  ASSERT_FALSE(chain.empty()) << [&] { std::ostringstream s; d.dump(s); return s.str(); }();
  const Face& f = fonts.face(chain.front());
  EXPECT_NE(f.info().path.find("NotoSerifCJK-Regular.ttc"), std::string::npos);
  EXPECT_EQ(f.info().family, "Noto Serif CJK SC");
  EXPECT_EQ(f.info().format, FontFormat::Cff);
  EXPECT_EQ(f.info().postscript_name, "NotoSerifCJKsc-Regular");
  EXPECT_TRUE(f.has_char(U'排'));
  EXPECT_GE(chain.size(), 2u);  // fallbacks resolved too
}

TEST(Fonts, HeiBoldPicksBoldFile) {
  FontSet fonts(default_roles());
  Diagnostics d;
  const auto& chain = fonts.chain("hei", 700, d);
  ASSERT_FALSE(chain.empty());
  EXPECT_NE(fonts.face(chain.front()).info().path.find("NotoSansCJK-Bold.ttc"), std::string::npos);
  EXPECT_EQ(fonts.face(chain.front()).info().postscript_name, "NotoSansCJKsc-Bold");
}

// kai is AR PL UKai CN: TrueType outlines (the CIDFontType2 path of the PDF writer).
TEST(Fonts, KaiRoleIsTrueType) {
  FontSet fonts(default_roles());
  Diagnostics d;
  const auto& chain = fonts.chain("kai", 400, d);
  ASSERT_FALSE(chain.empty());
  EXPECT_EQ(fonts.face(chain.front()).info().family, "AR PL UKai CN");
  EXPECT_EQ(fonts.face(chain.front()).info().format, FontFormat::TrueType);
}

namespace {
// The first face of a role's chain (regular weight), or null when the role has none.
const Face* primary_face(FontSet& fonts, const char* role) {
  Diagnostics d;
  const auto& chain = fonts.chain(role, 400, d);
  return chain.empty() ? nullptr : &fonts.face(chain.front());
}
}  // namespace

// has_char remembers its answers for the BMP (font fallback asks it for every character): for
// every BMP code point, asked twice and from two threads at once, it says what the cmap says —
// in the CFF song face and the TrueType kai face — and beyond the BMP it asks the cmap.
TEST(Fonts, HasCharAgreesWithTheCmapEveryTime) {
  FontSet fonts(default_roles());
  for (const char* role : {"song", "kai"}) {
    SCOPED_TRACE(role);
    const Face* face = primary_face(fonts, role);
    ASSERT_NE(face, nullptr);
    const Face& f = *face;
    std::vector<char> first(0x10000), second(0x10000);
    std::thread other([&] {
      for (char32_t c = 0xFFFF; c > 0; --c) first[c] = f.has_char(c);
    });
    for (char32_t c = 0; c < 0x10000; ++c) second[c] = f.has_char(c);
    other.join();
    int with_glyph = 0, mismatches = 0;
    for (char32_t c = 1; c < 0x10000; ++c) {
      const bool cmap = f.glyph_for(c) != 0;
      with_glyph += cmap;
      mismatches += (first[c] != cmap) + (second[c] != cmap) + (f.has_char(c) != cmap);
    }
    EXPECT_EQ(mismatches, 0);
    EXPECT_GT(with_glyph, 10000);  // both are CJK fonts with thousands of ideographs
  }
  const Face& song = *primary_face(fonts, "song");
  EXPECT_EQ(song.has_char(U'\U00020000'), song.glyph_for(U'\U00020000') != 0);  // CJK Ext. B
}

// The batch query of every glyph's advance (the PDF writer's /W table) gives what asking glyph by
// glyph gives, for a CFF and a TrueType face; proportional glyphs exist, so the test can fail.
TEST(Fonts, AllAdvancesMatchEachAdvance) {
  FontSet fonts(default_roles());
  for (const char* role : {"song", "kai"}) {
    SCOPED_TRACE(role);
    const Face* face = primary_face(fonts, role);
    ASSERT_NE(face, nullptr);
    const Face& f = *face;
    const std::vector<std::int32_t> all = f.all_advance_units();
    ASSERT_EQ(all.size(), f.glyph_count());
    int mismatches = 0;
    std::set<int> distinct;
    for (std::uint32_t g = 0; g < all.size(); ++g) {
      mismatches += all[g] != f.advance_units(g);
      distinct.insert(all[g]);
    }
    EXPECT_EQ(mismatches, 0);
    EXPECT_GT(distinct.size(), 10u);
  }
}

TEST(Fonts, UnknownRoleSuggestsNearest) {
  FontSet fonts(default_roles());
  Diagnostics d;
  EXPECT_TRUE(fonts.chain("snog", 400, d).empty());
  ASSERT_EQ(d.count_code("font.unknown-role"), 1u);
  EXPECT_NE(d.all()[0].hint.find("song"), std::string::npos);
}

TEST(Fonts, UnresolvableFamilyIsReported) {
  FontRoles roles;
  roles.roles["ghost"] = FontRole{"ghost", "", {"No Such Family XYZ"}, {400}};
  FontSet fonts(roles);
  Diagnostics d;
  EXPECT_TRUE(fonts.chain("ghost", 400, d).empty());
  EXPECT_EQ(d.count_code("font.unresolved-family"), 1u);
  EXPECT_EQ(d.count_code("font.no-face"), 1u);
}

TEST(Fonts, CorruptFontFileIsReported) {
  const std::string dir = test::temp_dir("fonts");
  test::write_file(dir + "/bad.otf", std::string("OTTO\0\0\0\0garbage", 15));
  FontSet fonts(FontRoles{});
  Diagnostics d;
  EXPECT_FALSE(fonts.load_file(dir + "/bad.otf", 0, d).has_value());
  EXPECT_EQ(d.count_code("font.bad-file"), 1u);
}

// A font file cut short after fontconfig indexed it (a package upgrade interrupted, a full disk
// while copying): FreeType opens it (it reads outlines lazily and quietly shortens directory
// entries past the end), so the loader checks every table of the face against the file size.
// Cut just before the end of face 0's last table, the file is reported with the table.
TEST(Fonts, TruncatedFontFileIsReported) {
  FontSet installed(default_roles());
  Diagnostics found;
  const auto& kai = installed.chain("kai", 400, found);
  ASSERT_FALSE(kai.empty());
  const std::string original = installed.face(kai.front()).info().path;  // AR PL UKai's .ttc
  const std::string good = test::read_file(original);
  auto be = [&](std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(good[at + i]);
    return v;
  };
  // The end of face 0's tables, from the collection's directory (OpenType "Font collections").
  ASSERT_EQ(good.substr(0, 4), "ttcf");
  const std::size_t dir = be(12, 4);
  std::uint64_t end = 0;
  for (std::size_t t = 0; t < be(dir + 4, 2); ++t)
    end = std::max(end, be(dir + 12 + 16 * t + 8, 4) + be(dir + 12 + 16 * t + 12, 4));
  const std::string dir_path = test::temp_dir("fonts-cut");
  const std::string path = dir_path + "/ukai.ttc";
  test::write_file(path, good.substr(0, end - 1));
  FontSet fonts(FontRoles{});
  Diagnostics d;
  EXPECT_FALSE(fonts.load_file(path, 0, d).has_value());
  ASSERT_EQ(d.count_code("font.bad-file"), 1u);
  EXPECT_EQ(d.all()[0].loc.file, path);
  EXPECT_NE(d.all()[0].message.find("runs past the end of the file (" + std::to_string(end - 1) + " bytes)"),
            std::string::npos) << d.all()[0].message;
  // The whole file is fine.
  Diagnostics ok;
  EXPECT_TRUE(fonts.load_file(original, 0, ok).has_value());
  EXPECT_FALSE(ok.has_errors());
  // A second request does not read the damaged file again, and still reports it.
  Diagnostics again;
  EXPECT_FALSE(fonts.load_file(path, 0, again).has_value());
  EXPECT_EQ(again.count_code("font.bad-file"), 1u);
}
