// A Quartz crontab ("0 30 2 ? * MON-FRI *"), as DolphinScheduler and Azkaban write schedules, to
// DataWorks' cron ("00 30 02 ? * 1-5").
//
// DataWorks reads six fields the way Spring's CronSequenceGenerator does (second minute hour
// day-of-month month day-of-week, extended with L and #): second fixed at 00, no year field, and
// days of week counted from Monday (1) to Sunday (7), where Quartz counts Sunday as 1. Everything
// else keeps its meaning field by field: values, ranges, steps and lists are written as they were
// (numbers two-digit in the time fields), names become numbers, `a/s` becomes `a-max/s`. What
// cannot be carried is a note, never a silent change.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"

namespace ferry::reader {

struct CronNote {
    sdk::Severity severity = sdk::Severity::warning;
    std::string code;     // one of the reader's CronCodes
    std::string message;  // what happened to which field
};

struct CronConversion {
    bool ok = false;           // false: not a Quartz expression the reader can read (`cron` empty)
    std::string cron;          // the DataWorks expression
    std::optional<int> year_from, year_to;  // a year field of one year or one range: the trigger's bounds
    std::vector<CronNote> notes;
};

// The diagnostic codes of the reader that converts (each reader names its own).
struct CronCodes {
    const char* unreadable;   // a crontab that cannot be read
    const char* seconds;      // seconds other than 0
    const char* year;         // a year field
    const char* weekday;      // days of week renumbered
    const char* special;      // L and #: DataWorks custom expressions only
    const char* unsupported;  // W, LW, L-n
};

CronConversion quartz_to_dataworks(const std::string& quartz, const CronCodes& codes);

}  // namespace ferry::reader
