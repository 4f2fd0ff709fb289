// CRC-64/XZ (ECMA-182 polynomial, reflected, all-ones init and xorout): what OSS announces in
// `x-oss-hash-crc64ecma`. Check value: "123456789" -> 0x995dc9bbdf1939fa.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ferry::cloud {

class Crc64 {
  public:
    void update(const void* data, std::size_t size);
    std::uint64_t value() const;

  private:
    std::uint64_t remainder_ = ~std::uint64_t{0};  // Boost.CRC's interim remainder, before xorout
};

}  // namespace ferry::cloud
