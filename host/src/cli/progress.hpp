// Progress for long work: a bar on a terminal (done/total, current object, rate), plain lines when
// not a terminal, nothing with --json.
#pragma once

#include <chrono>
#include <memory>

#include "task/importer.hpp"

namespace ferry::host {

std::unique_ptr<ProgressSink> make_progress(bool json_output);

}  // namespace ferry::host
