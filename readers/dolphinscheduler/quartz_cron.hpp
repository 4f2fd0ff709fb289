// DolphinScheduler's schedules through the readers' one Quartz converter, with this reader's codes.
#pragma once

#include "ds_codes.hpp"
#include "ferry/reader/quartz_cron.hpp"

namespace ferry::reader::ds {

using reader::CronConversion;
using reader::CronNote;

inline CronConversion quartz_to_dataworks(const std::string& quartz) {
    static constexpr reader::CronCodes kCodes{code::kCron,        code::kCronSeconds, code::kCronYear,
                                              code::kCronWeekday, code::kCronSpecial, code::kCronUnsupported};
    return reader::quartz_to_dataworks(quartz, kCodes);
}

}  // namespace ferry::reader::ds
