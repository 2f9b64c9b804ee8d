// fonts/: roles → fontconfig → faces; fallback chains; format detection; bad files.
#include <gtest/gtest.h>

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
