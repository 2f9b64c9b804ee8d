// End to end: the bad-input catalogue of issue 8 ("Robustness") as the nightly run meets it.
// Every case builds a small two-page tabloid edition written here (A1 carries story `lead`, A2
// story `second`) into an output directory that already holds "last night's" A1.pdf, A2.pdf and
// report.json, runs `paiban build`, and asserts
//   - the exit code (README "Exit codes": 1 input/layout, 4 I/O),
//   - the stable diagnostic code and its position (file:line:column for input files, the page
//     for layout problems) on stderr or in report.json,
//   - that last night's files the failure touches are untouched (same bytes, same mtime), and
//     that the other page is still built when the run can go on safely,
//   - for text cases: every character is on a plate (pdftotext) or reported as overset.
#include <gtest/gtest.h>
#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <nlohmann/json.hpp>

#include "support/test_images.h"
#include "support/test_support.h"

using namespace paiban::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Chinese text for the stories: characters that the page furniture (header, folio, date) does
// not use, so pdftotext counts of them count story text only.
const std::string kLead = "煤基材料研究团队今日发布年度报告，研发投入持续增长。\n\n报告显示，高新企业数量再创新高。\n";
const std::string kSecond = "甲乙丙丁团队研制的新型材料通过鉴定。\n\n专家认为，该成果具有广阔的应用前景。\n";

// The edition: the shared tabloid template, two pages, one story each. Tests change it with
// `replace` so every line a test points at is visible here.
std::string edition_toml() {
  return "include = [\"" + source_dir() + "/layouts/tabloid-6col.toml\"]\n"  // line 1
         "\n"
         "[edition]\n"
         "paper = \"山西科技报\"\n"
         "date = 2024-06-14\n"
         "issue_number = 7671\n"
         "\n"
         "[[stories]]\n"
         "id = \"lead\"\n"
         "article = \"lead.txt\"\n"  // line 10
         "\n"
         "[[stories]]\n"
         "id = \"second\"\n"
         "article = \"second.txt\"\n"
         "\n"
         "[[pages]]\n"
         "label = \"A1\"\n"
         "template = \"tabloid-6col\"\n"
         "section = \"要闻\"\n"
         "frames = [{ story = \"lead\", col = 1, span = 6, line = 1, columns = 6 }]\n"  // line 20
         "\n"
         "[[pages]]\n"
         "label = \"A2\"\n"
         "template = \"tabloid-6col\"\n"
         "section = \"科技\"\n"
         "frames = [{ story = \"second\", col = 1, span = 6, line = 1, columns = 6 }]\n";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' is not in the descriptor";
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// "line:column" of the first occurrence of `needle` (column in code points, as diagnostics count).
std::string position_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  int line = 1, column = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') ++line, column = 1;
    else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

struct FileState {
  std::string bytes;
  fs::file_time_type mtime;
  bool operator==(const FileState&) const = default;
};
using Snapshot = std::map<std::string, FileState>;

Snapshot snapshot(const std::string& dir) {
  Snapshot s;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) s[e.path().filename().string()] = {read_file(e.path().string()), e.last_write_time()};
  return s;
}

