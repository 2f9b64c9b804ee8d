#include "fuzz/targets.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "engine/article/article.h"
#include "engine/base/text.h"
#include "engine/descriptor/descriptor.h"
#include "engine/linebreak/linebreak.h"

namespace paiban::fuzz {
namespace {

// One FontSet per process: loading fonts for every input would make fuzzing useless slow.
FontSet& fonts() {
  static std::unique_ptr<FontSet> set = [] {
    Diagnostics d;
    return std::make_unique<FontSet>(FontRoles::load(FontRoles::default_path(), d));
  }();
  return *set;
}

std::u32string decode_lossy(const std::uint8_t* data, std::size_t size) {
  std::u32string out;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (!in.empty()) {
    Utf8Error err;
    if (auto ok = decode_utf8(in, &err)) {
      out += *ok;
      break;
    }
    auto good = decode_utf8(in.substr(0, static_cast<std::size_t>(err.byte_offset)));
    if (good) out += *good;
    out += U'\uFFFD';
    in.remove_prefix(static_cast<std::size_t>(err.byte_offset) + 1);
  }
  return out;
}

}  // namespace

int article(const std::uint8_t* data, std::size_t size) {
  Diagnostics diags;
  Article a = parse_article(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.txt", diags);
  (void)a;
  return 0;
}

int descriptor(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("paiban-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  const std::string path = dir + "/edition.toml";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  Diagnostics diags;
  auto e = load_edition(path, diags);
  (void)e;
  return 0;
}

int linebreak(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int measure_em = 4 + data[0] % 37;
  const KinsokuLevel levels[] = {KinsokuLevel::Gb, KinsokuLevel::Strict, KinsokuLevel::Loose, KinsokuLevel::Basic,
                                 KinsokuLevel::None};
  ParagraphStyle style;
  style.text.size = sp_from_pt(9);
  style.first_indent = (data[1] & 1) ? 2 * style.text.size : 0;
  style.kinsoku = levels[(data[1] >> 1) % 5];
  std::u32string text = decode_lossy(data + 2, size - 2);
  // Paragraph text never holds line separators (the article parser splits on them).
  for (auto& c : text)
    if (c == U'\n' || c == U'\r' || c == 0 || c == 0x2028 || c == 0x2029) c = U' ';
  if (text.size() > 4000) text.resize(4000);
  Diagnostics diags;
  PreparedParagraph p = prepare_paragraph(fonts(), text, style, diags);
  const Sp measure = measure_em * style.text.size;
  LineSet lines = linebreak(p, [measure](int) { return measure; }, diags);
  // Invariants the fuzzer checks, not just "no crash": lines tile the text in order.
  std::uint32_t pos = 0;
  for (const Line& l : lines.lines) {
    if (l.begin < pos || l.end < l.begin) __builtin_trap();
    pos = l.end;
  }
  if (!text.empty() && pos != text.size()) __builtin_trap();
  return 0;
}

}  // namespace paiban::fuzz
