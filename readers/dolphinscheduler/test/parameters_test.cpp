// DolphinScheduler's built-ins and time expressions in DataWorks' words, and what has no equivalent.
#include <gtest/gtest.h>

#include "parameters.hpp"

namespace ferry::reader::ds {
namespace {

struct ValueCase {
    const char* dolphin;
    const char* dataworks;
    std::vector<std::string> kept;
};

void PrintTo(const ValueCase& c, std::ostream* os) { *os << "'" << c.dolphin << "'"; }
std::string row(const ::testing::TestParamInfo<ValueCase>& info) { return "row" + std::to_string(info.index); }

class ParameterValues : public ::testing::TestWithParam<ValueCase> {};

TEST_P(ParameterValues, Translate) {
    const ValueCase& c = GetParam();
    const Translation t = translate_value(c.dolphin);
    EXPECT_EQ(t.text, c.dataworks);
    EXPECT_EQ(t.kept, c.kept);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ParameterValues,
    ::testing::Values(
        ValueCase{"${system.biz.date}", "$bizdate", {}},
        ValueCase{"${system.biz.curdate}", "$[yyyymmdd]", {}},
        ValueCase{"${system.datetime}", "$cyctime", {}},
        ValueCase{"${system.task.instance.id}", "$taskid", {}},
        ValueCase{"$[yyyyMMdd]", "$[yyyymmdd]", {}},
        ValueCase{"$[yyyyMMdd-1]", "$[yyyymmdd-1]", {}},
        ValueCase{"$[yyyy-MM-dd+7*1]", "$[yyyy-mm-dd+7*1]", {}},
        ValueCase{"$[yyyy-MM-dd-1]", "$[yyyy-mm-dd-1]", {}},
        ValueCase{"$[HH:mm:ss-1/24]", "$[hh24:mi:ss-1/24]", {}},
        ValueCase{"$[yyyyMMddHHmmss-1/24/60]", "$[yyyymmddhh24miss-1/24/60]", {}},
        ValueCase{"$[yyyyMM]", "$[yyyymm]", {}},
        ValueCase{"$[add_months(yyyyMMdd,-1)]", "$[add_months(yyyymmdd,-1)]", {}},
        ValueCase{"$[add_months(yyyyMMdd,12*1)]", "$[add_months(yyyymmdd,12*1)]", {}},
        ValueCase{"dt=$[yyyyMMdd]_${system.biz.date}", "dt=$[yyyymmdd]_$bizdate", {}},
        // No DataWorks equivalent: kept as written, and named.
        ValueCase{"$[this_day(yyyy-MM-dd)]", "$[this_day(yyyy-MM-dd)]", {"$[this_day(yyyy-MM-dd)]"}},
        ValueCase{"$[last_day(yyyy-MM-dd)]", "$[last_day(yyyy-MM-dd)]", {"$[last_day(yyyy-MM-dd)]"}},
        ValueCase{"$[week_first_day(yyyy-MM-dd,0)]", "$[week_first_day(yyyy-MM-dd,0)]", {"$[week_first_day(yyyy-MM-dd,0)]"}},
        ValueCase{"$[yyyyMMdd E]", "$[yyyyMMdd E]", {"$[yyyyMMdd E]"}},
        ValueCase{"${system.project.name}", "${system.project.name}", {"${system.project.name}"}},
        // Not built-ins: untouched, unreported.
        ValueCase{"${dt}", "${dt}", {}},
        ValueCase{"plain", "plain", {}},
        ValueCase{"$[1+2]", "$[1+2]", {}},
        ValueCase{"${{biz_date}}", "${{biz_date}}", {}}),
    row);

// A `$[` with a long text after it is no time expression: kept as written, not run through the
// regular expressions (std::regex recursed once a character and crashed on 200 KB).
TEST(TimeExpressions, ALongTextIsNoneAndIsKept) {
    const std::string inner = "yyyyMMdd" + std::string(200000, 'x');
    std::string out;
    EXPECT_FALSE(translate_time_expression(inner, out));
    const Translation t = translate_value("$[" + inner + "]");
    EXPECT_EQ(t.text, "$[" + inner + "]");
    ASSERT_EQ(t.kept.size(), 1u);
}

TEST(CodeBuiltins, BecomeDeclaredParameters) {
    const CodeRewrite r = declare_builtins(
        "select '${system.biz.date}', '$[yyyyMMdd-1]', '$[yyyyMMdd-1]', '$[this_day(yyyy-MM-dd)]', $[1+2], ${dt}", {});
    EXPECT_EQ(r.code,
              "select '${system_biz_date}', '${ds_time_1}', '${ds_time_1}', '$[this_day(yyyy-MM-dd)]', $[1+2], ${dt}");
    ASSERT_EQ(r.parameters.size(), 2u);
    EXPECT_EQ(r.parameters[0].name, "system_biz_date");
    EXPECT_EQ(r.parameters[0].value, "$bizdate");
    EXPECT_EQ(r.parameters[0].original, "${system.biz.date}");
    EXPECT_EQ(r.parameters[1].name, "ds_time_1");
    EXPECT_EQ(r.parameters[1].value, "$[yyyymmdd-1]");
    EXPECT_EQ(r.kept, std::vector<std::string>{"$[this_day(yyyy-MM-dd)]"});
}

TEST(CodeBuiltins, NamesDoNotClashWithTheTasksOwn) {
    const CodeRewrite r = declare_builtins("echo $[yyyyMMdd] ${system.datetime}", {"ds_time_1", "system_datetime"});
    EXPECT_EQ(r.code, "echo ${ds_time_1_2} ${system_datetime_2}");
    EXPECT_EQ(r.parameters[0].name, "ds_time_1_2");
    EXPECT_EQ(r.parameters[1].name, "system_datetime_2");
    EXPECT_EQ(r.parameters[1].value, "$cyctime");
}

TEST(CodeBuiltins, CodeWithoutBuiltinsIsUnchanged) {
    const std::string code = "select * from t where dt = '${dt}' -- $[ not closed";
    const CodeRewrite r = declare_builtins(code, {});
    EXPECT_EQ(r.code, code);
    EXPECT_TRUE(r.parameters.empty());
}

}  // namespace
}  // namespace ferry::reader::ds
