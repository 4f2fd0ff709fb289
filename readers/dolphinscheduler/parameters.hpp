// DolphinScheduler's built-in parameters and time expressions, in DataWorks' words.
//
//   ${system.biz.date}      -> $bizdate             (the business date, yyyymmdd: the day before the run)
//   ${system.biz.curdate}   -> $[yyyymmdd]          (the day of the scheduled run)
//   ${system.datetime}      -> $cyctime             (the scheduled time, yyyymmddhh24miss)
//   ${system.task.instance.id} -> $taskid
//   $[yyyyMMdd-1]           -> $[yyyymmdd-1]        (both relative to the scheduled time; the format's
//   $[HHmmss+1/24]          -> $[hh24miss+1/24]      letters translated: MM mm, HH hh24, mm mi)
//   $[add_months(yyyyMMdd,-1)] -> $[add_months(yyyymmdd,-1)]
//
// Everything else DolphinScheduler knows (this_day, last_day, week_first_day, the other ${system.*}
// names, format letters DataWorks lacks) has no equivalent: it is kept as written and named.
#pragma once

#include <string>
#include <vector>

namespace ferry::reader::ds {

struct Translation {
    std::string text;                     // with every translatable form rewritten
    std::vector<std::string> kept;        // forms left as written (no DataWorks equivalent)
    std::vector<std::string> translated;  // "from -> to", in order
};

// A parameter's value: built-ins rewritten in place ("dt_$[yyyyMMdd]" -> "dt_$[yyyymmdd]").
Translation translate_value(const std::string& value);

// The time expression inside $[...]; false when DataWorks has no equivalent.
bool translate_time_expression(const std::string& inner, std::string& out);

// Code that uses built-ins directly ("where dt = '${system.biz.date}'"). DataWorks replaces only
// declared parameters in code, so each distinct built-in becomes one: the code refers to
// ${system_biz_date}, and the node declares system_biz_date=$bizdate.
struct CodeParameter {
    std::string name;
    std::string value;     // DataWorks' form
    std::string original;  // the form as written in the code
};
struct CodeRewrite {
    std::string code;
    std::vector<CodeParameter> parameters;
    std::vector<std::string> kept;
};
CodeRewrite declare_builtins(const std::string& code, const std::vector<std::string>& taken_names);

}  // namespace ferry::reader::ds
