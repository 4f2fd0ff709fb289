// One libFuzzer binary per target: FERRY_FUZZ_TARGET names the function of fuzz_targets.hpp.
#include <clocale>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    std::setlocale(LC_CTYPE, "C.UTF-8");  // as ferry's main(): archive names are UTF-8
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return ferry::fuzz::FERRY_FUZZ_TARGET(data, size);
}
