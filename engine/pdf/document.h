// RAII owner of an HPDF_Doc and small helpers over libharu's object API (dicts, arrays, streams,
// strings). Only engine/pdf includes this; only hpdf_internals.cpp touches libharu's structs.
#pragma once

#include <hpdf.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace paiban::pdf {

// zlib-format (RFC 1950) compression of `bytes`, the /FlateDecode encoding (libdeflate level 6:
// the output profile, made once per build off the critical path). Empty on failure.
std::string flate_compress(std::string_view bytes);
// The same at level 1, for what a page writer waits for: page content and small per-page
// streams, and the edition's font programs (a plate's bytes are ~90 % font program; level 1
// makes it ~2 % bigger in half the time).
std::string flate_compress_fast(std::string_view bytes);

class Document {
 public:
  explicit Document(bool compress);
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  HPDF_Doc get() const { return doc_; }
  // libharu reports errors through a callback; the first one is kept here and the write fails.
  bool ok() const { return doc_ != nullptr && error_ == 0; }
  std::string error_text() const;
  bool compress() const { return compress_; }

  // New objects. Direct objects become part of the container they are added to; indirect ones
  // are registered in the xref (numbered in creation order, so output is deterministic).
  HPDF_Dict dict();
  HPDF_Dict indirect_dict();
  // An indirect stream dictionary; `flate` adds /FlateDecode when the document compresses.
  HPDF_Dict stream(bool flate = true);
  // An indirect stream whose data is already a JPEG (/DCTDecode, passed through).
  HPDF_Dict dct_stream();
  void write(HPDF_Dict stream, std::string_view bytes);
  // An indirect stream holding `bytes`: when the document compresses, `deflated` (the same bytes
  // already Flate-compressed by flate_compress, e.g. once per edition) is written as is with
  // /Filter /FlateDecode; otherwise `bytes` uncompressed. Both are borrowed, not copied: they
  // must outlive save().
  HPDF_Dict prefiltered_stream(std::string_view bytes, std::string_view deflated);
  // An indirect stream holding a copy of `bytes`, Flate-compressed by flate_compress_fast when
  // the document compresses (libharu's own deflate is zlib's level 6: the per-page ToUnicode
  // and CIDToGIDMap streams are a few KB of a 1 MB plate, not worth 5× the time).
  HPDF_Dict fast_stream(std::string_view bytes);
  HPDF_Array array();
  HPDF_Array reals(std::initializer_list<double> values);
  HPDF_Array numbers(std::initializer_list<std::int32_t> values);
  HPDF_Array names(std::initializer_list<const char*> values);
  HPDF_Binary bytes(std::string_view data);       // hex string <…>
  HPDF_String ascii(std::string_view text);        // literal string (…), ASCII only
  HPDF_Name name(const char* value);
  // A PDF text string (PDF 32000-1 §7.9.2.2): literal when ASCII, else UTF-16BE with BOM.
  void* text(std::string_view utf8);

  void add(HPDF_Dict d, const char* key, void* obj);
  void add_name(HPDF_Dict d, const char* key, const char* value);
  void add_int(HPDF_Dict d, const char* key, std::int32_t value);
  void add_real(HPDF_Dict d, const char* key, double value);
  void add_bool(HPDF_Dict d, const char* key, bool value);
  void push(HPDF_Array a, void* obj);
  void push_int(HPDF_Array a, std::int32_t value);
  void push_real(HPDF_Array a, double value);
  void push_name(HPDF_Array a, const char* value);

  // Serialises the document into `out` (libharu writes into it directly).
  bool save(std::string& out);
  // The stream data prefiltered_stream borrowed, in creation order.
  const std::vector<std::string_view>& borrowed() const { return borrowed_; }

 private:
  static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void* self);
  HPDF_Doc doc_ = nullptr;
  bool compress_;
  HPDF_STATUS error_ = 0;
  // Bytes save() reserves: every stream's data (borrowed or written; raw size if libharu is to
  // deflate it) plus room for the dictionaries and the xref (a bench plate's are ≈ 20 KB). Too
  // small, the file's buffer is regrown and copied while saving: 2 MB of fresh memory per plate.
  std::size_t reserve_ = 1 << 16;
  std::vector<std::string_view> borrowed_;
  HPDF_STATUS detail_ = 0;
};

}  // namespace paiban::pdf
