#include "support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <cstdlib>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/base/text.h"

namespace paiban::test {
namespace {
// Every test process runs with the pinned fonts and a fixed clock (reproducible PDFs), whether
// CTest or a developer starts it. Set before main(), before any FontSet exists.
[[maybe_unused]] const bool g_environment = [] {
  ::setenv("FONTCONFIG_FILE", PAIBAN_TEST_FONTS_CONF, 1);
  ::setenv("SOURCE_DATE_EPOCH", "1718323200", 0);
  return true;
}();
}  // namespace

std::string source_dir() { return PAIBAN_SOURCE_DIR; }
std::string data_path(const std::string& p) { return std::string(PAIBAN_TEST_DATA) + "/" + p; }
std::string corpus_path(const std::string& p) { return source_dir() + "/samples/corpus/" + p; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string temp_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() /
             ("paiban-test-" + std::to_string(::getpid()) + "-" + tag + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

RunResult run(const std::string& command) {
  RunResult r;
  const std::string errdir = temp_dir("stderr");
  const std::string errfile = errdir + "/err";
  const std::string full = "(" + command + ") 2>" + shell_quote(errfile);
  FILE* p = ::popen(full.c_str(), "r");
  if (!p) return r;
  std::array<char, 65536> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  try { r.err = read_file(errfile); } catch (...) {}
  std::error_code ec;
  std::filesystem::remove_all(errdir, ec);
  return r;
}

RunResult run_paiban(const std::string& args) {
  return run("FONTCONFIG_FILE=" + shell_quote(PAIBAN_TEST_FONTS_CONF) + " " + shell_quote(PAIBAN_CLI) + " " + args);
}

std::string strip_whitespace(const std::string& utf8) {
  auto u = decode_utf8(utf8);
  if (!u) return utf8;
  std::u32string out;
  for (char32_t c : *u) {
    if (c == U' ' || c == U'\n' || c == U'\r' || c == U'\t' || c == U'\f' || c == U'\v' || c == 0x3000 ||
        c == 0x00A0 || c == 0x2002 || c == 0x2003 || c == 0x2009 || c == 0x200B)
      continue;
    out += c;
  }
  return encode_utf8(out);
}

std::string article_body(const std::string& path) {
  std::string text = read_file(path);
  const auto open = text.find("+++");
  const auto close = text.find("+++", open + 3);
  if (open == 0 && close != std::string::npos) text = text.substr(close + 3);
  return strip_whitespace(text);
}

std::vector<PdfWord> pdf_words(const std::string& pdf, const std::string& mode) {
  const RunResult r = run("pdftotext -enc UTF-8 " + mode + " " + shell_quote(pdf) + " -");
  if (r.exit_code != 0) throw std::runtime_error("pdftotext " + mode + " " + pdf + ": " + r.err);
  const std::string& s = r.out;
  // <word xMin="…" yMin="…" xMax="…" yMax="…">text</word>, as poppler writes it. Scanned, not
  // matched with std::regex: that took 17 s for a 16-page galley under ASan.
  auto unescape = [](std::string t) {
    const std::pair<const char*, const char*> ents[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
    for (auto [from, to] : ents)
      for (std::size_t p = 0; (p = t.find(from, p)) != std::string::npos; p += std::strlen(to))
        t.replace(p, std::strlen(from), to);
    return t;
  };
  std::vector<PdfWord> out;
  int page = -1;
  std::size_t next_page = s.find("<page ");
  for (std::size_t w = s.find("<word "); w != std::string::npos; w = s.find("<word ", w + 1)) {
    for (; next_page < w; next_page = s.find("<page ", next_page + 1)) ++page;
    const std::size_t open_end = s.find('>', w), close = s.find("</word>", w);
    if (open_end == std::string::npos || close == std::string::npos || close < open_end)
      throw std::runtime_error("pdftotext: unterminated <word> at byte " + std::to_string(w));
    auto attr = [&](const char* name) {
      const std::size_t at = s.find(name, w);
      if (at > open_end) throw std::runtime_error(std::string("pdftotext: <word> without ") + name);
      return std::strtod(s.c_str() + at + std::strlen(name), nullptr);
    };
    out.push_back({attr("xMin=\""), attr("yMin=\""), attr("xMax=\""), attr("yMax=\""),
                   unescape(s.substr(open_end + 1, close - open_end - 1)), page});
  }
  return out;
}

}  // namespace paiban::test

// LeakSanitizer: fontconfig keeps its configuration in process-global state until exit.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
