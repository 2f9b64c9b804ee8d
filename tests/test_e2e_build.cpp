// End to end: `paiban build` as the nightly run meets it (issue 4 CLI, issue 8 robustness):
// a malformed descriptor writes nothing and replaces nothing; a failing disk keeps last night's
// plates; a run killed mid-way leaves every plate either complete-old or complete-new; the report
// says what was written; re-runs are byte-identical.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "support/test_support.h"

using namespace paiban::test;
namespace fs = std::filesystem;

namespace {

std::string demo() { return source_dir() + "/samples/broadsheet-demo/edition.toml"; }

RunResult build(const std::string& edition, const std::string& out, const std::string& extra = "") {
  return run_paiban("build " + shell_quote(edition) + " -o " + shell_quote(out) + " -q " + extra);
}

std::map<std::string, std::string> plates(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".pdf" && e.path().filename().string()[0] != '.')
      out[e.path().filename().string()] = read_file(e.path().string());
  return out;
}

}  // namespace

// The demo edition builds: one plate per page, each a clean PDF that passes preflight without
// a finding (--strict: any finding exits 3); report.json lists them.
TEST(E2eBuild, DemoEditionBuildsPlatesAndReport) {
  const std::string out = temp_dir("build");
  auto r = build(demo(), out, "--allow-overset --strict");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto files = plates(out);
  ASSERT_EQ(files.size(), 4u) << r.err;
  for (const auto& [name, bytes] : files) {
    auto check = run("qpdf --check " + shell_quote(out + "/" + name));
    EXPECT_EQ(check.exit_code, 0) << name << check.out;
  }
  const auto report = nlohmann::json::parse(read_file(out + "/report.json"));
  ASSERT_EQ(report["pages"].size(), 4u);
  for (const auto& p : report["pages"]) EXPECT_TRUE(p["written"].get<bool>()) << p["label"];
  EXPECT_FALSE(report["stories"].empty());
  // The lead story jumps from A1 to A2 and the jump lines are on the plates.
  const std::string a1 = strip_whitespace(run("pdftotext -enc UTF-8 " + shell_quote(out + "/A1.pdf") + " -").out);
  const std::string a2 = strip_whitespace(run("pdftotext -enc UTF-8 " + shell_quote(out + "/A2.pdf") + " -").out);
  EXPECT_NE(a1.find("下转A2版"), std::string::npos);
  EXPECT_NE(a2.find("上接A1版"), std::string::npos);
}

// Same input, same bytes (SOURCE_DATE_EPOCH is fixed by CTest).
TEST(E2eBuild, ReRunsAreByteIdentical) {
  const std::string a = temp_dir("ident"), b = temp_dir("ident");
  build(demo(), a, "--allow-overset");
  build(demo(), b, "--allow-overset");
  const auto pa = plates(a), pb = plates(b);
  EXPECT_EQ(pa.size(), 4u);
  EXPECT_TRUE(pa == pb) << "plates differ between two runs with the same input";
}