std::string pdf_text(const std::string& pdf) {
  return run("pdftotext -enc UTF-8 " + shell_quote(pdf) + " -").out;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

// UTF-8 of a BMP ideograph (all the long-paragraph test uses).
std::string utf8(char32_t c) {
  return {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
          static_cast<char>(0x80 | (c & 0x3F))};
}

// One test edition in its own directory, with last night's plates in `out`.
struct Edition {
  explicit Edition(const std::string& tag) : dir(temp_dir(tag)), out(dir + "/out") {
    write_file(dir + "/lead.txt", kLead);
    write_file(dir + "/second.txt", kSecond);
    toml = edition_toml();
    // Last night's output, dated the night before so a rewrite shows in the mtime as well.
    for (const char* name : {"A1.pdf", "A2.pdf", "report.json"}) {
      write_file(out + "/" + name, std::string("last night's ") + name);
      fs::last_write_time(out + "/" + name, fs::file_time_type::clock::now() - std::chrono::hours(24));
    }
    before = snapshot(out);
  }

  // `env`: assignments put before the command (PAIBAN_FONT_ROLES=…, FONTCONFIG_FILE=…).
  RunResult build(const std::string& env = "") {
    write_file(path(), toml);
    auto r = run(env + " " + shell_quote(PAIBAN_CLI) + " build " + shell_quote(path()) + " -o " + shell_quote(out) +
                 " -q --no-preflight");
    if (fs::exists(out + "/report.json") && snapshot(out).at("report.json") != before.at("report.json"))
      report = json::parse(read_file(out + "/report.json"));
    return r;
  }
  std::string path() const { return dir + "/edition.toml"; }

  // Last night's file `name` is exactly as it was.
  bool untouched(const std::string& name) const {
    const Snapshot now = snapshot(out);
    return now.count(name) && now.at(name) == before.at(name);
  }
  bool rebuilt(const std::string& name) const {
    const Snapshot now = snapshot(out);
    return now.count(name) && now.at(name).bytes != before.at(name).bytes &&
           now.at(name).bytes.rfind("%PDF-", 0) == 0;
  }
  bool nothing_replaced() const { return snapshot(out) == before; }

  // The report's entry for a diagnostic code (null when absent).
  json diagnostic(const std::string& code) const {
    for (const auto& d : report.value("diagnostics", json::array()))
      if (d["code"] == code) return d;
    return nullptr;
  }
  bool written(const std::string& label) const {
    for (const auto& p : report.value("pages", json::array()))
      if (p["label"] == label) return p["written"].get<bool>();
    return false;
  }

  std::string dir, out, toml;
  Snapshot before;
  json report;
};

// A descriptor error stops the run before anything is written: exit 1, the code at
// file:line:column on stderr, every one of last night's files untouched.
void expect_descriptor_error(Edition& e, const RunResult& r, const std::string& file, const std::string& text,
                             const std::string& needle, const std::string& code) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string where = file + ":" + position_of(text, needle) + ": error[" + code + "]";
  EXPECT_NE(r.err.find(where), std::string::npos) << "expected " << where << " in:\n" << r.err;
  EXPECT_TRUE(e.nothing_replaced()) << "a descriptor error replaced last night's output";
}

// --- images, made here with libpng / libjpeg (no binary fixtures) ------------------------------

void write_png(const std::string& path, int w, int h) {
  png_image img;
  std::memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = static_cast<png_uint_32>(w);
  img.height = static_cast<png_uint_32>(h);
  img.format = PNG_FORMAT_RGB;
  std::vector<std::uint8_t> px(static_cast<std::size_t>(w) * h * 3);
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>((i * 7919) >> 3);  // not flat
  ASSERT_TRUE(png_image_write_to_file(&img, path.c_str(), 0, px.data(), 0, nullptr)) << img.message;
}

