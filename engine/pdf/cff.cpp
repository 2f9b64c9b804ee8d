#include "engine/pdf/cff.h"

namespace paiban::pdf {
namespace {

struct Reader {
  std::string_view d;
  bool ok = true;
  std::uint32_t u(std::size_t off, int n) {
    if (off + static_cast<std::size_t>(n) > d.size()) {
      ok = false;
      return 0;
    }
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<std::uint8_t>(d[off + static_cast<std::size_t>(i)]);
    return v;
  }
};

struct Index {
  std::uint32_t count = 0;
  std::vector<std::uint32_t> offsets;  // absolute start of each item, plus the end
  std::size_t end = 0;                 // first byte after the INDEX
};

std::optional<Index> read_index(Reader& r, std::size_t at) {
  Index ix;
  ix.count = r.u(at, 2);
  if (!r.ok) return std::nullopt;
  if (ix.count == 0) {
    ix.end = at + 2;
    return ix;
  }
  const int off_size = static_cast<int>(r.u(at + 2, 1));
  if (!r.ok || off_size < 1 || off_size > 4) return std::nullopt;
  const std::size_t base = at + 3 + static_cast<std::size_t>(ix.count + 1) * off_size - 1;  // offsets are 1-based
  ix.offsets.reserve(ix.count + 1);
  for (std::uint32_t i = 0; i <= ix.count; ++i) {
    const std::uint32_t o = r.u(at + 3 + static_cast<std::size_t>(i) * off_size, off_size);
    ix.offsets.push_back(static_cast<std::uint32_t>(base + o));
  }
  if (!r.ok) return std::nullopt;
  ix.end = ix.offsets.back();
  if (ix.end > r.d.size()) return std::nullopt;
  return ix;
}

// Top DICT operands we need are integers; reals are skipped.
struct TopDict {
  bool ros = false;
  std::int64_t charset = 0;
  std::int64_t charstrings = -1;
};

std::optional<TopDict> parse_top_dict(std::string_view d) {
  TopDict t;
  std::vector<std::int64_t> ops;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) -> int { return k < d.size() ? static_cast<std::uint8_t>(d[k]) : -1; };
  while (i < d.size()) {
    const int b0 = byte(i);
    if (b0 <= 21) {  // operator
      int op = b0;
      ++i;
      if (b0 == 12) {
        op = 1200 + byte(i);
        ++i;
      }
      if (op == 1230) t.ros = true;
      if (op == 15 && !ops.empty()) t.charset = ops.back();
      if (op == 17 && !ops.empty()) t.charstrings = ops.back();
      ops.clear();
    } else if (b0 == 28) {
      if (i + 2 >= d.size()) return std::nullopt;
      ops.push_back(static_cast<std::int16_t>((byte(i + 1) << 8) | byte(i + 2)));
      i += 3;
    } else if (b0 == 29) {
      if (i + 4 >= d.size()) return std::nullopt;
      ops.push_back(static_cast<std::int32_t>((std::uint32_t(byte(i + 1)) << 24) | (byte(i + 2) << 16) |
                                              (byte(i + 3) << 8) | byte(i + 4)));
      i += 5;
    } else if (b0 == 30) {  // real: nibbles until 0xf
      ++i;
      while (i < d.size()) {
        const int b = byte(i++);
        if ((b & 0x0F) == 0x0F || (b >> 4) == 0x0F) break;
      }
      ops.push_back(0);
    } else if (b0 >= 32 && b0 <= 246) {
      ops.push_back(b0 - 139);
      i += 1;
    } else if (b0 >= 247 && b0 <= 250) {
      ops.push_back((b0 - 247) * 256 + byte(i + 1) + 108);
      i += 2;
    } else if (b0 >= 251 && b0 <= 254) {
      ops.push_back(-(b0 - 251) * 256 - byte(i + 1) - 108);
      i += 2;
    } else {
      return std::nullopt;  // reserved
    }
  }
  return t;
}

}  // namespace

std::optional<CffInfo> parse_cff(std::string_view data, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<CffInfo> {
    if (error) *error = why;
    return std::nullopt;
  };
  Reader r{data};
  const std::uint32_t major = r.u(0, 1);
  const std::uint32_t hdr_size = r.u(2, 1);
  if (!r.ok || major != 1) return fail("not a CFF version 1 table");
  auto names = read_index(r, hdr_size);
  if (!names) return fail("bad Name INDEX");
  auto top = read_index(r, names->end);
  if (!top || top->count < 1) return fail("bad Top DICT INDEX");
  auto dict = parse_top_dict(data.substr(top->offsets[0], top->offsets[1] - top->offsets[0]));
  if (!dict || dict->charstrings < 0) return fail("bad Top DICT");
  auto cs = read_index(r, static_cast<std::size_t>(dict->charstrings));
  if (!cs) return fail("bad CharStrings INDEX");

  CffInfo info;
  info.cid_keyed = dict->ros;
  info.glyph_count = cs->count;
  if (dict->charset <= 2) {
    if (info.cid_keyed) return fail("CID-keyed font with a predefined charset");
    return info;  // ISOAdobe/Expert: names only, not needed
  }
  std::size_t at = static_cast<std::size_t>(dict->charset);
  const std::uint32_t format = r.u(at++, 1);
  info.charset.reserve(info.glyph_count);
  info.charset.push_back(0);  // .notdef is not stored
  if (format == 0) {
    for (std::uint32_t g = 1; g < info.glyph_count; ++g, at += 2)
      info.charset.push_back(static_cast<std::uint16_t>(r.u(at, 2)));
  } else if (format == 1 || format == 2) {
    const int nleft_size = format == 1 ? 1 : 2;
    while (info.charset.size() < info.glyph_count && r.ok) {
      const std::uint32_t first = r.u(at, 2);
      const std::uint32_t left = r.u(at + 2, nleft_size);
      at += 2 + static_cast<std::size_t>(nleft_size);
      for (std::uint32_t k = 0; k <= left && info.charset.size() < info.glyph_count; ++k)
        info.charset.push_back(static_cast<std::uint16_t>(first + k));
    }
  } else {
    return fail("unknown charset format");
  }
  if (!r.ok) return fail("truncated charset");
  return info;
}

}  // namespace paiban::pdf
