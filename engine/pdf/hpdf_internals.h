// The only door into libharu's private structs. libharu 2.3's public API covers pages, the page
// tree, xref, compression and saving, but several things a prepress writer must control are kept
// only in struct fields with no accessor:
//   - the document's memory manager and xref (to create our own objects: CID fonts, ICC streams),
//   - the catalog (/OutputIntents, /Metadata), the trailer (/ID) and the Info dict (custom keys
//     such as /GTS_PDFXVersion and /Trapped as a name),
//   - the header version (PDF 1.4 for PDF/X-1a:2003, 1.6 for PDF/X-4),
//   - a page's content stream (libharu's text API cannot show CID glyph codes) and the data
//     stream and filter of a stream dictionary.
// Every such access lives in hpdf_internals.cpp so a libharu upgrade is checked in one place; the
// top CMakeLists.txt refuses libharu versions other than 2.3.x/2.4.x, whose layouts match.
#pragma once

#include <hpdf.h>

#include <string>
#include <string_view>

namespace paiban::pdf::hpdf_internal {

HPDF_MMgr mmgr(HPDF_Doc doc);
HPDF_Xref xref(HPDF_Doc doc);
HPDF_Dict catalog(HPDF_Doc doc);
HPDF_Dict trailer(HPDF_Doc doc);
// The Info dictionary; libharu creates it with /Producer in HPDF_NewDoc, so it exists.
HPDF_Dict info(HPDF_Doc doc);
void set_pdf_version(HPDF_Doc doc, HPDF_PDFVer version);

// The page's own content stream (its /Contents), to which we write operators directly.
HPDF_Stream page_content_stream(HPDF_Page page);
HPDF_Dict page_content_dict(HPDF_Page page);  // the stream object of page_content_stream
// The data stream of a dictionary made with HPDF_DictStream_New.
HPDF_Stream stream_data(HPDF_Dict stream_dict);
// HPDF_STREAM_FILTER_* flags applied when the stream is written (libharu adds /Filter itself).
void set_stream_filter(HPDF_Dict stream_dict, HPDF_UINT filter);
// Marks a stream whose data we write already Flate-compressed (bytes shared by every file of an
// edition, compressed once): libharu applies no filter and computes /Length from the bytes as
// written, and the dictionary gets /Filter /FlateDecode through its write callback (libharu
// deletes a /Filter entry from unfiltered streams when it writes them).
void set_prefiltered_flate(HPDF_Dict stream_dict);

// Zero-copy streams. libharu keeps stream data in 4 KiB memory chunks filled by a byte loop and
// saves the document into another such stream, so a 1 MB font program used to be copied four
// times per page file (HPDF_MemCpy was the largest libharu item in the profile, docs/performance.md).
// borrow_stream_data makes a stream dictionary read its data straight from `bytes`, which must
// outlive the document; save_into makes HPDF_SaveToStream write the file straight into `out`.
bool borrow_stream_data(HPDF_Doc doc, HPDF_Dict stream_dict, std::string_view bytes);
bool save_into(HPDF_Doc doc, std::string& out);

// A direct dictionary written as "<<" + body + ">>" with `body` verbatim (through the dict's
// write callback). libharu's name writer does not escape spaces, so a Separation named
// "PANTONE 185 C" cannot be built from HPDF_Name objects; a page's /ColorSpace resources are
// therefore written as text with names escaped by us (PDF 32000-1 §7.3.5).
HPDF_Dict raw_dict(HPDF_MMgr mmgr, std::string body);

}  // namespace paiban::pdf::hpdf_internal
