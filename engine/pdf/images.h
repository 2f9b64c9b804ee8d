// Images for plates (checklist §8.5): JPEG and PNG files → CMYK image XObjects.
//   - CMYK JPEG: passed through (/DCTDecode); Adobe (Photoshop) files store inverted CMYK, which
//     /Decode [1 0 …] undoes.
//   - RGB and grey JPEG: decoded, converted with lcms2 from the embedded profile (else sRGB /
//     gamma-2.2 grey) to the output profile's CMYK, total ink limited, re-encoded as CMYK JPEG.
//   - PNG: decoded (libpng; alpha composited onto paper white, X-1a has no transparency),
//     converted the same way from its iCCP profile (else sRGB), stored losslessly (/FlateDecode).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "engine/base/diagnostics.h"
#include "engine/pdf/document.h"

namespace paiban::pdf {

struct ImageConversion {
  std::string output_profile;  // CMYK ICC profile; empty → a plain GCR formula (reported)
  int max_total_ink_percent = 240;
};

struct PdfImage {
  int width = 0, height = 0;
  bool dct = false;     // `data` is a JPEG stream
  bool invert = false;  // Adobe CMYK JPEG: samples stored inverted
  std::string data;     // JPEG bytes, or 8-bit CMYK samples row by row
  std::string kind;     // "CMYK JPEG", "RGB PNG", … for messages
};

// Loads and converts an image file. Reports pdf.image-unreadable / pdf.image-unsupported at `where`.
std::optional<PdfImage> load_image(const std::string& path, const ImageConversion& conversion, Diagnostics& diags,
                                   const SourceLoc& where);

// The image XObject (indirect stream) for a loaded image.
HPDF_Dict embed_image(Document& doc, const PdfImage& image);

// Caps C+M+Y+K of each pixel (8-bit CMYK, 255 = full ink) at max_percent by reducing C, M and Y
// in proportion and keeping K (black carries the detail on newsprint; checklist C03/I04).
void limit_total_ink(std::uint8_t* cmyk, std::size_t pixels, int max_percent);

}  // namespace paiban::pdf
