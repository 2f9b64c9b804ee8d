#include "engine/pdf/document.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include "engine/base/text.h"
#include "engine/pdf/hpdf_internals.h"

namespace paiban::pdf {

namespace hi = hpdf_internal;

Document::Document(bool compress) : compress_(compress) {
  doc_ = HPDF_New(&Document::on_error, this);
  if (!doc_) {
    error_ = HPDF_FAILD_TO_ALLOC_MEM;
    return;
  }
  // Content streams (and libharu's own streams) are Flate-compressed; our font, CMap and ICC
  // streams set their filter themselves (see stream()).
  HPDF_SetCompressionMode(doc_, compress ? HPDF_COMP_ALL : HPDF_COMP_NONE);
}

Document::~Document() {
  if (doc_) HPDF_Free(doc_);
}

void Document::on_error(HPDF_STATUS error, HPDF_STATUS detail, void* self) {
  auto* d = static_cast<Document*>(self);
  if (d->error_ == 0) {
    d->error_ = error;
    d->detail_ = detail;
  }
}

std::string Document::error_text() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "libharu error 0x%04X (detail %u)", static_cast<unsigned>(error_),
                static_cast<unsigned>(detail_));
  return buf;
}

HPDF_Dict Document::dict() { return HPDF_Dict_New(hi::mmgr(doc_)); }

HPDF_Dict Document::indirect_dict() {
  HPDF_Dict d = HPDF_Dict_New(hi::mmgr(doc_));
  if (d && HPDF_Xref_Add(hi::xref(doc_), d) != HPDF_OK) return nullptr;  // xref frees it
  return d;
}

HPDF_Dict Document::stream(bool flate) {
  HPDF_Dict d = HPDF_DictStream_New(hi::mmgr(doc_), hi::xref(doc_));
  if (d && flate && compress_) hi::set_stream_filter(d, HPDF_STREAM_FILTER_FLATE_DECODE);
  return d;
}

HPDF_Dict Document::dct_stream() {
  HPDF_Dict d = HPDF_DictStream_New(hi::mmgr(doc_), hi::xref(doc_));
  if (d) hi::set_stream_filter(d, HPDF_STREAM_FILTER_DCT_DECODE);
  return d;
}

void Document::write(HPDF_Dict stream, std::string_view bytes) {
  if (!stream) return;
  HPDF_Stream s = hi::stream_data(stream);
  reserve_ += bytes.size();
  // HPDF_Stream_Write takes 32-bit sizes: write in chunks.
  std::size_t off = 0;
  while (off < bytes.size()) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - off, 1u << 30);
    if (HPDF_Stream_Write(s, reinterpret_cast<const HPDF_BYTE*>(bytes.data() + off), static_cast<HPDF_UINT>(n)) !=
        HPDF_OK)
      return;
    off += n;
  }
}

HPDF_Dict Document::prefiltered_stream(std::string_view bytes, std::string_view deflated) {
  HPDF_Dict d = HPDF_DictStream_New(hi::mmgr(doc_), hi::xref(doc_));
  if (!d) return d;
  if (!compress_ || deflated.empty()) {  // empty: compression failed, let libharu deflate
    if (compress_) hi::set_stream_filter(d, HPDF_STREAM_FILTER_FLATE_DECODE);
    if (hi::borrow_stream_data(doc_, d, bytes)) {
      borrowed_.push_back(bytes);
      reserve_ += bytes.size();
    } else {
      write(d, bytes);
    }
    return d;
  }
  hi::set_prefiltered_flate(d);
  if (hi::borrow_stream_data(doc_, d, deflated)) {
    borrowed_.push_back(deflated);
    reserve_ += deflated.size();
  } else {
    write(d, deflated);
  }
  return d;
}

HPDF_Dict Document::fast_stream(std::string_view bytes) {
  const std::string deflated = compress_ && !bytes.empty() ? flate_compress_fast(bytes) : std::string();
  if (deflated.empty()) {  // not compressing, or zlib failed: libharu's way
    HPDF_Dict d = stream();
    write(d, bytes);
    return d;
  }
  HPDF_Dict d = stream(/*flate=*/false);
  if (!d) return d;
  hi::set_prefiltered_flate(d);
  write(d, deflated);
  return d;
}

