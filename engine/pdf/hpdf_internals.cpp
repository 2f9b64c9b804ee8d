// See hpdf_internals.h for why these accesses exist. Field names are those of libharu 2.3.0's
// hpdf_doc.h (HPDF_Doc_Rec), hpdf_pages.h (HPDF_PageAttr_Rec) and hpdf_objects.h
// (HPDF_Dict_Rec); 2.4.x keeps them unchanged.
#include "engine/pdf/hpdf_internals.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace paiban::pdf::hpdf_internal {

HPDF_MMgr mmgr(HPDF_Doc doc) { return doc->mmgr; }
HPDF_Xref xref(HPDF_Doc doc) { return doc->xref; }
HPDF_Dict catalog(HPDF_Doc doc) { return doc->catalog; }
HPDF_Dict trailer(HPDF_Doc doc) { return doc->trailer; }
HPDF_Dict info(HPDF_Doc doc) { return doc->info; }
void set_pdf_version(HPDF_Doc doc, HPDF_PDFVer version) { doc->pdf_version = version; }

HPDF_Stream page_content_stream(HPDF_Page page) {
  auto* attr = static_cast<HPDF_PageAttr>(page->attr);
  return attr ? attr->stream : nullptr;
}

HPDF_Dict page_content_dict(HPDF_Page page) {
  auto* attr = static_cast<HPDF_PageAttr>(page->attr);
  return attr ? attr->contents : nullptr;
}

HPDF_Stream stream_data(HPDF_Dict stream_dict) { return stream_dict->stream; }

void set_stream_filter(HPDF_Dict stream_dict, HPDF_UINT filter) { stream_dict->filter = filter; }

namespace {
extern "C" HPDF_STATUS write_flate_filter(HPDF_Dict, HPDF_Stream stream) {
  return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}
}  // namespace

void set_prefiltered_flate(HPDF_Dict stream_dict) {
  stream_dict->filter = HPDF_STREAM_FILTER_NONE;
  stream_dict->write_fn = write_flate_filter;  // called after the entries, before ">>"
}

namespace {
extern "C" HPDF_STATUS write_raw_body(HPDF_Dict dict, HPDF_Stream stream) {
  const auto* body = static_cast<const std::string*>(dict->attr);
  return HPDF_Stream_Write(stream, reinterpret_cast<const HPDF_BYTE*>(body->data()),
                           static_cast<HPDF_UINT>(body->size()));
}
extern "C" void free_raw_body(HPDF_Dict dict) {
  delete static_cast<std::string*>(dict->attr);
  dict->attr = nullptr;
}
}  // namespace

namespace {
// A read-only cursor over bytes owned by the caller (HPDF_CallbackReader's data).
struct BorrowedBytes {
  std::string_view bytes;
  std::size_t pos = 0;
};
extern "C" HPDF_STATUS borrowed_read(HPDF_Stream stream, HPDF_BYTE* ptr, HPDF_UINT* size) {
  auto* b = static_cast<BorrowedBytes*>(stream->attr);
  const std::size_t n = std::min<std::size_t>(*size, b->bytes.size() - b->pos);
  std::memcpy(ptr, b->bytes.data() + b->pos, n);
  b->pos += n;
  *size = static_cast<HPDF_UINT>(n);
  return b->pos == b->bytes.size() ? HPDF_STREAM_EOF : HPDF_OK;
}
extern "C" HPDF_STATUS borrowed_seek(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode) {
  auto* b = static_cast<BorrowedBytes*>(stream->attr);
  const long long base = mode == HPDF_SEEK_SET ? 0 : mode == HPDF_SEEK_CUR ? static_cast<long long>(b->pos)
                                                                            : static_cast<long long>(b->bytes.size());
  const long long to = base + pos;
  if (to < 0 || to > static_cast<long long>(b->bytes.size())) return HPDF_STREAM_EOF;
  b->pos = static_cast<std::size_t>(to);
  return HPDF_OK;
}
extern "C" HPDF_INT32 borrowed_tell(HPDF_Stream stream) {
  return static_cast<HPDF_INT32>(static_cast<BorrowedBytes*>(stream->attr)->pos);
}
extern "C" HPDF_UINT32 borrowed_size(HPDF_Stream stream) {
  return static_cast<HPDF_UINT32>(static_cast<BorrowedBytes*>(stream->attr)->bytes.size());
}
extern "C" void borrowed_free(HPDF_Stream stream) {
  delete static_cast<BorrowedBytes*>(stream->attr);
  stream->attr = nullptr;
}
extern "C" HPDF_STATUS append_to_string(HPDF_Stream stream, const HPDF_BYTE* ptr, HPDF_UINT size) {
  static_cast<std::string*>(stream->attr)->append(reinterpret_cast<const char*>(ptr), size);
  return HPDF_OK;
}
}  // namespace

bool borrow_stream_data(HPDF_Doc doc, HPDF_Dict stream_dict, std::string_view bytes) {
  // Stream sizes and offsets are 32-bit in libharu.
  if (!stream_dict || bytes.size() >= 0x7FFFFFFFu) return false;
  auto* cursor = new BorrowedBytes{bytes};
  HPDF_Stream s = HPDF_CallbackReader_New(doc->mmgr, borrowed_read, borrowed_seek, borrowed_tell, borrowed_size, cursor);
  if (!s) {
    delete cursor;
    return false;
  }
  s->free_fn = borrowed_free;  // HPDF_Stream_Free calls it when the dictionary is freed
  HPDF_Stream_Free(stream_dict->stream);
  stream_dict->stream = s;
  return true;
}

bool save_into(HPDF_Doc doc, std::string& out) {
  // HPDF_SaveToStream writes into doc->stream, creating a memory stream only when there is none
  // (and clearing it only when it is one): a callback writer there receives the file directly.
  HPDF_Stream s = HPDF_CallbackWriter_New(doc->mmgr, append_to_string, &out);
  if (!s) return false;
  HPDF_Stream_Free(doc->stream);
  doc->stream = s;
  const HPDF_STATUS st = HPDF_SaveToStream(doc);
  // The writer points at `out`, which the caller owns: detach it now.
  HPDF_Stream_Free(doc->stream);
  doc->stream = nullptr;
  return st == HPDF_OK;
}

HPDF_Dict raw_dict(HPDF_MMgr mmgr, std::string body) {
  HPDF_Dict d = HPDF_Dict_New(mmgr);
  if (!d) return nullptr;
  d->attr = new std::string(std::move(body));
  d->write_fn = write_raw_body;  // called between the (absent) entries and ">>"
  d->free_fn = free_raw_body;    // called by HPDF_Dict_Free
  return d;
}

}  // namespace paiban::pdf::hpdf_internal
