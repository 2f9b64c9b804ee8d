#include "support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
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

}  // namespace paiban::test

// LeakSanitizer: fontconfig keeps its configuration in process-global state until exit.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
