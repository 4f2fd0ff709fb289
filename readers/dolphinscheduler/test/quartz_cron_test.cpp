// Quartz (DolphinScheduler) to DataWorks cron, form by form: what is kept, renumbered, narrowed or
// said. MigrationX drops the minute of hourly schedules and forces the hour to 00 for named days of
// week: the rows marked so check that neither happens here.
#include <gtest/gtest.h>

#include "quartz_cron.hpp"

namespace ferry::reader::ds {
namespace {

struct CronCase {
    const char* quartz;
    const char* dataworks;  // "" when the expression cannot be read
    std::vector<std::string> codes;  // the notes, in order
    std::optional<int> year_from = std::nullopt, year_to = std::nullopt;
};

// Failure messages show the expression; test names are the row numbers.
void PrintTo(const CronCase& c, std::ostream* os) { *os << "'" << c.quartz << "'"; }
std::string row(const ::testing::TestParamInfo<CronCase>& info) { return "row" + std::to_string(info.index); }

std::vector<std::string> codes_of(const CronConversion& c) {
    std::vector<std::string> out;
    for (const auto& n : c.notes) out.push_back(n.code);
    return out;
}

const std::string kWeekday = "FERRY-DS-CRON-WEEKDAY";

class QuartzToDataWorks : public ::testing::TestWithParam<CronCase> {};

TEST_P(QuartzToDataWorks, Converts) {
    const CronCase& c = GetParam();
    const CronConversion r = quartz_to_dataworks(c.quartz);
    EXPECT_EQ(r.ok, std::string(c.dataworks) != "");
    EXPECT_EQ(r.cron, c.dataworks);
    EXPECT_EQ(codes_of(r), c.codes);
    EXPECT_EQ(r.year_from, c.year_from);
    EXPECT_EQ(r.year_to, c.year_to);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, QuartzToDataWorks,
    ::testing::Values(
        // Daily, with and without the year field; `?` where a day field is not used.
        CronCase{"0 0 2 * * ? *", "00 00 02 * * ?", {}},
        CronCase{"0 15 0 * * ?", "00 15 00 * * ?", {}},
        CronCase{"0 0 5 1/1 * ? *", "00 00 05 * * ?", {}},
        CronCase{"0 0 5 ? * * *", "00 00 05 * * ?", {}},
        // Hourly keeps its minute (MigrationX writes 00).
        CronCase{"0 30 * * * ? *", "00 30 * * * ?", {}},
        CronCase{"0 30 0/1 * * ? *", "00 30 00-23/1 * * ?", {}},
        CronCase{"0 45 8-18/2 * * ?", "00 45 08-18/2 * * ?", {}},
        // Minutes: steps, ranges, lists.
        CronCase{"0 0/5 * * * ?", "00 00-59/5 * * * ?", {}},
        CronCase{"0 */15 8-18 * * ?", "00 00-59/15 08-18 * * ?", {}},
        CronCase{"0 10-40/10 9 * * ?", "00 10-40/10 09 * * ?", {}},
        CronCase{"0 0,30 9,12 * * ?", "00 00,30 09,12 * * ?", {}},
        // Named days keep their hour (MigrationX writes 00) and are renumbered from Monday.
        CronCase{"0 0 9 ? * MON *", "00 00 09 ? * 1", {kWeekday}},
        CronCase{"0 30 18 ? * MON-FRI", "00 30 18 ? * 1-5", {kWeekday}},
        CronCase{"0 0 9 ? * SUN,SAT", "00 00 09 ? * 6,7", {kWeekday}},
        CronCase{"0 0 9 ? * 1", "00 00 09 ? * 7", {kWeekday}},          // Quartz 1 is Sunday
        CronCase{"0 0 9 ? * 2,4,6", "00 00 09 ? * 1,3,5", {kWeekday}},
        CronCase{"0 0 9 ? * FRI-MON", "00 00 09 ? * 1,5-7", {kWeekday}},  // Quartz ranges wrap
        CronCase{"0 0 9 ? * 2/2", "00 00 09 ? * 1,3,5", {kWeekday}},
        CronCase{"0 0 9 ? * 1-7", "00 00 09 * * ?", {}},                  // every day
        CronCase{"0 0 9 ? * wed", "00 00 09 ? * 3", {kWeekday}},
        // Days of month and months.
        CronCase{"0 0 0 1,15 * ?", "00 00 00 1,15 * ?", {}},
        CronCase{"0 0 0 1-10/3 * ?", "00 00 00 1-10/3 * ?", {}},
        CronCase{"0 0 0 5/7 * ?", "00 00 00 5-31/7 * ?", {}},
        CronCase{"0 0 0 1 JAN,JUL ?", "00 00 00 1 1,7 ?", {}},
        CronCase{"0 0 0 1 1-6/2 ? *", "00 00 00 1 1-6/2 ?", {}},
        CronCase{"0 0 0 1 */3 ?", "00 00 00 1 1-12/3 ?", {}},
        // L and #: kept, DataWorks reads them in custom expressions only.
        CronCase{"0 0 0 L * ?", "00 00 00 L * ?", {"FERRY-DS-CRON-SPECIAL"}},
        CronCase{"0 0 0 ? * 6L", "00 00 00 ? * 5L", {"FERRY-DS-CRON-SPECIAL", kWeekday}},
        CronCase{"0 0 0 ? * FRIL", "00 00 00 ? * 5L", {"FERRY-DS-CRON-SPECIAL", kWeekday}},
        CronCase{"0 0 0 ? * FRI#3", "00 00 00 ? * 5#3", {"FERRY-DS-CRON-SPECIAL", kWeekday}},
        CronCase{"0 0 0 ? * L", "00 00 00 ? * 6", {kWeekday}},  // L alone: Saturday
        // W and offsets from the last day: no DataWorks equivalent, kept as written.
        CronCase{"0 0 0 15W * ?", "00 00 00 15W * ?", {"FERRY-DS-CRON-UNSUPPORTED"}},
        CronCase{"0 0 0 LW * ?", "00 00 00 LW * ?", {"FERRY-DS-CRON-UNSUPPORTED"}},
        CronCase{"0 0 0 L-3 * ?", "00 00 00 L-3 * ?", {"FERRY-DS-CRON-UNSUPPORTED"}},
        // The year field: one year or a range bounds the schedule; others cannot be kept.
        CronCase{"0 0 12 * * ? 2025", "00 00 12 * * ?", {"FERRY-DS-CRON-YEAR"}, 2025, 2025},
        CronCase{"0 0 12 * * ? 2024-2026", "00 00 12 * * ?", {"FERRY-DS-CRON-YEAR"}, 2024, 2026},
        CronCase{"0 0 12 * * ? 2024/1", "00 00 12 * * ?", {"FERRY-DS-CRON-YEAR"}, 2024},
        CronCase{"0 0 12 * * ? 2024,2026", "00 00 12 * * ?", {"FERRY-DS-CRON-YEAR"}},
        CronCase{"0 0 12 * * ? 2024/2", "00 00 12 * * ?", {"FERRY-DS-CRON-YEAR"}},
        // Seconds: DataWorks runs at second 00.
        CronCase{"30 0 12 * * ?", "00 00 12 * * ?", {"FERRY-DS-CRON-SECONDS"}},
        CronCase{"0/10 0 12 * * ?", "00 00 12 * * ?", {"FERRY-DS-CRON-SECONDS"}},
        // Both day fields: Quartz refuses it; DataWorks runs on days matching both.
        CronCase{"0 0 12 5 * MON", "00 00 12 5 * 1", {kWeekday, "FERRY-DS-CRON"}},
        // Not Quartz at all.
        CronCase{"0 0 12 * *", "", {"FERRY-DS-CRON"}},
        CronCase{"0 61 12 * * ?", "", {"FERRY-DS-CRON"}},
        CronCase{"0 0 12 * FOO ?", "", {"FERRY-DS-CRON"}},
        CronCase{"0 0 12 ? * MON#9", "", {"FERRY-DS-CRON"}},
        CronCase{"0 0/0 12 * * ?", "", {"FERRY-DS-CRON"}}),
    row);

TEST(QuartzToDataWorksNotes, SayWhatChanged) {
    const CronConversion r = quartz_to_dataworks("0 0 9 ? * MON-FRI *");
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_EQ(r.notes[0].severity, sdk::Severity::info);
    EXPECT_EQ(r.notes[0].message,
              "day of week 'MON-FRI' is written '1-5': DataWorks counts Monday as 1 and Sunday as 7, Quartz Sunday as 1");
    const CronConversion bad = quartz_to_dataworks("0 0 12 * *");
    EXPECT_EQ(bad.notes[0].message,
              "'0 0 12 * *' is not a Quartz cron expression: it has 5 fields where Quartz has 6 or 7 (second minute "
              "hour day-of-month month day-of-week [year])");
    const CronConversion w = quartz_to_dataworks("0 0 0 15W * ?");
    EXPECT_EQ(w.notes[0].severity, sdk::Severity::warning);
    EXPECT_EQ(w.notes[0].message,
              "'15W' in '0 0 0 15W * ?' (nearest weekday, or days before the last) has no DataWorks equivalent: it is "
              "kept as written and DataWorks may refuse the schedule");
}

}  // namespace
}  // namespace ferry::reader::ds
