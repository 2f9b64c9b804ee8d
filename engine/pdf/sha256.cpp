#include "engine/pdf/sha256.h"

namespace paiban::pdf {

std::array<std::uint8_t, 32> sha256(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

}  // namespace paiban::pdf