// A malformed descriptor: file:line:column on stderr, exit 1, and last night's plates untouched.
TEST(E2eBuild, MalformedDescriptorWritesNothing) {
  const std::string out = temp_dir("bad");
  write_file(out + "/A1.pdf", "last night's plate");
  auto r = build(data_path("descriptor/bad-unit.toml"), out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad-unit.toml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("descriptor.bad-unit"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(out + "/A1.pdf"), "last night's plate");
  EXPECT_FALSE(fs::exists(out + "/report.json"));
}

// A disk that fills up (a file-size limit, so writes fail with EFBIG): exit 4, the diagnostic
// names the file, and every previous plate is still the complete old one.
TEST(E2eBuild, FullDiskKeepsPreviousPlates) {
  const std::string out = temp_dir("full");
  ASSERT_NE(build(demo(), out, "--allow-overset").exit_code, 4);
  const auto before = plates(out);
  ASSERT_EQ(before.size(), 4u);
  // 64 blocks of 512 bytes: smaller than any plate; SIGXFSZ ignored so write() fails instead.
  auto r = run("trap '' XFSZ; ulimit -f 64; FONTCONFIG_FILE=" + shell_quote(PAIBAN_TEST_FONTS_CONF) +
               " SOURCE_DATE_EPOCH=1 " + shell_quote(PAIBAN_CLI) + " build " + shell_quote(demo()) + " -o " +
               shell_quote(out) + " -q --allow-overset");
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("write-failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_TRUE(plates(out) == before) << "a previous plate was replaced or damaged";
}

// SIGKILL after the first plate is written: every plate in the directory is either the complete
// old version or the complete new one, never a torn file.
TEST(E2eBuild, KilledRunLeavesCompleteOldOrNewPlates) {
  const std::string edition = source_dir() + "/samples/bench-16p/edition.toml";
  const std::string out = temp_dir("kill"), ref = temp_dir("kill-ref");
  // Old plates (epoch 1) and the reference new plates (epoch 2): they differ in every file.
  auto env = [&](int epoch, bool exec = false) {
    return "FONTCONFIG_FILE=" + shell_quote(PAIBAN_TEST_FONTS_CONF) + " SOURCE_DATE_EPOCH=" + std::to_string(epoch) +
           (exec ? " exec " : " ") + shell_quote(PAIBAN_CLI) + " build " + shell_quote(edition) +
           " -q --allow-overset --no-preflight -j 1 -o ";
  };
  ASSERT_EQ(run(env(1) + shell_quote(out)).exit_code, 0);
  ASSERT_EQ(run(env(2) + shell_quote(ref)).exit_code, 0);
  const auto old_plates = plates(out), new_plates = plates(ref);
  ASSERT_EQ(old_plates.size(), 16u);
  ASSERT_NE(old_plates.begin()->second, new_plates.begin()->second);

  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", (env(2, true) + shell_quote(out)).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the first new plate has replaced an old one, then kill without warning.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool saw_new = false;
  while (!saw_new && std::chrono::steady_clock::now() < deadline) {
    for (const auto& [name, bytes] : new_plates) {
      std::error_code ec;
      if (fs::file_size(out + "/" + name, ec) == bytes.size() && read_file(out + "/" + name) == bytes) saw_new = true;
    }
    if (!saw_new) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(saw_new) << "no plate was replaced within 60 s";
  int old_count = 0, new_count = 0;
  for (const auto& [name, bytes] : plates(out)) {
    if (bytes == old_plates.at(name)) ++old_count;
    else if (bytes == new_plates.at(name)) ++new_count;
    else ADD_FAILURE() << name << " is neither the old nor the new plate";
  }
  EXPECT_EQ(old_count + new_count, 16);
  EXPECT_GE(new_count, 1);
}

namespace {

// The demo edition with print marks, from a copy whose paths are absolute and whose paper name
// is `paper` (the slug prints it; an unusual character there is a glyph only the marks set).
std::string marked_demo(const std::string& paper) {
  std::string toml = read_file(demo());
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (std::size_t at = 0; (at = toml.find(from, at)) != std::string::npos; at += to.size()) toml.replace(at, from.size(), to);
  };
  // Strings appended to, not joined with `+`: g++ 12 warns falsely (-Wstringop-overflow) there.
  auto quoted = [](const std::string& a, const char* b) {
    std::string s = "\"";
    s.append(a).append(b);
    return s;
  };
  const std::string sample = source_dir() + "/samples/broadsheet-demo/";
  replace_all("\"../../layouts/", quoted(source_dir(), "/layouts/"));
  replace_all("\"articles/", quoted(sample, "articles/"));
  replace_all("\"images/", quoted(sample, "images/"));
  replace_all("marks = false", "marks = true");
  replace_all("paper = \"山西科技报\"", "paper = " + quoted(paper, "\""));
  const std::string dir = temp_dir("marked-demo");
  write_file(dir + "/edition.toml", toml);
  return dir + "/edition.toml";
}

// The embedded fonts of a plate, by name with the subset tag ("ABCDEF+NotoSerifCJKsc-Regular").
std::set<std::string> embedded_fonts(const std::string& pdf) {
  std::set<std::string> names;
  std::istringstream lines(run("pdffonts " + shell_quote(pdf)).out);
  std::string line;
  for (int n = 0; std::getline(lines, line); ++n)
    if (n >= 2 && !line.empty()) names.insert(line.substr(0, line.find(' ')));
  return names;
}

}  // namespace

// The edition's font subsets are made while the stories are flowed, from the glyphs shaped before
// (build.cpp). Whether that early set holds (the usual case) or print marks set a glyph nobody
// shaped before (here 鼹, only in the slug's paper name: the subsets are made again), every plate
// embeds the same subsets, and they hold every glyph the plates show.
TEST(E2eBuild, EveryPlateEmbedsTheEditionSubsetsMadeEarlyOrAgain) {
  for (const auto& [paper, early] : {std::pair{std::string("山西科技报"), true}, std::pair{std::string("山西科技报鼹"), false}}) {
    const std::string out = temp_dir("subsets");
    auto r = build(marked_demo(paper), out, "--allow-overset");
    ASSERT_NE(r.exit_code, 4) << r.err;
    const auto report = nlohmann::json::parse(read_file(out + "/report.json"));
    EXPECT_EQ(report["timing"]["font_subsets_early"].get<bool>(), early) << paper;
    // The timeline: text shaped, then subsets ready (early: while composing or drafting; made
    // again: after composition), both within the run; pages drafted ahead are some of the four.
    const auto& timing = report["timing"];
    EXPECT_GT(timing["text_shaped_at_ms"].get<double>(), 0.0) << paper;
    EXPECT_GT(timing["font_subsets_ready_at_ms"].get<double>(), timing["text_shaped_at_ms"].get<double>()) << paper;
    EXPECT_LE(timing["font_subsets_ready_at_ms"].get<double>(), timing["total_ms"].get<double>()) << paper;
    EXPECT_LE(timing["pdf_drafted_ahead"].get<int>(), 4) << paper;
    if (!early) {
      EXPECT_EQ(timing["pdf_drafted_ahead"].get<int>(), 0) << "made again: nothing to draft ahead of";
    }
    const auto files = plates(out);
    ASSERT_EQ(files.size(), 4u);
    const std::set<std::string> first = embedded_fonts(out + "/" + files.begin()->first);
    EXPECT_GE(first.size(), 2u);
    for (const auto& [name, bytes] : files) {
      EXPECT_EQ(embedded_fonts(out + "/" + name), first) << name << " embeds other subsets (" << paper << ")";
      EXPECT_NE(strip_whitespace(run("pdftotext -enc UTF-8 " + shell_quote(out + "/" + name) + " -").out).find(paper),
                std::string::npos)
          << name << ": the slug's paper name is not on the plate";
    }
  }
}