// A 3-component JPEG whose samples are not flat (so that half of it is not a valid image).
void write_jpeg(const std::string& path, int w, int h) {
  paiban::test::write_jpeg(path, w, h, 3, [](int x, int y) {
    std::vector<std::uint8_t> rgb(3);
    for (int k = 0; k < 3; ++k) rgb[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(((3 * x + k) * 31 + y * 17) ^ ((3 * x + k) * y));
    return rgb;
  });
}

// The first half of a file (a transfer cut short).
void truncate_half(const std::string& path) { fs::resize_file(path, fs::file_size(path) / 2); }
// Garbage over the middle of a file, header intact (a damaged disk block).
void corrupt_middle(const std::string& path) {
  std::string b = read_file(path);
  for (std::size_t i = b.size() / 3; i < 2 * b.size() / 3; ++i) b[i] = static_cast<char>(0xA5 ^ (i & 0x3F));
  write_file(path, b);
}

// A2 gets a picture (with wrap, so no overlap warning) above its story.
std::string with_image(const std::string& toml, const std::string& file) {
  return replace(toml, "section = \"科技\"\n",
                 "section = \"科技\"\nimages = [{ file = \"" + file +
                     "\", col = 1, span = 3, line = 40, lines = 20, wrap = true }]\n");
}

// A damaged picture is found only when it is decoded for the plate: A2 is not written (last
// night's stays), A1 is, exit 1 (bad input, not an I/O failure), the code names the page.
void expect_bad_image(Edition& e, const std::string& file, const std::string& code) {
  e.toml = with_image(e.toml, file);
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("page A2: error[" + code + "]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  EXPECT_TRUE(e.untouched("A2.pdf")) << r.err;
  EXPECT_TRUE(e.rebuilt("A1.pdf")) << r.err;
  EXPECT_TRUE(e.written("A1"));
  EXPECT_FALSE(e.written("A2"));
}

}  // namespace

// The edition builds cleanly as written: the baseline every case below changes one thing of.
TEST(E2eRobustness, BaselineEditionBuilds) {
  Edition e("rb-ok");
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(e.rebuilt("A1.pdf"));
  EXPECT_TRUE(e.rebuilt("A2.pdf"));
  EXPECT_NE(strip_whitespace(pdf_text(e.out + "/A2.pdf")).find("甲乙丙丁团队研制"), std::string::npos);
}

// --- descriptor ---------------------------------------------------------------------------------

TEST(E2eRobustness, MalformedTomlReportsParserPosition) {
  Edition e("rb-syntax");
  e.toml = replace(e.toml, "[[pages]]\nlabel = \"A2\"", "[[pages]\nlabel = \"A2\"");
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // The TOML parser's position: the unclosed array-of-tables header, line 22.
  EXPECT_NE(r.err.find(e.path() + ":22:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error[descriptor.syntax]"), std::string::npos) << r.err;
  EXPECT_TRUE(e.nothing_replaced());
}

TEST(E2eRobustness, UnknownKeyHasDidYouMeanHint) {
  Edition e("rb-key");
  e.toml = replace(e.toml, "section = \"科技\"", "sectoin = \"科技\"");
  auto r = e.build();
  expect_descriptor_error(e, r, e.path(), e.toml, "sectoin", "descriptor.unknown-key");
  EXPECT_NE(r.err.find("did you mean 'section'"), std::string::npos) << r.err;
}

TEST(E2eRobustness, WrongUnitIsReportedAtTheValue) {
  Edition e("rb-unit");
  e.toml = replace(e.toml, "frames = [{ story = \"second\", col = 1, span = 6, line = 1, columns = 6 }]",
                   "gutter = \"9px\"\nframes = [{ story = \"second\", col = 1, span = 6, line = 1, columns = 6 }]");
  auto r = e.build();
  expect_descriptor_error(e, r, e.path(), e.toml, "\"9px\"", "descriptor.bad-unit");
}

TEST(E2eRobustness, NegativeSizeIsBadValue) {
  Edition e("rb-neg");
  e.toml += "\n[styles.body]\nsize = \"-9pt\"\n";
  auto r = e.build();
  expect_descriptor_error(e, r, e.path(), e.toml, "\"-9pt\"", "descriptor.bad-value");
}

TEST(E2eRobustness, ZeroSizeIsBadValue) {
  Edition e("rb-zero");
  e.toml = replace(e.toml, "section = \"科技\"", "section = \"科技\"\ncolumn_width = \"0mm\"");
  auto r = e.build();
  expect_descriptor_error(e, r, e.path(), e.toml, "\"0mm\"", "descriptor.bad-value");
}

TEST(E2eRobustness, FrameOutsideThePage) {
  Edition e("rb-off");
  e.toml = replace(e.toml, "story = \"second\", col = 1, span = 6, line = 1, columns = 6",
                   "story = \"second\", x = \"200mm\", y = \"20mm\", w = \"100mm\", h = \"100mm\"");
  auto r = e.build();
  expect_descriptor_error(e, r, e.path(), e.toml, "{ story = \"second\", x", "descriptor.outside-page");
}

TEST(E2eRobustness, OverlappingFrames) {
  Edition e("rb-overlap");
  e.toml = replace(e.toml, "frames = [{ story = \"second\", col = 1, span = 6, line = 1, columns = 6 }]",
                   "frames = [{ story = \"second\", col = 1, span = 4, line = 1, lines = 30, columns = 4 },\n"
                   "          { story = \"second\", col = 3, span = 4, line = 20, columns = 4 }]");
  auto r = e.build();
  expect_descriptor_error(e, r, e.path(), e.toml, "{ story = \"second\", col = 3", "descriptor.overlap");
}

// A includes B includes A: reported at the include entry that closes the cycle (in B).
TEST(E2eRobustness, CyclicInclude) {
  Edition e("rb-cycle");
  const std::string a = "include = \"b.toml\"\n\n[styles.cycle-a]\nsize = \"9pt\"\n";
  const std::string b = "# included by a.toml\ninclude = [\"a.toml\"]\n";
  write_file(e.dir + "/a.toml", a);
  write_file(e.dir + "/b.toml", b);
  e.toml = replace(e.toml, "tabloid-6col.toml\"]", "tabloid-6col.toml\", \"a.toml\"]");
  auto r = e.build();
  expect_descriptor_error(e, r, e.dir + "/b.toml", b, "\"a.toml\"", "descriptor.cyclic-include");
}

TEST(E2eRobustness, MissingArticleFile) {
  Edition e("rb-noart");
  fs::remove(e.dir + "/second.txt");
  auto r = e.build();
  expect_descriptor_error(e, r, e.path(), e.toml, "\"second.txt\"", "descriptor.missing-file");
}

TEST(E2eRobustness, MissingImageFile) {
  Edition e("rb-noimg");
  e.toml = with_image(e.toml, "photos/missing.jpg");
  auto r = e.build();
  expect_descriptor_error(e, r, e.path(), e.toml, "\"photos/missing.jpg\"", "descriptor.missing-file");
}

// --- fonts --------------------------------------------------------------------------------------

namespace {
// A font roles file (PAIBAN_FONT_ROLES) whose `kai` role — the byline style's — is `chain`.
std::string roles_with_kai(const std::string& dir, const std::string& chain, const std::string& weights = "[400]") {
  std::string roles = read_file(source_dir() + "/fonts/roles.toml");
  const std::string kai = "[roles.kai]";
  roles = roles.substr(0, roles.find(kai)) + kai + "\nchain = " + chain + "\nweights = " + weights + "\n";
  write_file(dir + "/roles.toml", roles);
  return dir + "/roles.toml";
}
// A2's story gets a byline (set in `kai`) and a headline block to show it.
void add_byline(Edition& e) {
  write_file(e.dir + "/second.txt", "+++\nbyline = \"记者 王明\"\n+++\n" + kSecond);
  e.toml = replace(e.toml, "section = \"科技\"\nframes = [{ story = \"second\", col = 1, span = 6, line = 1, columns = 6 }]",
                   "section = \"科技\"\nheadlines = [{ story = \"second\", line = 1, lines = 4 }]\n"
                   "frames = [{ story = \"second\", col = 1, span = 6, line = 5, columns = 6 }]");
}
}  // namespace

// A role whose only family fontconfig does not have (a font package removed by an upgrade): the
// byline cannot be set. It is reported where the text comes from, the page is not printed
// without it, and the run still builds A1.
TEST(E2eRobustness, FontRoleFontconfigCannotResolve) {
  Edition e("rb-role");
  add_byline(e);
  const std::string roles = roles_with_kai(e.dir, "[\"FZ Kai Removed By Upgrade\"]");
  auto r = e.build("PAIBAN_FONT_ROLES=" + shell_quote(roles));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("warning[font.unresolved-family]: fontconfig has no font family 'FZ Kai Removed By Upgrade'"),
            std::string::npos) << r.err;
  // The byline's 5 characters are reported at the headline block that sets them, and on its page.
  const std::string where =
      e.path() + ":" + position_of(e.toml, "{ story = \"second\", line = 1") + ": page A2: error[font.no-face]";
  EXPECT_NE(r.err.find(where), std::string::npos) << "expected " << where << " in:\n" << r.err;
  EXPECT_NE(r.err.find("5 characters in role 'kai'"), std::string::npos) << r.err;
  // An error located in the descriptor that belongs to A2's content stops A2's plate (the page
  // would be printed without its byline): last night's A2 stays; A1 is built.
  EXPECT_TRUE(e.untouched("A2.pdf")) << r.err;
  EXPECT_TRUE(e.rebuilt("A1.pdf")) << r.err;
  EXPECT_FALSE(e.written("A2"));
  EXPECT_TRUE(e.written("A1"));
  // The role's own report ("no font of role 'kai'") and the text's, both on A2; the text's keeps
  // its descriptor position with the page.
  json d;
  for (const auto& x : e.report.value("diagnostics", json::array()))
    if (x["code"] == "font.no-face") {
      EXPECT_EQ(x["page"], "A2") << x.dump();
      if (x.contains("file")) d = x;
    }
  ASSERT_FALSE(d.is_null()) << e.report.dump(1);
  EXPECT_EQ(d["file"], e.path());
  EXPECT_EQ(std::to_string(d["line"].get<int>()) + ":" + std::to_string(d["column"].get<int>()),
            position_of(e.toml, "{ story = \"second\", line = 1"));
}

