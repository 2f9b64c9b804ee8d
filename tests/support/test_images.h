// Test images made in the test (no binary fixtures), for the image placement and robustness tests.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace paiban::test {

// The samples of pixel (x, y): `components` bytes (grey; R G B; C M Y K).
using Pixel = std::function<std::vector<std::uint8_t>(int x, int y)>;

// Writes a JPEG with 1, 3 or 4 components through libjpeg (quality 95). `adobe` writes the Adobe
// APP14 marker, as Photoshop does for CMYK files (whose samples are then stored inverted: the
// caller supplies them so). Fails the current test when the file cannot be written.
void write_jpeg(const std::string& path, int w, int h, int components, const Pixel& pixel, bool adobe = false);

}  // namespace paiban::test
