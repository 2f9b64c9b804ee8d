// Checklist §8.1 (file level and PDF/X structure, P01–P10, P14) and G01, plus reading the page
// tree and its raw boxes for the later groups.
#include <fmt/format.h>
#include <qpdf/Buffer.hh>
#include <qpdf/Pl_Discard.hh>
#include <qpdf/Pl_String.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFLogger.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <libdeflate.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <set>

#include "engine/preflight/internal.h"

namespace paiban::preflight_detail {

namespace {

constexpr int kMaxTreeDepth = 64;  // guards /Parent loops in damaged page trees

// A page-tree attribute from the page or its ancestors.
QPDFObjectHandle inherited(QPDFObjectHandle page, const std::string& key, bool* from_ancestor = nullptr) {
  auto node = page;
  for (int depth = 0; depth < kMaxTreeDepth && node.isDictionary(); ++depth) {
    if (node.hasKey(key)) {
      if (from_ancestor) *from_ancestor = depth > 0;
      return node.getKey(key);
    }
    node = node.getKey("/Parent");
  }
  return QPDFObjectHandle::newNull();
}

// "D:YYYYMMDDHHmmSS" followed by nothing, "Z", or "+HH'mm'" / "-HH'mm" / "+HH" (PDF 1.7 §7.9.4;
// the checklist requires the full 14 digits).
bool well_formed_pdf_date(const std::string& s) {
  if (s.size() < 16 || s.compare(0, 2, "D:") != 0) return false;
  for (int i = 2; i < 16; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  auto num = [&](int pos, int len) { return std::stoi(s.substr(pos, len)); };
  const int mo = num(6, 2), d = num(8, 2), h = num(10, 2), mi = num(12, 2), se = num(14, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return false;
  std::string tz = s.substr(16);
  if (tz.empty()) return true;
  if (tz[0] == 'Z') tz = tz.substr(1);
  else if (tz[0] == '+' || tz[0] == '-') {
    if (tz.size() < 3 || !std::isdigit(static_cast<unsigned char>(tz[1])) || !std::isdigit(static_cast<unsigned char>(tz[2])))
      return false;
    tz = tz.substr(3);
  } else {
    return false;
  }
  // Optional "'mm'" (the trailing apostrophe is optional in practice).
  if (tz.empty()) return true;
  if (tz[0] != '\'') return false;
  tz = tz.substr(1);
  if (tz.empty()) return true;
  if (tz.size() < 2 || !std::isdigit(static_cast<unsigned char>(tz[0])) || !std::isdigit(static_cast<unsigned char>(tz[1])))
    return false;
  tz = tz.substr(2);
  return tz.empty() || tz == "'";
}

int version_code(const std::string& v) {  // "1.4" → 14
  int major = 0, minor = 0;
  if (std::sscanf(v.c_str(), "%d.%d", &major, &minor) < 1) return 0;
  return major * 10 + minor;
}

struct IccHeader {
  bool ok = false;
  std::string device_class, colour_space, description;
  int major = 0, minor = 0;
};

std::uint32_t be32(const std::string& d, std::size_t at) {
  return (std::uint32_t(static_cast<unsigned char>(d[at])) << 24) | (std::uint32_t(static_cast<unsigned char>(d[at + 1])) << 16) |
         (std::uint32_t(static_cast<unsigned char>(d[at + 2])) << 8) | std::uint32_t(static_cast<unsigned char>(d[at + 3]));
}

// ICC.1:2001-04 §6.1 header (byte 8 version, 12–15 device class, 16–19 colour space) and the
// 'desc' tag (textDescriptionType in v2, multiLocalizedUnicodeType in v4).
IccHeader parse_icc(const std::string& d) {
  IccHeader h;
  if (d.size() < 132 || d.compare(36, 4, "acsp") != 0) return h;
  h.ok = true;
  h.major = static_cast<unsigned char>(d[8]);
  h.minor = static_cast<unsigned char>(d[9]) >> 4;
  h.device_class = d.substr(12, 4);
  h.colour_space = d.substr(16, 4);
  const std::uint32_t n = be32(d, 128);
  for (std::uint32_t i = 0; i < n && 132 + 12 * (i + 1) <= d.size(); ++i) {
    const std::size_t e = 132 + 12 * i;
    if (d.compare(e, 4, "desc") != 0) continue;
    const std::size_t off = be32(d, e + 4), size = be32(d, e + 8);
    if (off + size > d.size() || size < 12) break;
    if (d.compare(off, 4, "desc") == 0) {
      const std::size_t len = be32(d, off + 8);
      if (12 + len <= size) h.description = d.substr(off + 12, len);
      while (!h.description.empty() && h.description.back() == '\0') h.description.pop_back();
    } else if (d.compare(off, 4, "mluc") == 0 && size >= 28) {
      const std::size_t len = be32(d, off + 20), soff = be32(d, off + 24);
      if (soff + len <= size)
        for (std::size_t k = 0; k + 1 < len; k += 2) {
          const unsigned hi = static_cast<unsigned char>(d[off + soff + k]), lo = static_cast<unsigned char>(d[off + soff + k + 1]);
          const unsigned cp = hi << 8 | lo;
          // Profile names are ASCII in practice; anything else is kept as '?' for the message.
          h.description += cp < 0x80 ? static_cast<char>(cp) : '?';
        }
    }
    break;
  }
  return h;
}

std::string squash(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '-' && c != '_' && c != '.') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void read_pages(Context& ctx) {
  QPDFPageDocumentHelper doc(ctx.pdf);
  int n = 0;
  for (auto& ph : doc.getAllPages()) {
    PageInfo p;
    p.number = ++n;
    p.page = ph.getObjectHandle();
    p.media = box_of(inherited(p.page, "/MediaBox"));
    p.crop = box_of(inherited(p.page, "/CropBox"));
    p.bleed = box_of(p.page.getKey("/BleedBox"));
    p.trim = box_of(p.page.getKey("/TrimBox"));
    p.art = box_of(p.page.getKey("/ArtBox"));
    if (!p.trim) {
      bool up = false;
      if (auto t = box_of(inherited(p.page, "/TrimBox", &up)); t && up) {
        p.trim = t;
        p.trim_inherited = true;
      }
    }
    p.rotate = inherited(p.page, "/Rotate");
    // PDF 1.7 §14.11.2: missing boxes default to the CropBox, which defaults to the MediaBox.
    p.eff_media = p.media.value_or(Box::of(0, 0, 612, 792));
    p.eff_crop = p.crop ? p.crop->intersect(p.eff_media) : p.eff_media;
    if (!p.eff_crop.valid) p.eff_crop = p.eff_media;
    p.eff_bleed = p.bleed.value_or(p.eff_crop);
    p.eff_trim = p.trim.value_or(p.eff_crop);
    ctx.sink.set_page_origin(p.number, p.eff_trim.x0, p.eff_trim.y1);
    ctx.pages.push_back(std::move(p));
  }
}

static long long num_or_zero(QPDFObjectHandle h) { return h.isInteger() ? h.getIntValue() : 0; }

// A stream's raw data where it lies in the file, without qpdf's input source copying it out (the
// 1 MB font program of every plate was a 16 MB copy per 16-page build). qpdf gives a stream's data
// offset as its parsed offset; the data counts as found only if the keyword `stream` and its end
// of line precede it and, `length` bytes on (and an optional end of line), `endstream` follows
// (PDF 32000-1 §7.3.8.1). Otherwise nullopt: the caller reads through qpdf, which also raises the
// warnings a wrong /Length deserves (P01).
std::optional<std::string_view> raw_stream_in_place(std::string_view file, QPDFObjectHandle obj, std::size_t length) {
  if (file.empty()) return std::nullopt;
  const qpdf_offset_t at = obj.getParsedOffset();
  if (at < 0 || static_cast<std::size_t>(at) > file.size() || length > file.size() - static_cast<std::size_t>(at))
    return std::nullopt;
  const std::size_t begin = static_cast<std::size_t>(at);
  const std::string_view before = file.substr(0, begin);
  if (!before.ends_with("stream\n") && !before.ends_with("stream\r\n")) return std::nullopt;
  std::string_view after = file.substr(begin + length);
  if (after.starts_with("\r\n")) after.remove_prefix(2);
  else if (after.starts_with("\n") || after.starts_with("\r")) after.remove_prefix(1);
  if (!after.starts_with("endstream")) return std::nullopt;
  return file.substr(begin, length);
}



void open_pdf(QPDF& q, const std::string& path, std::string_view bytes) {
  if (bytes.empty()) q.processFile(path.c_str());
  else q.processMemoryFile(path.c_str(), bytes.data(), bytes.size());  // qpdf reads `bytes` in place
}

namespace {

// Whether the raw bytes piped through equal `want`, compared as they come (no copy of the stream).
class SameBytes : public Pipeline {
 public:
  explicit SameBytes(std::string_view want) : Pipeline("paiban-same-bytes", nullptr), want_(want) {}
  void write(unsigned char const* data, size_t len) override {
    if (same_ && (len > want_.size() - at_ || std::memcmp(want_.data() + at_, data, len) != 0)) same_ = false;
    if (same_) at_ += len;
  }
  void finish() override {}
  bool same() const { return same_ && at_ == want_.size(); }

 private:
  std::string_view want_;
  std::size_t at_ = 0;
  bool same_ = true;
};

// Whole zlib streams (RFC 1950) inflated by libdeflate, ≈ 3× as fast as zlib, which qpdf uses.
// One per file checked: libdeflate's state and an output buffer its streams reuse (fresh pages
// for every stream cost more than the inflating).
class Inflater {
 public:
  Inflater() : d_(libdeflate_alloc_decompressor(), &libdeflate_free_decompressor) {}
  // The stream's bytes, valid until the next call, or nothing when `raw` is not exactly one valid
  // zlib stream (trailing bytes and a wrong checksum included): the caller then lets qpdf decode
  // it, and report why.
  std::optional<std::string_view> inflate_exactly(std::string_view raw) {
    if (!d_) return std::nullopt;
    // The output size is not stored: grow and retry (content deflates 3–8×, fonts ≈ 2×). Beyond
    // 256 MiB qpdf streams it instead (a page's content that large is a problem of its own).
    constexpr std::size_t kMaxInflated = std::size_t{256} << 20;
    for (std::size_t cap = std::max({raw.size() * 4, std::size_t{1} << 16, size_}); cap <= kMaxInflated; cap *= 4) {
      if (cap > size_) {
        buffer_ = std::make_unique_for_overwrite<char[]>(cap);
        size_ = cap;
      }
      std::size_t in_used = 0, out_len = 0;
      const auto r = libdeflate_zlib_decompress_ex(d_.get(), raw.data(), raw.size(), buffer_.get(), size_, &in_used, &out_len);
      if (r == LIBDEFLATE_SUCCESS) {
        if (in_used != raw.size()) return std::nullopt;
        return std::string_view(buffer_.get(), out_len);
      }
      if (r != LIBDEFLATE_INSUFFICIENT_SPACE) return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> d_;
  std::unique_ptr<char[]> buffer_;
  std::size_t size_ = 0;
};

bool plain_flate(QPDFObjectHandle dict) {
  auto filter = dict.getKey("/Filter");
  return filter.isName() && filter.getName() == "/FlateDecode" && dict.getKey("/DecodeParms").isNull();
}

// The page content streams (a page's /Contents when it is one indirect stream): check_qpdf keeps
// their decoded bytes for check_content.
std::set<QPDFObjGen> single_content_streams(const Context& ctx) {
  std::set<QPDFObjGen> out;
  for (const PageInfo& p : ctx.pages) {
    QPDFObjectHandle c = p.page.getKey("/Contents");
    if (c.isStream() && c.isIndirect()) out.insert(c.getObjGen());
  }
  return out;
}

}  // namespace

std::shared_ptr<const std::string> decoded_stream(Context& ctx, QPDFObjectHandle stream) {
  auto d = stream.getDict();
  const auto length = static_cast<std::size_t>(std::max<long long>(0, num_or_zero(d.getKey("/Length"))));
  std::shared_ptr<Buffer> raw_buffer;
  std::optional<std::string_view> raw = raw_stream_in_place(ctx.file, stream, length);
  auto read_raw = [&] {
    if (raw) return;
    raw_buffer = stream.getRawStreamData();
    raw = std::string_view(reinterpret_cast<const char*>(raw_buffer->getBuffer()), raw_buffer->getSize());
  };
  std::string filters;
  if (ctx.cache) {
    filters = d.getKey("/Filter").unparse() + " " + d.getKey("/DecodeParms").unparse();
    read_raw();
    if (auto known = ctx.cache->decoded(filters, *raw)) return known;
  }
  std::shared_ptr<const std::string> data;
  // Plain Flate by libdeflate, as check_qpdf decodes; qpdf for everything libdeflate refuses.
  if (raw && plain_flate(d)) {
    Inflater inflater;
    if (auto out = inflater.inflate_exactly(*raw)) data = std::make_shared<const std::string>(*out);
  }
  if (!data) {
    auto buf = stream.getStreamData(qpdf_dl_generalized);
    data = std::make_shared<const std::string>(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
  }
  if (ctx.cache) ctx.cache->remember_decoded(filters, *raw, data);
  return data;
}

// P01: what `qpdf --check` does — read every object and decode every stream. Streams are decoded
// and dropped instead of re-writing the file (QPDFWriter would also re-compress every stream: 3×
// the work for the same verdict), plain Flate by libdeflate (qpdf decides when it refuses one),
// except page contents, which are kept for check_content (Context::decoded_contents): decoded
// once, interpreted there. check_content reports its own parse errors and warnings under P01.
void check_qpdf(Context& ctx) {
  // The document the other checks read: its objects are parsed once (a second QPDF over the same
  // bytes cost a tenth of the preflight's time), and the warnings it raises from opening until
  // here (damaged xref, unreadable objects) are this check's.
  QPDF& q = ctx.pdf;
  std::vector<std::string> errors;
  try {
    const std::set<QPDFObjGen> contents = single_content_streams(ctx);
    Inflater inflater;
    for (QPDFObjectHandle& obj : q.getAllObjects()) {
      if (!obj.isStream()) continue;
      try {
        auto dict = obj.getDict();
        const bool content = contents.count(obj.getObjGen()) > 0;
        // Big streams shared by the files of a build (font programs, the output profile) are
        // decoded once per build (PreflightCache); their raw bytes are compared in full. Page
        // content is each file's own.
        std::string filters;
        const std::size_t length = static_cast<std::size_t>(std::max<long long>(0, num_or_zero(dict.getKey("/Length"))));
        const bool cacheable = !content && ctx.cache && length >= PreflightCache::kMinBytes;
        bool decoding = false;  // this check decodes it for the cache (others wait): say when done
        if (cacheable) {
          filters = dict.getKey("/Filter").unparse() + " " + dict.getKey("/DecodeParms").unparse();
          const bool known = ctx.cache->decoded_before(filters, length, [&](std::string_view want) {
            if (raw_stream_in_place(ctx.file, obj, length) == want) return true;
            SameBytes same(want);
            obj.pipeStreamData(&same, 0, qpdf_dl_none, true, false);  // raw bytes: "not filtered" is no failure
            return same.same();
          });
          if (known) continue;
          decoding = true;
        }
        struct Done {
          PreflightCache* cache;
          const std::string& filters;
          std::size_t length;
          bool active;
          ~Done() {
            if (active) cache->done_decoding(filters, length);
          }
        } done{ctx.cache, filters, length, decoding};
        // Plain Flate (all our streams but images): libdeflate, and qpdf only when it refuses.
        if (plain_flate(dict)) {
          std::shared_ptr<Buffer> raw;
          std::optional<std::string_view> in_place = raw_stream_in_place(ctx.file, obj, length);
          if (!in_place) raw = obj.getRawStreamData();
          const std::string_view bytes =
              in_place ? *in_place : std::string_view(reinterpret_cast<const char*>(raw->getBuffer()), raw->getSize());
          if (auto data = inflater.inflate_exactly(bytes)) {
            if (content) ctx.decoded_contents[obj.getObjGen()] = std::string(*data);
            if (cacheable) ctx.cache->remember(filters, bytes);
            continue;
          }
        }
        // A stream qpdf cannot decode is reported as a warning (collected below); `false` alone
        // means "not filterable at this level" (e.g. /DCTDecode), which is no error.
        const std::size_t warnings_before = q.numWarnings();
        if (content) {
          std::string data;
          Pl_String into("paiban-content", nullptr, data);
          if (obj.pipeStreamData(&into, 0, qpdf_dl_generalized, false, false) && q.numWarnings() == warnings_before)
            ctx.decoded_contents[obj.getObjGen()] = std::move(data);
          continue;
        }
        Pl_Discard discard;
        const bool filtered = obj.pipeStreamData(&discard, 0, qpdf_dl_generalized, false, false);
        if (filtered && cacheable && q.numWarnings() == warnings_before) {
          auto raw = obj.getRawStreamData();
          ctx.cache->remember(filters, {reinterpret_cast<const char*>(raw->getBuffer()), raw->getSize()});
        }
      } catch (const std::exception& e) {
        errors.push_back(fmt::format("object {} {}: {}", obj.getObjectID(), obj.getGeneration(), e.what()));
      }
    }
    if (q.isLinearized() && !q.checkLinearization()) errors.push_back("linearization data are damaged");
  } catch (const std::exception& e) {
    errors.push_back(e.what());
  }
  for (const auto& w : q.getWarnings())
    ctx.sink.add("P01", Severity::Error, 0, std::nullopt, "qpdf: " + std::string(w.what()));
  for (const auto& e : errors) ctx.sink.add("P01", Severity::Error, 0, std::nullopt, "qpdf: " + e);
}

void check_document(Context& ctx) {
  auto& sink = ctx.sink;
  const auto& opt = ctx.options;
  auto trailer = ctx.pdf.getTrailer();
  auto root = ctx.pdf.getRoot();

  // P02: header version (raised by a catalog /Version, PDF 1.7 §7.2.2).
  {
    std::string version = ctx.pdf.getPDFVersion();
    if (auto v = root.getKey("/Version"); v.isName() && version_code(v.getName().substr(1)) > version_code(version))
      version = v.getName().substr(1);
    const int max = opt.standard == kPdfX1a2001 ? 13 : opt.standard == kPdfX1a2003 ? 14 : 16;
    if (version_code(version) > max)
      sink.add("P02", Severity::Error, 0, std::nullopt,
               fmt::format("PDF version {} is above {}.{} allowed by {}", version, max / 10, max % 10, opt.standard));
  }

  // P03, P04: Info dictionary.
  auto info = trailer.getKey("/Info");
  if (!info.isDictionary()) {
    sink.add("P03", Severity::Error, 0, std::nullopt, "no Info dictionary (needs /GTS_PDFXVersion)");
    sink.add("P04", Severity::Error, 0, std::nullopt, "no Info dictionary (needs /Title, /CreationDate, /ModDate, /Trapped)");
  } else {
    auto expect_string = [&](const std::string& key, const std::string& want) {
      auto v = info.getKey(key);
      if (!v.isString())
        sink.add("P03", Severity::Error, 0, std::nullopt, fmt::format("Info {} missing (expected \"{}\")", key, want));
      else if (v.getUTF8Value() != want)
        sink.add("P03", Severity::Error, 0, std::nullopt,
                 fmt::format("Info {} is \"{}\", expected \"{}\"", key, v.getUTF8Value(), want));
    };
    if (opt.standard == kPdfX1a2001) {
      expect_string("/GTS_PDFXVersion", "PDF/X-1:2001");
      expect_string("/GTS_PDFXConformance", "PDF/X-1a:2001");
    } else {
      expect_string("/GTS_PDFXVersion", opt.standard);
    }
    auto title = info.getKey("/Title");
    if (!title.isString() || title.getUTF8Value().empty())
      sink.add("P04", Severity::Error, 0, std::nullopt, "Info /Title missing or empty");
    for (const char* key : {"/CreationDate", "/ModDate"}) {
      auto v = info.getKey(key);
      if (!v.isString())
        sink.add("P04", Severity::Error, 0, std::nullopt, fmt::format("Info {} missing", key));
      else if (!well_formed_pdf_date(v.getStringValue()))
        sink.add("P04", Severity::Error, 0, std::nullopt,
                 fmt::format("Info {} \"{}\" is not D:YYYYMMDDHHmmSS[tz]", key, v.getStringValue()));
    }
    auto trapped = info.getKey("/Trapped");
    if (!trapped.isName() || (trapped.getName() != "/False" && trapped.getName() != "/True"))
      sink.add("P04", Severity::Error, 0, std::nullopt,
               trapped.isNull() ? std::string("Info /Trapped missing (must be /False or /True)")
                                : fmt::format("Info /Trapped is {} (must be the name /False or /True)", trapped.unparse()));
  }

  // P05: trailer /ID.
  {
    auto id = trailer.getKey("/ID");
    if (!id.isArray() || id.getArrayNItems() != 2 || !id.getArrayItem(0).isString() || !id.getArrayItem(1).isString())
      sink.add("P05", Severity::Error, 0, std::nullopt, "trailer /ID is not an array of two strings");
  }

  // P06, P07: exactly one GTS_PDFX output intent with an embedded CMYK printer profile.
  {
    std::vector<QPDFObjectHandle> pdfx;
    auto intents = root.getKey("/OutputIntents");
    if (intents.isArray())
      for (auto& oi : intents.aitems())
        if (oi.isDictionary() && oi.getKey("/S").isName() && oi.getKey("/S").getName() == "/GTS_PDFX") pdfx.push_back(oi);
    if (pdfx.size() != 1) {
      sink.add("P06", Severity::Error, 0, std::nullopt,
               fmt::format("{} /OutputIntents entries with /S /GTS_PDFX (exactly one required)", pdfx.size()));
    }
    if (!pdfx.empty()) {
      auto oi = pdfx.front();
      auto ocid = oi.getKey("/OutputConditionIdentifier");
      if (!ocid.isString() || ocid.getUTF8Value().empty())
        sink.add("P06", Severity::Error, 0, std::nullopt, "output intent /OutputConditionIdentifier missing or empty");
      if (!oi.getKey("/Info").isString())
        sink.add("P06", Severity::Error, 0, std::nullopt, "output intent /Info missing");
      auto prof = oi.getKey("/DestOutputProfile");
      if (!prof.isStream()) {
        sink.add("P06", Severity::Error, 0, std::nullopt, "output intent has no embedded /DestOutputProfile");
      } else {
        std::shared_ptr<const std::string> data = std::make_shared<const std::string>();
        try {
          data = decoded_stream(ctx, prof);  // every page file of an edition embeds the same profile
        } catch (const std::exception& e) {
          sink.add("P07", Severity::Error, 0, std::nullopt, fmt::format("output profile cannot be decoded: {}", e.what()));
        }
        const auto icc = parse_icc(*data);
        if (!data->empty() && !icc.ok) {
          sink.add("P07", Severity::Error, 0, std::nullopt, "output profile is not an ICC profile (no 'acsp' signature)");
        } else if (icc.ok) {
          if (icc.device_class != "prtr")
            sink.add("P07", Severity::Error, 0, std::nullopt,
                     fmt::format("output profile class is '{}', must be 'prtr' (output device)", icc.device_class));
          if (icc.colour_space != "CMYK")
            sink.add("P07", Severity::Error, 0, std::nullopt,
                     fmt::format("output profile colour space is '{}', must be 'CMYK'", icc.colour_space));
          // PDF/X-1a (ISO 15930-4) predates ICC v4: v2 profiles only. PDF/X-4 allows v4.
          if (ctx.x1a ? icc.major != 2 : (icc.major != 2 && icc.major != 4))
            sink.add("P07", Severity::Error, 0, std::nullopt,
                     fmt::format("output profile is ICC version {}.{}, {} requires {}", icc.major, icc.minor, opt.standard,
                                 ctx.x1a ? "2.x" : "2.x or 4.x"));
          if (!opt.output_profile.empty()) {
            const auto want = squash(opt.output_profile), have = squash(icc.description);
            if (have.empty() || (have.find(want) == std::string::npos && want.find(have) == std::string::npos))
              sink.add("P07", Severity::Error, 0, std::nullopt,
                       fmt::format("output profile is \"{}\", configured \"{}\"", icc.description, opt.output_profile));
          }
        }
      }
    }
  }

  // P08: no encryption, scripts, actions, forms, attachments or multimedia.
  {
    if (ctx.pdf.isEncrypted() || trailer.hasKey("/Encrypt"))
      sink.add("P08", Severity::Error, 0, std::nullopt, "the file is encrypted");
    if (root.hasKey("/AcroForm")) sink.add("P08", Severity::Error, 0, std::nullopt, "catalog has an /AcroForm");
    if (root.hasKey("/AA")) sink.add("P08", Severity::Error, 0, std::nullopt, "catalog has additional actions (/AA)");
    if (auto oa = root.getKey("/OpenAction"); oa.isDictionary())
      sink.add("P08", Severity::Error, 0, std::nullopt, fmt::format("catalog /OpenAction is an action ({})", name_of(oa.getKey("/S"))));
    auto names = root.getKey("/Names");
    if (names.isDictionary()) {
      if (names.hasKey("/JavaScript")) sink.add("P08", Severity::Error, 0, std::nullopt, "document-level JavaScript (/Names /JavaScript)");
      if (names.hasKey("/EmbeddedFiles")) sink.add("P08", Severity::Error, 0, std::nullopt, "embedded files (/Names /EmbeddedFiles)");
    }
    for (const auto& p : ctx.pages)
      if (QPDFObjectHandle(p.page).hasKey("/AA")) sink.add("P08", Severity::Error, p.number, std::nullopt, "page has additional actions (/AA)");
    static const std::set<std::string> multimedia{"/Movie", "/Sound", "/Screen", "/RichMedia", "/3D"};
    for (auto& obj : ctx.pdf.getAllObjects()) {
      auto d = obj.isStream() ? obj.getDict() : obj;
      if (!d.isDictionary()) continue;
      const std::string label = object_label(obj);
      if (d.hasKey("/JS") || name_of(d.getKey("/S")) == "/JavaScript")
        sink.add("P08", Severity::Error, 0, std::nullopt, fmt::format("JavaScript action ({})", label), "js");
      if (name_of(d.getKey("/Type")) == "/EmbeddedFile")
        sink.add("P08", Severity::Error, 0, std::nullopt, fmt::format("embedded file stream ({})", label), "ef");
      if (multimedia.count(name_of(d.getKey("/Subtype"))))
        sink.add("P08", Severity::Error, 0, std::nullopt,
                 fmt::format("multimedia object {} ({})", name_of(d.getKey("/Subtype")), label), "mm");
    }
  }

  // P09: no annotations, except printer's marks and trap networks outside the BleedBox.
  for (const auto& p : ctx.pages) {
    auto annots = QPDFObjectHandle(p.page).getKey("/Annots");
    if (!annots.isArray()) continue;
    for (auto& a : annots.aitems()) {
      const std::string sub = name_of(a.getKey("/Subtype"));
      auto rect = box_of(a.getKey("/Rect"));
      if ((sub == "/PrinterMark" || sub == "/TrapNet") && rect && !rect->intersects(p.eff_bleed)) continue;
      sink.add("P09", Severity::Error, p.number, rect,
               fmt::format("{} annotation ({}){}", sub.empty() ? "untyped" : sub, object_label(a),
                           sub == "/PrinterMark" || sub == "/TrapNet" ? " inside the BleedBox" : ""),
               sub);
    }
  }

  // P10: stream filters. LZW (patent-era), JBIG2 and JPEG 2000 are not allowed in PDF/X-1a and
  // many newspaper RIPs choke on them; photos are DCT, the rest Flate.
  for (auto& obj : ctx.pdf.getAllObjects()) {
    if (!obj.isStream()) continue;
    for (const auto& f : filters_of(obj.getDict())) {
      if (f == "/LZWDecode" || f == "/JBIG2Decode" || f == "/JPXDecode")
        sink.add("P10", Severity::Error, 0, std::nullopt, fmt::format("stream {} uses {}", object_label(obj), f));
      else if (f != "/FlateDecode" && f != "/DCTDecode")
        sink.add("P10", Severity::Warning, 0, std::nullopt,
                 fmt::format("stream {} uses {} (photos should be /DCTDecode, everything else /FlateDecode)", object_label(obj), f),
                 f);
    }
  }

  // P14: PDF/X-4 identifies itself in the XMP metadata too.
  if (opt.standard == kPdfX4) {
    auto md = root.getKey("/Metadata");
    std::string xmp;
    if (md.isStream()) {
      auto buf = md.getStreamData(qpdf_dl_generalized);
      xmp.assign(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
    }
    const auto at = xmp.find("GTS_PDFXVersion");
    if (xmp.empty())
      sink.add("P14", Severity::Error, 0, std::nullopt, "catalog has no XMP /Metadata stream");
    else if (at == std::string::npos || xmp.find("PDF/X-4", at) == std::string::npos)
      sink.add("P14", Severity::Error, 0, std::nullopt, "XMP metadata lacks pdfxid:GTS_PDFXVersion = \"PDF/X-4\"");
  }

  // G01: page count.
  if (opt.expected_pages && static_cast<int>(ctx.pages.size()) != *opt.expected_pages)
    sink.add("G01", Severity::Error, 0, std::nullopt,
             fmt::format("{} pages, expected {}", ctx.pages.size(), *opt.expected_pages));
}

}  // namespace paiban::preflight_detail