namespace {
std::uint64_t big_endian(const std::string& b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b.at(at + static_cast<std::size_t>(i)));
  return v;
}
// Where the last table of face 0 of a font file (.ttf/.otf or .ttc collection) ends.
std::uint64_t face0_tables_end(const std::string& font) {
  const std::size_t dir = font.substr(0, 4) == "ttcf" ? big_endian(font, 12, 4) : 0;
  std::uint64_t end = 0;
  for (std::size_t t = 0; t < big_endian(font, dir + 4, 2); ++t)
    end = std::max(end, big_endian(font, dir + 12 + 16 * t + 8, 4) + big_endian(font, dir + 12 + 16 * t + 12, 4));
  return end;
}
}  // namespace

// The kai font file was damaged after fontconfig indexed it (an upgrade cut short): fontconfig
// still hands out the file, and FreeType opens it, since it reads outlines lazily. paiban checks
// the face's tables against the file: font.bad-file with the file, exit 1, and A2 (whose byline
// is set in kai, the role's only family) keeps last night's plate; A1 is built. The song and hei
// chains, which list the same family as a late fallback, still work: a warning names the file.
TEST(E2eRobustness, CorruptFontFile) {
  Edition e("rb-badfont");
  add_byline(e);
  // The installed AR PL UKai file, copied into a private font directory that replaces its own.
  const std::string original = run("fc-match -f '%{file}' 'AR PL UKai CN'").out;
  ASSERT_TRUE(fs::is_regular_file(original)) << original;
  const std::string fonts_dir = e.dir + "/fonts", copy = fonts_dir + "/" + fs::path(original).filename().string();
  fs::create_directories(fonts_dir);
  fs::copy_file(original, copy);
  std::string conf = read_file(PAIBAN_TEST_FONTS_CONF);
  conf = replace(conf, "<dir>" + fs::path(original).parent_path().string() + "</dir>", "<dir>" + fonts_dir + "</dir>");
  const auto cache = conf.find("<cachedir>");
  ASSERT_NE(cache, std::string::npos);
  conf.replace(cache, conf.find("</cachedir>") - cache, "<cachedir>" + e.dir + "/fc-cache");
  write_file(e.dir + "/fonts.conf", conf);
  const std::string env = "FONTCONFIG_FILE=" + shell_quote(e.dir + "/fonts.conf");
  ASSERT_EQ(run(env + " fc-cache").exit_code, 0);  // indexed while the file is whole
  ASSERT_EQ(run(env + " fc-match -f '%{file}' 'AR PL UKai CN'").out, copy);
  // Cut one byte short of the end of the face's last table (truncating a directory entry's
  // file leaves the directory and fontconfig's cache as they were).
  const std::uint64_t cut = face0_tables_end(read_file(copy)) - 1;
  fs::resize_file(copy, cut);
  ASSERT_EQ(run(env + " fc-match -f '%{file}' 'AR PL UKai CN'").out, copy);

  const std::string roles = roles_with_kai(e.dir, "[\"AR PL UKai CN\"]");
  auto r = e.build(env + " PAIBAN_FONT_ROLES=" + shell_quote(roles));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // The kai role's file: an error, with the file and why.
  bool kai_error = false;
  std::istringstream lines(r.err);
  for (std::string l; std::getline(lines, l);) {
    if (l.find("font.bad-file") == std::string::npos) continue;
    EXPECT_EQ(l.rfind(copy + ": ", 0), 0u) << l;
    EXPECT_NE(l.find("runs past the end of the file (" + std::to_string(cut) + " bytes)"), std::string::npos) << l;
    if (l.find("error[font.bad-file]: role 'kai'") != std::string::npos) kai_error = true;
    // Roles that fall back to another face report it as a warning naming the face used.
    if (l.find("warning[font.bad-file]: role 'song'") != std::string::npos) {
      EXPECT_NE(l.find("set in 'Noto Serif CJK SC' instead"), std::string::npos) << l;
    }
  }
  EXPECT_TRUE(kai_error) << r.err;
  const json d = e.diagnostic("font.bad-file");
  ASSERT_FALSE(d.is_null()) << e.report.dump(1);
  EXPECT_EQ(d["file"], copy);
  EXPECT_TRUE(e.untouched("A2.pdf")) << r.err;
  EXPECT_FALSE(e.written("A2"));
  EXPECT_TRUE(e.rebuilt("A1.pdf")) << r.err;
}