namespace {

struct CompressorDel {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};
using Compressor = std::unique_ptr<libdeflate_compressor, CompressorDel>;

// ICC profiles (and callers that are not waiting): libdeflate level 6 makes the edition's 1.28 MB
// Noto CJK program 1,011,059 bytes in 24 ms, where zlib level 6 made 1,013,965 in 58 ms (one
// core, bench plate; docs/performance.md). Higher levels save < 0.2 % for up to 1.4x the time.
constexpr int kFlateLevel = 6;
// Page content, ToUnicode, CIDToGIDMap, font programs: level 1, 0.32 ms for a bench page's 57 KB
// content (15.8 KB out; level 6: 1.1 ms, 13.5 KB); 12 ms for the font program above (1,030,798
// bytes). A plate is ~90 % font program: +1.7 % bytes for half the time the writers wait.
constexpr int kFlateFastLevel = 1;

// One zlib-format (RFC 1950) stream; libdeflate compresses the whole buffer at once, so the bytes
// depend only on the input and the level, on every machine.
std::string flate_compress_at(std::string_view bytes, int level) {
  Compressor c(libdeflate_alloc_compressor(level));
  if (!c) return {};
  std::string out(libdeflate_zlib_compress_bound(c.get(), bytes.size()), '\0');
  const std::size_t n = libdeflate_zlib_compress(c.get(), bytes.data(), bytes.size(), out.data(), out.size());
  if (n == 0) return {};  // cannot happen with the bound above; treated as "could not compress"
  out.resize(n);
  return out;
}

}  // namespace

std::string flate_compress(std::string_view bytes) { return flate_compress_at(bytes, kFlateLevel); }
std::string flate_compress_fast(std::string_view bytes) { return flate_compress_at(bytes, kFlateFastLevel); }

HPDF_Array Document::array() { return HPDF_Array_New(hi::mmgr(doc_)); }

HPDF_Array Document::reals(std::initializer_list<double> values) {
  HPDF_Array a = array();
  for (double v : values) push_real(a, v);
  return a;
}

HPDF_Array Document::numbers(std::initializer_list<std::int32_t> values) {
  HPDF_Array a = array();
  for (auto v : values) push_int(a, v);
  return a;
}

HPDF_Array Document::names(std::initializer_list<const char*> values) {
  HPDF_Array a = array();
  for (auto v : values) push_name(a, v);
  return a;
}

HPDF_Binary Document::bytes(std::string_view data) {
  std::vector<HPDF_BYTE> buf(data.begin(), data.end());
  return HPDF_Binary_New(hi::mmgr(doc_), buf.data(), static_cast<HPDF_UINT>(buf.size()));
}

HPDF_String Document::ascii(std::string_view text) {
  return HPDF_String_New(hi::mmgr(doc_), std::string(text).c_str(), nullptr);
}

HPDF_Name Document::name(const char* value) { return HPDF_Name_New(hi::mmgr(doc_), value); }

void* Document::text(std::string_view utf8) {
  bool plain = true;
  for (unsigned char c : utf8)
    if (c < 0x20 || c > 0x7E) plain = false;
  if (plain) return ascii(utf8);
  std::string be = "\xFE\xFF";
  const auto u = decode_utf8(utf8);
  for (char32_t c : u ? *u : std::u32string(U"?")) {
    auto unit = [&](std::uint32_t v) {
      be += static_cast<char>(v >> 8);
      be += static_cast<char>(v & 0xFF);
    };
    if (c >= 0x10000) {
      unit(0xD800 + ((c - 0x10000) >> 10));
      unit(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      unit(c);
    }
  }
  return bytes(be);
}

void Document::add(HPDF_Dict d, const char* key, void* obj) {
  if (d) HPDF_Dict_Add(d, key, obj);
}
void Document::add_name(HPDF_Dict d, const char* key, const char* value) {
  if (d) HPDF_Dict_AddName(d, key, value);
}
void Document::add_int(HPDF_Dict d, const char* key, std::int32_t value) {
  if (d) HPDF_Dict_AddNumber(d, key, value);
}
void Document::add_real(HPDF_Dict d, const char* key, double value) {
  if (d) HPDF_Dict_AddReal(d, key, static_cast<HPDF_REAL>(value));
}
void Document::add_bool(HPDF_Dict d, const char* key, bool value) {
  if (d) HPDF_Dict_AddBoolean(d, key, value ? HPDF_TRUE : HPDF_FALSE);
}
void Document::push(HPDF_Array a, void* obj) {
  if (a) HPDF_Array_Add(a, obj);
}
void Document::push_int(HPDF_Array a, std::int32_t value) {
  if (a) HPDF_Array_AddNumber(a, value);
}
void Document::push_real(HPDF_Array a, double value) {
  if (a) HPDF_Array_AddReal(a, static_cast<HPDF_REAL>(value));
}
void Document::push_name(HPDF_Array a, const char* value) {
  if (a) HPDF_Array_AddName(a, value);
}

bool Document::save(std::string& out) {
  if (!ok()) return false;
  out.clear();
  out.reserve(reserve_);
  if (!hi::save_into(doc_, out) || !ok()) return false;
  return !out.empty();
}

}  // namespace paiban::pdf
