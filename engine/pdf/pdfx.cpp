#include "engine/pdf/pdfx.h"

#include <lcms2.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "engine/pdf/hpdf_internals.h"

namespace paiban {

std::optional<PdfStandard> parse_pdf_standard(std::string_view name) {
  if (name == "none") return PdfStandard::None;
  if (name == "PDF/X-1a:2003") return PdfStandard::X1a2003;
  if (name == "PDF/X-4") return PdfStandard::X4;
  return std::nullopt;
}

std::string to_string(PdfStandard standard) {
  switch (standard) {
    case PdfStandard::None: return "none";
    case PdfStandard::X1a2003: return "PDF/X-1a:2003";
    case PdfStandard::X4: return "PDF/X-4";
  }
  return "none";
}

namespace pdf {
namespace {

struct LcmsProfileDel { void operator()(void* p) const { cmsCloseProfile(p); } };
using LcmsProfile = std::unique_ptr<void, LcmsProfileDel>;

std::tm utc(std::int64_t epoch) {
  const std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string pdf_date(std::int64_t epoch) {
  const std::tm tm = utc(epoch);
  char buf[64];
  std::snprintf(buf, sizeof buf, "D:%04d%02d%02d%02d%02d%02d+00'00'", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string xmp_date(std::int64_t epoch) {
  const std::tm tm = utc(epoch);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<OutputProfile> load_output_profile(const std::string& path, PdfStandard standard, Diagnostics& diags) {
  auto fail = [&](const std::string& msg, const std::string& hint = {}) -> std::optional<OutputProfile> {
    diags.error("pdf.output-profile", {path}, msg, hint);
    return std::nullopt;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read the output profile", "give the CMYK ICC profile of the printing condition");
  std::ostringstream ss;
  ss << in.rdbuf();
  OutputProfile p;
  p.bytes = ss.str();
  LcmsProfile h(cmsOpenProfileFromMem(p.bytes.data(), static_cast<cmsUInt32Number>(p.bytes.size())));
  if (!h) return fail("not an ICC profile");
  if (cmsGetDeviceClass(h.get()) != cmsSigOutputClass)
    return fail("the output profile is not a printer (output class 'prtr') profile");
  if (cmsGetColorSpace(h.get()) != cmsSigCmykData) return fail("the output profile is not a CMYK profile");
  // ICC header byte 8: major version, byte 9: minor.bugfix (BCD).
  p.version_major = static_cast<std::uint8_t>(p.bytes[8]);
  p.version_minor = static_cast<std::uint8_t>(p.bytes[9]) >> 4;
  if (standard == PdfStandard::X1a2003 && p.version_major != 2)
    return fail("PDF/X-1a:2003 needs an ICC version 2 output profile, this one is version " +
                    std::to_string(p.version_major) + "." + std::to_string(p.version_minor),
                "use the v2 profile of the printing condition, or PDF/X-4");
  char desc[256] = {0};
  if (cmsGetProfileInfoASCII(h.get(), cmsInfoDescription, "en", "US", desc, sizeof desc) > 0) p.description = desc;
  if (p.description.empty()) p.description = "CMYK output profile";
  return p;
}

void write_info(Document& doc, const PdfOptions& options, const DocumentMetadata& meta) {
  HPDF_Dict info = hpdf_internal::info(doc.get());
  doc.add(info, "Title", doc.text(options.title));
  if (!options.author.empty()) doc.add(info, "Author", doc.text(options.author));
  doc.add(info, "Creator", doc.text(options.creator));
  doc.add(info, "Producer", doc.text(meta.producer));
  const std::string date = pdf_date(meta.epoch);
  doc.add(info, "CreationDate", doc.ascii(date));
  doc.add(info, "ModDate", doc.ascii(date));
  // Checklist P04: /Trapped is the name /False (the RIP traps; we did not).
  doc.add_name(info, "Trapped", "False");
  if (options.standard != PdfStandard::None)
    doc.add(info, "GTS_PDFXVersion", doc.ascii(to_string(options.standard)));
}

void write_output_intent(Document& doc, const PdfOptions& options, const OutputProfile& profile) {
  HPDF_Dict icc = doc.prefiltered_stream(profile.bytes, profile.deflated);
  doc.add_int(icc, "N", 4);

  // Built with the object API: libharu's HPDF_PDFA_AppendOutputIntents writes /S /GTS_PDFA1.
  HPDF_Dict intent = doc.indirect_dict();
  doc.add_name(intent, "Type", "OutputIntent");
  doc.add_name(intent, "S", "GTS_PDFX");
  const std::string id =
      options.output_condition_identifier.empty() ? profile.description : options.output_condition_identifier;
  doc.add(intent, "OutputConditionIdentifier", doc.text(id));
  if (!options.output_condition.empty()) doc.add(intent, "OutputCondition", doc.text(options.output_condition));
  doc.add(intent, "RegistryName", doc.text(options.registry_name));
  doc.add(intent, "Info", doc.text(profile.description));
  doc.add(intent, "DestOutputProfile", icc);

  HPDF_Array intents = doc.array();
  doc.push(intents, intent);
  doc.add(hpdf_internal::catalog(doc.get()), "OutputIntents", intents);
}

void write_xmp(Document& doc, const PdfOptions& options, const DocumentMetadata& meta) {
  const std::string date = xmp_date(meta.epoch);
  std::string x;
  x += "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n";
  x += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n";
  x += " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n";
  x += "  <rdf:Description rdf:about=\"\"\n";
  x += "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n";
  x += "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n";
  x += "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n";
  x += "    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n";
  x += "    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\">\n";
  x += "   <dc:format>application/pdf</dc:format>\n";
  x += "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(options.title) +
       "</rdf:li></rdf:Alt></dc:title>\n";
  if (!options.author.empty())
    x += "   <dc:creator><rdf:Seq><rdf:li>" + xml_escape(options.author) + "</rdf:li></rdf:Seq></dc:creator>\n";
  x += "   <xmp:CreateDate>" + date + "</xmp:CreateDate>\n";
  x += "   <xmp:ModifyDate>" + date + "</xmp:ModifyDate>\n";
  x += "   <xmp:MetadataDate>" + date + "</xmp:MetadataDate>\n";
  x += "   <xmp:CreatorTool>" + xml_escape(options.creator) + "</xmp:CreatorTool>\n";
  x += "   <pdf:Producer>" + xml_escape(meta.producer) + "</pdf:Producer>\n";
  x += "   <pdf:Trapped>False</pdf:Trapped>\n";
  x += "   <xmpMM:DocumentID>" + meta.document_id + "</xmpMM:DocumentID>\n";
  x += "   <xmpMM:InstanceID>" + meta.document_id + "</xmpMM:InstanceID>\n";
  x += "   <xmpMM:VersionID>1</xmpMM:VersionID>\n";
  x += "   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n";
  x += "   <pdfxid:GTS_PDFXVersion>" + to_string(options.standard) + "</pdfxid:GTS_PDFXVersion>\n";
  x += "  </rdf:Description>\n";
  x += " </rdf:RDF>\n";
  x += "</x:xmpmeta>\n";
  x += "<?xpacket end=\"w\"?>";
  // Left uncompressed so that tools which do not parse the PDF can still find the packet.
  HPDF_Dict md = doc.stream(/*flate=*/false);
  doc.write(md, x);
  doc.add_name(md, "Type", "Metadata");
  doc.add_name(md, "Subtype", "XML");
  doc.add(hpdf_internal::catalog(doc.get()), "Metadata", md);
}

}  // namespace pdf
}  // namespace paiban