// --- articles -----------------------------------------------------------------------------------

TEST(E2eRobustness, InvalidUtf8ReportsByteOffset) {
  Edition e("rb-utf8");
  const std::string text = "甲乙丙丁团队\n研制的\xFF新型材料。\n";
  write_file(e.dir + "/second.txt", text);
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string file = e.dir + "/second.txt";
  EXPECT_NE(r.err.find(file + ":2:4: error[article.invalid-utf8]"), std::string::npos) << r.err;
  const json d = e.diagnostic("article.invalid-utf8");
  ASSERT_FALSE(d.is_null()) << e.report.dump(1);
  EXPECT_EQ(d["byte_offset"], text.find('\xFF'));
  EXPECT_EQ(d["line"], 2);
  EXPECT_EQ(d["column"], 4);
  // The page of the broken story is not replaced; the other page is built.
  EXPECT_TRUE(e.untouched("A2.pdf")) << r.err;
  EXPECT_TRUE(e.rebuilt("A1.pdf")) << r.err;
}

// NUL and BEL are reported (with their position) and removed; a BOM is dropped and CRLF is a line
// end. The text itself all reaches the plate, so the run succeeds with warnings.
TEST(E2eRobustness, ControlCharactersBomCrlfNul) {
  Edition e("rb-ctrl");
  using namespace std::string_literals;  // the literal holds a NUL
  const std::string text = "\xEF\xBB\xBF甲乙丙丁团队研制的新型材料。\r\n\r\n专家认为，\x00该成果\x07具有广阔的应用前景。\r\n"s;
  ASSERT_EQ(text.find('\0'), text.find("该") - 1);
  write_file(e.dir + "/second.txt", text);
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string file = e.dir + "/second.txt";
  EXPECT_NE(r.err.find(file + ":3:6: warning[article.control-char]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(file + ":3:10: warning[article.control-char]"), std::string::npos) << r.err;
  EXPECT_EQ(count_of(r.err, "article.control-char"), 2u) << r.err;
  const std::string placed = strip_whitespace(pdf_text(e.out + "/A2.pdf"));
  EXPECT_NE(placed.find("甲乙丙丁团队研制的新型材料。专家认为，该成果具有广阔的应用前景。"), std::string::npos) << placed;
  EXPECT_TRUE(e.rebuilt("A2.pdf"));
}

// Zero-width characters (ZWSP, ZWJ, a BOM in mid-text) and variation selectors (VS16, VS17) are
// text: every one of them is on the plate, none is lost or reported missing.
TEST(E2eRobustness, ZeroWidthAndVariationSelectorsLandOnThePlate) {
  Edition e("rb-zw");
  const std::string text = "甲乙\u200B丙丁\u200D团队\uFEFF研制\uFE0F的新型\U000E0100材料。\n";
  write_file(e.dir + "/second.txt", text);
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("font.missing-glyph"), std::string::npos) << r.err;
  const std::string placed = pdf_text(e.out + "/A2.pdf");
  for (const char* invisible : {"\u200B", "\u200D", "\uFEFF", "\uFE0F", "\U000E0100"})
    EXPECT_EQ(count_of(placed, invisible), 1u) << "U+" << invisible << " not on the plate";
  std::string visible = placed;  // the visible text, in order, around them
  for (const char* invisible : {"\u200B", "\u200D", "\uFEFF", "\uFE0F", "\U000E0100"})
    for (auto at = visible.find(invisible); at != std::string::npos; at = visible.find(invisible))
      visible.erase(at, std::strlen(invisible));
  EXPECT_NE(strip_whitespace(visible).find("甲乙丙丁团队研制的新型材料。"), std::string::npos) << placed;
  ASSERT_FALSE(e.report.is_null());
  EXPECT_EQ(e.report["stories"][1]["placed_characters"], 19);
}

// An article with no text: a warning at the file, the page is still built (with an empty frame).
TEST(E2eRobustness, EmptyArticle) {
  Edition e("rb-empty");
  write_file(e.dir + "/second.txt", "");
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(e.dir + "/second.txt: warning[article.empty]"), std::string::npos) << r.err;
  EXPECT_TRUE(e.rebuilt("A1.pdf"));
  EXPECT_TRUE(e.rebuilt("A2.pdf"));
  EXPECT_EQ(e.report["stories"][1]["characters"], 0);
}

