// Helpers shared by the test files: paths, running the CLI, reading PDFs back with poppler's tools.
#pragma once

#include <string>
#include <vector>

namespace paiban::test {

std::string source_dir();                    // repository root
std::string data_path(const std::string& p);  // tests/data/<p>
std::string corpus_path(const std::string& p);  // samples/corpus/<p>
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
std::string temp_dir(const std::string& tag);  // fresh directory under the build tree's tmp

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs a shell command (sh -c), capturing stdout and stderr.
RunResult run(const std::string& command);
// Runs the built paiban CLI with the given arguments (already shell-quoted by the caller).
RunResult run_paiban(const std::string& args);
std::string shell_quote(const std::string& s);

// Removes all Unicode whitespace (for "text equals, whitespace aside" comparisons).
std::string strip_whitespace(const std::string& utf8);
// An article file's body as pdftotext gives it back: front matter (+++ … +++) and whitespace aside.
std::string article_body(const std::string& path);

// A word as `pdftotext -bbox` (or `-bbox-layout`) reads it back: its box in points from the
// top-left of the page's MediaBox, y down; its text with XML entities resolved; its page (0-based).
struct PdfWord {
  double x_min = 0, y_min = 0, x_max = 0, y_max = 0;
  std::string text;
  int page = 0;
};
std::vector<PdfWord> pdf_words(const std::string& pdf, const std::string& mode = "-bbox");

}  // namespace paiban::test
