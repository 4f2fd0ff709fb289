#include "ferry/reader/quartz_cron.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <sstream>

namespace ferry::reader {

namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

enum Field { kSecond, kMinute, kHour, kDayOfMonth, kMonth, kDayOfWeek, kYear };

struct FieldInfo {
    int min;
    int max;
    bool two_digits;  // DataWorks writes seconds, minutes and hours as two digits
    const char* label;
};
constexpr std::array<FieldInfo, 7> kFields = {{{0, 59, true, "second"},
                                               {0, 59, true, "minute"},
                                               {0, 23, true, "hour"},
                                               {1, 31, false, "day of month"},
                                               {1, 12, false, "month"},
                                               {1, 7, false, "day of week"},
                                               {1970, 2199, false, "year"}}};

constexpr std::array<const char*, 12> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                  "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 7> kDays = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

bool all_digits(const std::string& s) {
    return !s.empty() && s.size() <= 6 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A value of a field: a number, or a month / day name where Quartz takes one.
bool value_of(Field f, const std::string& token, int& out) {
    if (all_digits(token)) {
        out = std::stoi(token);
    } else {
        const std::string t = upper(token);
        out = -1;
        if (f == kMonth)
            for (std::size_t i = 0; i < kMonths.size(); ++i)
                if (t == kMonths[i]) out = static_cast<int>(i) + 1;
        if (f == kDayOfWeek)
            for (std::size_t i = 0; i < kDays.size(); ++i)
                if (t == kDays[i]) out = static_cast<int>(i) + 1;
        if (out < 0) return false;
    }
    return out >= kFields[f].min && out <= kFields[f].max;
}

std::string fmt(Field f, int v) {
    std::string s = std::to_string(v);
    if (kFields[f].two_digits && s.size() < 2) s = "0" + s;
    return s;
}

// One item of a list: `v`, `a-b`, `a/s`, `*/s`, `a-b/s`.
struct Item {
    int from = 0;
    int to = 0;
    int step = 0;  // 0: no step
};

bool parse_item(Field f, const std::string& text, Item& item, std::string& error) {
    std::string base = text;
    item = Item{};
    if (const auto slash = text.find('/'); slash != std::string::npos) {
        const std::string step = text.substr(slash + 1);
        if (!all_digits(step) || std::stoi(step) == 0) {
            error = "the step '" + step + "' is not a positive number";
            return false;
        }
        item.step = std::stoi(step);
        base = text.substr(0, slash);
        if (base == "*" || base.empty()) {
            item.from = kFields[f].min;
            item.to = kFields[f].max;
            return true;
        }
    }
    if (const auto dash = base.find('-'); dash != std::string::npos && dash > 0) {
        if (!value_of(f, base.substr(0, dash), item.from) || !value_of(f, base.substr(dash + 1), item.to)) {
            error = "'" + base + "' is not a range of " + kFields[f].label + " values";
            return false;
        }
        return true;
    }
    if (!value_of(f, base, item.from)) {
        error = "'" + base + "' is not a " + std::string(kFields[f].label) + " value";
        return false;
    }
    item.to = item.step ? kFields[f].max : item.from;
    return true;
}

// Minutes, hours, days of month, months: the same items, numbers written DataWorks' way.
bool convert_plain(Field f, const std::string& text, std::string& out, std::string& error) {
    if (text == "*") {
        out = "*";
        return true;
    }
    const auto items = split(text, ',');
    out.clear();
    for (const auto& raw : items) {
        Item it;
        if (!parse_item(f, raw, it, error)) return false;
        std::string piece;
        if (it.step) {
            // DolphinScheduler writes "every day" as 1/1: the whole range is just `*`.
            if (items.size() == 1 && it.step == 1 && it.from == kFields[f].min && it.to == kFields[f].max &&
                (f == kDayOfMonth || f == kMonth)) {
                out = "*";
                return true;
            }
            piece = fmt(f, it.from) + "-" + fmt(f, it.to) + "/" + std::to_string(it.step);
        } else if (it.from != it.to) {
            piece = fmt(f, it.from) + "-" + fmt(f, it.to);
        } else {
            piece = fmt(f, it.from);
        }
        out += (out.empty() ? "" : ",") + piece;
    }
    return true;
}

// Quartz counts Sunday as 1; DataWorks (Spring) Monday as 1 and Sunday as 7.
int dataworks_day(int quartz_day) { return quartz_day == 1 ? 7 : quartz_day - 1; }

std::string compress(const std::set<int>& days) {
    std::string out;
    for (auto it = days.begin(); it != days.end();) {
        int first = *it, last = *it;
        auto next = std::next(it);
        while (next != days.end() && *next == last + 1) {
            last = *next;
            ++next;
        }
        const std::string piece = last - first >= 2 ? std::to_string(first) + "-" + std::to_string(last)
                                  : last == first   ? std::to_string(first)
                                                    : std::to_string(first) + "," + std::to_string(last);
        out += (out.empty() ? "" : ",") + piece;
        it = next;
    }
    return out;
}

class Converter {
  public:
    Converter(const std::string& quartz, const CronCodes& codes) : quartz_(quartz), code_(codes) {}

    CronConversion run() {
        std::istringstream in(quartz_);
        std::vector<std::string> fields;
        for (std::string f; in >> f;) fields.push_back(f);
        if (fields.size() != 6 && fields.size() != 7) {
            fail("'" + quartz_ + "' is not a Quartz cron expression: it has " + std::to_string(fields.size()) +
                 " fields where Quartz has 6 or 7 (second minute hour day-of-month month day-of-week [year])");
            return result_;
        }
        std::string second, minute, hour, dom, month, dow, error;
        convert_seconds(fields[kSecond]);
        if (!convert_plain(kMinute, fields[kMinute], minute, error) ||
            !convert_plain(kHour, fields[kHour], hour, error) ||
            !convert_plain(kMonth, fields[kMonth], month, error)) {
            fail("'" + quartz_ + "': " + error);
            return result_;
        }
        const bool dom_any = fields[kDayOfMonth] == "?" || fields[kDayOfMonth] == "*";
        bool dow_any = fields[kDayOfWeek] == "?" || fields[kDayOfWeek] == "*";
        if (!dom_any && !convert_day_of_month(fields[kDayOfMonth], dom)) return result_;
        if (!dow_any && !convert_day_of_week(fields[kDayOfWeek], dow, dow_any)) return result_;
        if (!dom_any && !dow_any)
            note(sdk::Severity::warning, code_.unreadable,
                 "'" + quartz_ + "' names both days of month and days of week, which Quartz does not run; "
                 "DataWorks runs it on days matching both");
        // DataWorks writes `?` in the day field it does not use.
        if (dow_any) {
            if (dom_any) dom = "*";
            dow = "?";
        } else if (dom_any) {
            dom = "?";
        }
        if (fields.size() == 7 && !convert_year(fields[kYear])) return result_;
        result_.ok = true;
        result_.cron = "00 " + minute + " " + hour + " " + dom + " " + month + " " + dow;
        return result_;
    }

  private:
    void note(sdk::Severity s, const char* code, std::string message) {
        result_.notes.push_back({s, code, std::move(message)});
    }
    void fail(std::string message) {
        result_.ok = false;
        result_.cron.clear();
        note(sdk::Severity::warning, code_.unreadable, std::move(message));
    }

    void convert_seconds(const std::string& text) {
        int v = -1;
        if (value_of(kSecond, text, v) && v == 0) return;
        note(sdk::Severity::warning, code_.seconds,
             "the seconds field '" + text + "' of '" + quartz_ +
                 "' cannot be kept: DataWorks schedules at second 00 only");
    }

    bool convert_day_of_month(const std::string& text, std::string& out) {
        const std::string t = upper(text);
        if (t == "L") {
            note(sdk::Severity::warning, code_.special,
                 "the last day of the month ('L' in '" + quartz_ +
                     "') is kept; DataWorks reads L only in custom cron expressions (an invitation-only "
                     "feature): check the schedule after import");
            out = "L";
            return true;
        }
        if (t == "LW" || t.rfind("L-", 0) == 0 || (t.size() > 1 && t.back() == 'W')) {
            note(sdk::Severity::warning, code_.unsupported,
                 "'" + text + "' in '" + quartz_ +
                     "' (nearest weekday, or days before the last) has no DataWorks equivalent: it is kept as "
                     "written and DataWorks may refuse the schedule");
            out = t;
            return true;
        }
        std::string error;
        if (!convert_plain(kDayOfMonth, text, out, error)) {
            fail("'" + quartz_ + "': " + error);
            return false;
        }
        return true;
    }

    bool convert_day_of_week(const std::string& text, std::string& out, bool& any) {
        const std::string t = upper(text);
        int v = 0;
        // The last given day of the month (6L, FRIL), the nth (6#3), or L alone (Saturday).
        if (t == "L") {
            out = std::to_string(dataworks_day(7));
            renumbered(text, out);
            return true;
        }
        if (t.size() > 1 && t.back() == 'L' && value_of(kDayOfWeek, t.substr(0, t.size() - 1), v)) {
            out = std::to_string(dataworks_day(v)) + "L";
            special(text);
            renumbered(text, out);
            return true;
        }
        if (const auto hash = t.find('#'); hash != std::string::npos) {
            const std::string nth = t.substr(hash + 1);
            if (!value_of(kDayOfWeek, t.substr(0, hash), v) || !all_digits(nth) || std::stoi(nth) < 1 || std::stoi(nth) > 5) {
                fail("'" + quartz_ + "': '" + text + "' is not a day of week and its number in the month (1-5)");
                return false;
            }
            out = std::to_string(dataworks_day(v)) + "#" + nth;
            special(text);
            renumbered(text, out);
            return true;
        }
        std::vector<Item> items;
        if (!parse_list(kDayOfWeek, t, items)) return false;
        std::set<int> days;
        for (const auto& it : items) {
            const int step = it.step ? it.step : 1;
            if (it.from <= it.to) {
                for (int d = it.from; d <= it.to; d += step) days.insert(dataworks_day(d));
            } else {  // Quartz ranges wrap: FRI-MON is Friday to Monday
                for (int d = it.from, n = 0; n <= 7 - it.from + it.to; d = d % 7 + 1, ++n)
                    if (n % step == 0) days.insert(dataworks_day(d));
            }
        }
        if (days.size() == 7) {
            any = true;
            return true;
        }
        out = compress(days);
        renumbered(text, out);
        return true;
    }

    // Every item of a field's list; a note and false when one cannot be read.
    bool parse_list(Field f, const std::string& text, std::vector<Item>& items) {
        for (const auto& raw : split(text, ',')) {
            Item it;
            std::string error;
            if (!parse_item(f, raw, it, error)) {
                fail("'" + quartz_ + "': " + error);
                return false;
            }
            items.push_back(it);
        }
        return true;
    }

    void special(const std::string& text) {
        note(sdk::Severity::warning, code_.special,
             "'" + text + "' in '" + quartz_ +
                 "' (the last or the nth given day of the month) is kept; DataWorks reads L and # only in custom "
                 "cron expressions (an invitation-only feature): check the schedule after import");
    }

    void renumbered(const std::string& text, const std::string& out) {
        note(sdk::Severity::info, code_.weekday,
             "day of week '" + text + "' is written '" + out +
                 "': DataWorks counts Monday as 1 and Sunday as 7, Quartz Sunday as 1");
    }

    bool convert_year(const std::string& text) {
        if (text == "*" || text == "?" || text.empty()) return true;
        std::vector<Item> items;
        if (!parse_list(kYear, text, items)) return false;
        std::set<int> years;
        bool open_ended = false;
        for (const auto& it : items) {
            if (it.step == 1 && it.to == kFields[kYear].max) open_ended = true;
            for (int y = it.from; y <= it.to; y += it.step ? it.step : 1) years.insert(y);
        }
        const int first = *years.begin(), last = *years.rbegin();
        const bool contiguous = static_cast<int>(years.size()) == last - first + 1;
        if (!contiguous) {
            note(sdk::Severity::warning, code_.year,
                 "the year field '" + text + "' of '" + quartz_ +
                     "' is not one year or one range: DataWorks' cron has no year, so it runs every year between "
                     "the schedule's start and end");
            return true;
        }
        result_.year_from = first;
        if (!open_ended) result_.year_to = last;
        note(sdk::Severity::info, code_.year,
             "the year field '" + text + "' of '" + quartz_ +
                 "' becomes the schedule's start and end time (DataWorks' cron has no year)");
        return true;
    }

    std::string quartz_;
    const CronCodes& code_;
    CronConversion result_;
};

}  // namespace

CronConversion quartz_to_dataworks(const std::string& quartz, const CronCodes& codes) {
    return Converter(quartz, codes).run();
}

}  // namespace ferry::reader