// 50,000 characters without punctuation in one paragraph: it builds, A2 is full, and what does not
// fit is reported as overset with its count at the first character that did not fit. Placed +
// overset is every character (pdftotext counts the placed ones).
TEST(E2eRobustness, FiftyThousandCharacterParagraph) {
  Edition e("rb-long");
  const std::u32string alphabet = U"甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥";
  std::u32string para;
  for (std::size_t i = 0; i < 50000; ++i) para += alphabet[(i * 7 + i / 23) % alphabet.size()];
  std::string text;
  for (char32_t c : para) text += utf8(c);
  write_file(e.dir + "/second.txt", text + "\n");
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 1) << r.err;  // overset without --allow-overset
  const json& story = e.report["stories"][1];
  ASSERT_EQ(story["story"], "second");
  EXPECT_EQ(story["characters"], 50000);
  const std::size_t overset = story["overset_characters"].get<std::size_t>();
  EXPECT_GT(overset, 0u);
  const std::string where = e.dir + "/second.txt:1:" + std::to_string(50000 - overset + 1) + ": error[compose.overset]";
  EXPECT_NE(r.err.find(where), std::string::npos) << where << "\n" << r.err;
  EXPECT_NE(r.err.find(std::to_string(overset) + " characters"), std::string::npos) << r.err;
  const std::string placed = pdf_text(e.out + "/A2.pdf");
  std::size_t on_plate = 0;
  for (char32_t c : alphabet) on_plate += count_of(placed, utf8(c));
  EXPECT_EQ(on_plate + overset, 50000u);
  EXPECT_EQ(story["placed_characters"], on_plate);
  // Overset is a story error, not a broken plate: both pages are built.
  EXPECT_TRUE(e.rebuilt("A1.pdf"));
  EXPECT_TRUE(e.rebuilt("A2.pdf"));
}

