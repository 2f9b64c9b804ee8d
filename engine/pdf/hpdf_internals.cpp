// See hpdf_internals.h for why these accesses exist. Field names are those of libharu 2.3.0's
// hpdf_doc.h (HPDF_Doc_Rec), hpdf_pages.h (HPDF_PageAttr_Rec) and hpdf_objects.h
// (HPDF_Dict_Rec); 2.4.x keeps them unchanged.
#include "engine/pdf/hpdf_internals.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>

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

HPDF_Dict raw_dict(HPDF_MMgr mmgr, std::string body) {
  HPDF_Dict d = HPDF_Dict_New(mmgr);
  if (!d) return nullptr;
  d->attr = new std::string(std::move(body));
  d->write_fn = write_raw_body;  // called between the (absent) entries and ">>"
  d->free_fn = free_raw_body;    // called by HPDF_Dict_Free
  return d;
}

}  // namespace paiban::pdf::hpdf_internal
