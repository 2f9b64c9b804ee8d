// SHA-256 (FIPS 180-4): content hashes for the trailer /ID and for subset tags (PDF 32000-1
// §14.4 asks for an /ID computed from the file's contents; a hash keeps re-runs byte-identical).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace paiban::pdf {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t len);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::array<std::uint8_t, 32> finish();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t buf_len_ = 0;
  std::uint64_t total_ = 0;
};

std::array<std::uint8_t, 32> sha256(std::string_view data);

}  // namespace paiban::pdf
