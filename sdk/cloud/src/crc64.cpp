#include "ferry/cloud/crc64.hpp"

#include <boost/crc.hpp>

namespace ferry::cloud {
namespace {
// CRC-64/XZ: the ECMA-182 polynomial, reflected in and out, init and xorout all ones.
using Crc64Xz = boost::crc_optimal<64, 0x42F0E1EBA9EA3693ULL, ~0ULL, ~0ULL, true, true>;
}  // namespace

void Crc64::update(const void* data, std::size_t size) {
    Crc64Xz crc(remainder_);
    crc.process_bytes(data, size);
    remainder_ = crc.get_interim_remainder();
}

std::uint64_t Crc64::value() const { return Crc64Xz(remainder_).checksum(); }

}  // namespace ferry::cloud