// A Latin "word" longer than the 11-character column: broken inside the word (emergency), every
// letter on the plate, reported with its code and the position of the line that breaks it.
TEST(E2eRobustness, LatinWordLongerThanTheColumn) {
  Edition e("rb-word");
  const std::string word = "Pneumonoultramicroscopicsilicovolcanoconiosis";
  const std::string text = "甲乙丙丁团队研制的新型材料。\n\n该材料代号为" + word + "，已公布。\n";
  write_file(e.dir + "/second.txt", text);
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 0) << r.err;  // a warning: the text is all set, only not by the rules
  EXPECT_NE(r.err.find(e.dir + "/second.txt:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("warning[linebreak.emergency]"), std::string::npos) << r.err;
  const json d = e.diagnostic("linebreak.emergency");
  ASSERT_FALSE(d.is_null());
  EXPECT_EQ(d["line"], 3);
  EXPECT_GE(d["column"].get<int>(), 1);
  EXPECT_NE(strip_whitespace(pdf_text(e.out + "/A2.pdf")).find("该材料代号为" + word + "，已公布。"), std::string::npos);
}

// A paragraph joined from several source lines: a character no font has (U+F0000, on the
// paragraph's 2nd line) and a Latin word longer than the column (on its 3rd line) are reported at
// their own line:column in the article, not at the paragraph's first column + offset.
TEST(E2eRobustness, PositionsInsideAMultiLineParagraph) {
  Edition e("rb-pos");
  // 120 letters in which every 12-letter window is unique, so a line's preview in the message
  // locates the line in the file.
  std::string word;
  for (unsigned x = 7; word.size() < 120; x = x * 1103515245u + 12345u) word += static_cast<char>('a' + (x >> 16) % 26);
  const std::string text = "甲乙丙丁团队研制的新型材料通过鉴定。\n"
                           "\n"
                           "专家认为，该成果具有\n"                              // line 3
                           "  广阔的\U000F0000应用前景。\n"                     // line 4 (indent dropped)
                           "代号为" + word + "的材料已公布。\n";                 // line 5
  const std::string file = e.dir + "/second.txt";
  write_file(file, text);
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the missing character fails the story's page

  const std::string missing = file + ":" + position_of(text, "\U000F0000") + ": error[font.missing-glyph]";
  ASSERT_EQ(position_of(text, "\U000F0000"), "4:6");
  EXPECT_NE(r.err.find(missing), std::string::npos) << "expected " << missing << " in:\n" << r.err;
  const json m = e.diagnostic("font.missing-glyph");
  ASSERT_FALSE(m.is_null()) << e.report.dump(1);
  EXPECT_EQ(m["line"], 4);
  EXPECT_EQ(m["column"], 6);
  EXPECT_EQ(m["byte_offset"], text.find("\U000F0000"));

  // Every emergency break names the first character of the line it sets: the message quotes
  // the line's start, which is found in the file at exactly the reported line:column.
  int inside_word = 0;
  for (const auto& d : e.report.value("diagnostics", json::array())) {
    if (d["code"] != "linebreak.emergency") continue;
    const std::string msg = d["message"];
    const auto open = msg.find("(\""), close = msg.find("\")", open);
    ASSERT_NE(open, std::string::npos) << msg;
    std::string preview = msg.substr(open + 2, close - open - 2);
    if (preview.size() >= 3 && preview.compare(preview.size() - 3, 3, "…") == 0) preview.resize(preview.size() - 3);
    EXPECT_EQ(d["file"], file);
    if (text.find(preview) == std::string::npos) continue;  // a line that starts across a line end
    EXPECT_EQ(std::to_string(d["line"].get<int>()) + ":" + std::to_string(d["column"].get<int>()),
              position_of(text, preview)) << msg;
    if (d["line"] == 5 && d["column"].get<int>() > 4) ++inside_word;
  }
  EXPECT_GE(inside_word, 1) << r.err;  // a line that starts inside the word, on line 5
  EXPECT_NE(r.err.find(file + ":5:"), std::string::npos) << r.err;
  EXPECT_TRUE(e.untouched("A2.pdf")) << r.err;
  EXPECT_TRUE(e.rebuilt("A1.pdf")) << r.err;
}

// --- images -------------------------------------------------------------------------------------

TEST(E2eRobustness, GoodImageBuilds) {
  Edition e("rb-img");
  write_png(e.dir + "/photo.png", 600, 400);
  e.toml = with_image(e.toml, "photo.png");
  auto r = e.build();
  EXPECT_NE(r.exit_code, 4) << r.err;
  EXPECT_TRUE(e.rebuilt("A2.pdf")) << r.err;
}

TEST(E2eRobustness, TruncatedPng) {
  Edition e("rb-png-cut");
  write_png(e.dir + "/photo.png", 600, 400);
  truncate_half(e.dir + "/photo.png");
  expect_bad_image(e, "photo.png", "pdf.image-unreadable");
}

TEST(E2eRobustness, CorruptPng) {
  Edition e("rb-png-bad");
  write_png(e.dir + "/photo.png", 600, 400);
  corrupt_middle(e.dir + "/photo.png");
  expect_bad_image(e, "photo.png", "pdf.image-unreadable");
}

TEST(E2eRobustness, TruncatedJpeg) {
  Edition e("rb-jpg-cut");
  write_jpeg(e.dir + "/photo.jpg", 600, 400);
  truncate_half(e.dir + "/photo.jpg");
  expect_bad_image(e, "photo.jpg", "pdf.image-unreadable");
}

TEST(E2eRobustness, CorruptJpeg) {
  Edition e("rb-jpg-bad");
  write_jpeg(e.dir + "/photo.jpg", 600, 400);
  corrupt_middle(e.dir + "/photo.jpg");
  expect_bad_image(e, "photo.jpg", "pdf.image-unreadable");
}

// A header that is not an image at all (a renamed document): refused when the page is composed.
TEST(E2eRobustness, ImageWithUnreadableHeader) {
  Edition e("rb-img-hdr");
  std::string png("\x89PNG\r\n\x1a\n", 8);  // appended to, not `+`: g++ 12 sees a false -Warray-bounds there
  png.append("this is not a PNG stream at all");
  write_file(e.dir + "/photo.png", png);
  expect_bad_image(e, "photo.png", "compose.image-unreadable");
}

// 20,000 pixels wide (a panorama strip): placed without trouble.
TEST(E2eRobustness, TwentyThousandPixelWideImage) {
  Edition e("rb-wide");
  write_png(e.dir + "/strip.png", 20000, 20);
  e.toml = with_image(e.toml, "strip.png");
  auto r = e.build();
  EXPECT_NE(r.exit_code, 4) << r.err;
  EXPECT_TRUE(e.rebuilt("A2.pdf")) << r.err;
  EXPECT_TRUE(e.written("A2"));
}

// 20,000 × 20,000 pixels (400 megapixels, 2.8 GB once decoded and separated): refused before it
// is decoded, with the page, instead of exhausting memory; A1 is still built.
TEST(E2eRobustness, TwentyThousandPixelSquareImageIsRefused) {
  Edition e("rb-huge");
  // A valid PNG header claiming 20000×20000 (the pixel data is never read).
  write_png(e.dir + "/huge.png", 20000, 1);
  std::string b = read_file(e.dir + "/huge.png");
  b[20] = 0, b[21] = 0, b[22] = 0x4E, b[23] = 0x20;  // IHDR height = 20000
  const auto crc = crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(b.data() + 12), 17);  // "IHDR" + data
  for (int k = 0; k < 4; ++k) b[29 + k] = static_cast<char>((crc >> (24 - 8 * k)) & 0xFF);
  write_file(e.dir + "/huge.png", b);
  expect_bad_image(e, "huge.png", "compose.image-too-large");
}

// --- output -------------------------------------------------------------------------------------

// The output directory cannot be created (its parent is a regular file: a check that holds even
// for root, who ignores permissions): exit 4, the path in the message, nothing else touched.
TEST(E2eRobustness, OutputDirectoryNotWritable) {
  Edition e("rb-out");
  write_file(e.dir + "/not-a-dir", "a regular file");
  e.out = e.dir + "/not-a-dir/out";
  auto r = e.build();
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find(e.dir + "/not-a-dir/out: error[io.write-failed]"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(e.dir + "/not-a-dir"), "a regular file");
}
