// SHA-256 (FIPS 180-4): content hashes for the trailer /ID and for subset tags (PDF 32000-1
// §14.4 asks for an /ID computed from the file's contents; a hash keeps re-runs byte-identical).
// Nettle's implementation (Debian nettle-dev; it uses the CPU's SHA extensions where present:
// 6.5 vs 40 ms for 8 MB here, against the portable code this replaced).
#pragma once

#include <nettle/sha2.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace paiban::pdf {

class Sha256 {
 public:
  Sha256() { sha256_init(&ctx_); }
  void update(const void* data, std::size_t len) { sha256_update(&ctx_, len, static_cast<const std::uint8_t*>(data)); }
  void update(std::string_view s) { update(s.data(), s.size()); }
  // The digest of what was hashed; the hash then starts over (copy it first to go on).
  std::array<std::uint8_t, 32> finish() {
    std::array<std::uint8_t, 32> out{};
    sha256_digest(&ctx_, out.size(), out.data());
    return out;
  }

 private:
  sha256_ctx ctx_;  // plain data: a Sha256 is copied to hash a common prefix once
};

std::array<std::uint8_t, 32> sha256(std::string_view data);

}  // namespace paiban::pdf
